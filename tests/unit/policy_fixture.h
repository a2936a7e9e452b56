/* SPDX-License-Identifier: MIT */
/* policy_fixture.h - a fake user and group database and parse helpers for the policy tests */
#ifndef REDOX_NET_TEST_POLICY_FIXTURE_H
#define REDOX_NET_TEST_POLICY_FIXTURE_H

#include <errno.h>
#include <string.h>

#include "policy/policy.h"

/* Users share prefixes on purpose: "ali", "alice" and "alice2" are three people. */
enum { UID_ALICE = 1000, UID_ALICE2 = 1001, UID_BOB = 1002, UID_ALI = 1003, UID_CAROL = 1004,
       UID_CI = 1005 };
enum { GID_KVM = 78, GID_NETDEV = 79, GID_USERS = 100, GID_KVM2 = 80 };

/**
 * struct fake_id - one entry of the fake database
 * @name:	user or group name
 * @id:		its id
 */
struct fake_id {
	const char *name;
	unsigned int id;
};

static const struct fake_id fake_users[] = {
	{ "alice", UID_ALICE }, { "alice2", UID_ALICE2 }, { "bob", UID_BOB },
	{ "ali", UID_ALI }, { "carol", UID_CAROL }, { "ci", UID_CI }, { NULL, 0 },
};

static const struct fake_id fake_groups[] = {
	{ "kvm", GID_KVM }, { "netdev", GID_NETDEV }, { "users", GID_USERS },
	{ "kvm2", GID_KVM2 }, { NULL, 0 },
};

/**
 * fake_lookup() - Return: 0 and the id of @name in @table, or ENOENT
 * @table:	fake_users or fake_groups
 * @name:	name to find
 * @id:		its id
 */
static inline int fake_lookup(const struct fake_id *table, const char *name, unsigned int *id)
{
	for (; table->name; table++) {
		if (!strcmp(table->name, name)) {
			*id = table->id;
			return 0;
		}
	}
	return ENOENT;
}

/**
 * fake_user() - resolver callback over fake_users
 * @ctx:	unused
 * @name:	user name
 * @uid:	its uid
 *
 * Return: 0 or ENOENT.
 */
static inline int fake_user(void *ctx, const char *name, uid_t *uid)
{
	unsigned int id = 0;
	int rc = fake_lookup(fake_users, name, &id);

	(void)ctx;
	*uid = id;
	return rc;
}

/**
 * fake_group() - resolver callback over fake_groups
 * @ctx:	unused
 * @name:	group name
 * @gid:	its gid
 *
 * Return: 0 or ENOENT.
 */
static inline int fake_group(void *ctx, const char *name, gid_t *gid)
{
	unsigned int id = 0;
	int rc = fake_lookup(fake_groups, name, &id);

	(void)ctx;
	*gid = id;
	return rc;
}

static const struct policy_resolver fake_resolver = { fake_user, fake_group, NULL };

/**
 * parse_bytes() - parse a policy buffer with the fake resolver and no includes
 * @buf:	policy bytes, possibly with NULs
 * @len:	their length
 * @err:	error, filled on failure
 *
 * Return: the policy, or NULL if it did not parse.
 */
static inline struct policy *parse_bytes(const char *buf, size_t len, struct policy_error *err)
{
	const struct policy_parse_opts opts = { .resolver = &fake_resolver };
	struct policy *p = policy_new();

	memset(err, 0, sizeof(*err));
	if (policy_parse_buffer(buf, len, "test.policy", &opts, p, err)) {
		policy_free(p);
		return NULL;
	}
	return p;
}

/**
 * parse_text() - Return: parse_bytes() of a NUL-terminated text
 * @text:	policy text
 * @err:	error, filled on failure
 */
static inline struct policy *parse_text(const char *text, struct policy_error *err)
{
	return parse_bytes(text, strlen(text), err);
}

#endif
