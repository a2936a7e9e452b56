// SPDX-License-Identifier: MIT
/* policy_resolve.c - the system's user and group lookups, for policy names resolved at load time */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

#include "policy/policy.h"

/* getpw*_r report ERANGE until the buffer is big enough; stop growing here. */
#define LOOKUP_BUF_MAX 1048576	/* 1 MiB */

/**
 * lookup() - run getpwnam_r() or getgrnam_r() with a buffer that grows as needed
 * @group:	true for a group lookup
 * @name:	name to look up
 * @id:		set to the uid or gid
 *
 * Return: 0, ENOENT if there is no such name, or the errno of the failure.
 */
static int lookup(bool group, const char *name, unsigned int *id)
{
	size_t size = 4096;
	int rc;

	for (;;) {
		char *buf = malloc(size);
		struct passwd pw, *pwp = NULL;
		struct group gr, *grp = NULL;

		if (!buf)
			return ENOMEM;
		if (group)
			rc = getgrnam_r(name, &gr, buf, size, &grp);
		else
			rc = getpwnam_r(name, &pw, buf, size, &pwp);
		free(buf);
		if (rc == ERANGE && size < LOOKUP_BUF_MAX) {
			size *= 2;
			continue;
		}
		if (rc)
			return rc;
		if (group ? !grp : !pwp)
			return ENOENT;
		*id = group ? (unsigned int)gr.gr_gid : (unsigned int)pw.pw_uid;
		return 0;
	}
}

/**
 * system_user() - resolve a user name through NSS
 * @ctx:	unused
 * @name:	user name
 * @uid:	its uid
 *
 * Return: 0, ENOENT, or another errno value.
 */
static int system_user(void *ctx, const char *name, uid_t *uid)
{
	unsigned int id;
	int rc = lookup(false, name, &id);

	(void)ctx;
	if (!rc)
		*uid = (uid_t)id;
	return rc;
}

/**
 * system_group() - resolve a group name through NSS
 * @ctx:	unused
 * @name:	group name
 * @gid:	its gid
 *
 * Return: 0, ENOENT, or another errno value.
 */
static int system_group(void *ctx, const char *name, gid_t *gid)
{
	unsigned int id;
	int rc = lookup(true, name, &id);

	(void)ctx;
	if (!rc)
		*gid = (gid_t)id;
	return rc;
}

/* What policy_load() uses when no resolver is given. */
const struct policy_resolver policy_resolver_system = {
	.user = system_user,
	.group = system_group,
};
