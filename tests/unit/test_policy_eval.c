// SPDX-License-Identifier: MIT
/* test_policy_eval.c - unit tests for policy decisions: exact subjects, kinds, names, queues, quotas */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "tests/unit/policy_fixture.h"

/**
 * load() - parse a policy that must be valid
 * @text:	policy text
 *
 * Return: the policy.
 */
static struct policy *load(const char *text)
{
	struct policy_error err;
	struct policy *p = parse_text(text, &err);

	if (!p)
		fail_msg("%s:%lu: %s", err.file, err.line, err.message);
	return p;
}

/**
 * ask() - check a request from a uid whose only group is @gid
 * @p:		policy
 * @uid:	real uid
 * @gid:	real gid
 * @kind:	device kind
 * @name:	device name
 * @queues:	queues asked for
 * @d:		decision
 *
 * Return: the verdict.
 */
static enum policy_verdict ask(const struct policy *p, uid_t uid, gid_t gid,
			       enum policy_kind kind, const char *name,
			       unsigned int queues, struct policy_decision *d)
{
	enum policy_verdict v = policy_check(p, uid, &gid, 1, kind, name, queues, d);

	assert_int_equal(v, d->verdict);
	return v;
}

static void default_deny(void **state)
{
	struct policy *p = load("");
	struct policy_decision d;

	(void)state;
	assert_int_equal(ask(p, UID_ALICE, GID_USERS, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_DENY);
	assert_null(d.file);
	assert_non_null(strstr(d.reason, "no rule allows uid 1000 to use tap tap0"));
	assert_int_equal(ask(NULL, 0, 0, POLICY_KIND_TAP, "tap0", 1, &d), POLICY_DENY);
	assert_string_equal(d.reason, "no policy is loaded");
	assert_int_equal(policy_check(p, UID_ALICE, NULL, 0, POLICY_KIND_TAP, "tap0", 1, NULL),
			 POLICY_DENY);
	policy_free(p);
}

static void users_match_exactly(void **state)
{
	struct policy *p = load("# alice only\nallow user alice tap tap0\nallow user ali tap tap9\n");
	struct policy_decision d;

	(void)state;
	assert_int_equal(ask(p, UID_ALICE, GID_USERS, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_ALLOW);
	assert_string_equal(d.file, "test.policy");
	assert_int_equal(d.line, 2);
	/* Names that share a prefix are different users: no prefix match either way. */
	assert_int_equal(ask(p, UID_ALICE2, GID_USERS, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_DENY);
	assert_int_equal(ask(p, UID_ALICE, GID_USERS, POLICY_KIND_TAP, "tap9", 1, &d),
			 POLICY_DENY);
	assert_int_equal(ask(p, UID_ALI, GID_USERS, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_DENY);
	/* A gid equal to the allowed uid grants nothing. */
	assert_int_equal(ask(p, UID_BOB, UID_ALICE, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_DENY);
	policy_free(p);
}

static void groups_from_the_whole_list(void **state)
{
	struct policy *p = load("allow group kvm tap redox-*\n");
	const gid_t with[] = { GID_USERS, GID_NETDEV, GID_KVM };
	const gid_t without[] = { GID_USERS, GID_NETDEV, GID_KVM2 };
	struct policy_decision d;

	(void)state;
	assert_int_equal(policy_check(p, UID_BOB, with, 3, POLICY_KIND_TAP, "redox-1", 1, &d),
			 POLICY_ALLOW);
	assert_int_equal(policy_check(p, UID_BOB, without, 3, POLICY_KIND_TAP, "redox-1", 1,
				      &d), POLICY_DENY);
	assert_int_equal(policy_check(p, UID_BOB, with, 0, POLICY_KIND_TAP, "redox-1", 1, &d),
			 POLICY_DENY);
	/* A uid equal to the allowed gid grants nothing. */
	assert_int_equal(ask(p, GID_KVM, GID_USERS, POLICY_KIND_TAP, "redox-1", 1, &d),
			 POLICY_DENY);
	assert_int_equal(policy_check(p, UID_BOB, NULL, 3, POLICY_KIND_TAP, "redox-1", 1, &d),
			 POLICY_DENY);
	policy_free(p);
}

static void kind_and_name_both_count(void **state)
{
	struct policy *p = load("allow user alice tap tap0\nallow user alice macvtap mvt0\n"
				"allow user alice bridge redoxbr0\n");
	struct policy_decision d;

	(void)state;
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, "tap0", 1, &d), POLICY_ALLOW);
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_MACVTAP, "tap0", 1, &d), POLICY_DENY);
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_BRIDGE, "tap0", 1, &d), POLICY_DENY);
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_MACVTAP, "mvt0", 1, &d), POLICY_ALLOW);
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, "mvt0", 1, &d), POLICY_DENY);
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_BRIDGE, "redoxbr0", 1, &d),
			 POLICY_ALLOW);
	assert_int_equal(ask(p, UID_ALICE, 0, 0, "tap0", 1, &d), POLICY_DENY);
	assert_int_equal(ask(p, UID_ALICE, 0, 42, "tap0", 1, &d), POLICY_DENY);
	assert_non_null(strstr(d.reason, "invalid device kind"));
	policy_free(p);
}

static void deny_wins_in_any_order(void **state)
{
	struct policy *before = load("deny user bob tap tap0\nallow group kvm tap *\n");
	struct policy *after = load("allow group kvm tap *\ndeny user bob tap tap?\n");
	struct policy_decision d;

	(void)state;
	assert_int_equal(ask(before, UID_BOB, GID_KVM, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_DENY);
	assert_int_equal(d.line, 1);
	assert_string_equal(d.reason, "denied by rule");
	assert_int_equal(ask(after, UID_BOB, GID_KVM, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_DENY);
	assert_int_equal(d.line, 2);
	assert_int_equal(ask(after, UID_BOB, GID_KVM, POLICY_KIND_TAP, "tap10", 1, &d),
			 POLICY_ALLOW);
	assert_int_equal(ask(after, UID_ALICE, GID_KVM, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_ALLOW);
	policy_free(before);
	policy_free(after);
}

static void globs(void **state)
{
	struct policy *p = load("allow user alice tap redox-*\nallow user alice tap t?p\n"
				"allow user alice tap a*b*c\n");
	static const char *yes[] = { "redox-", "redox-1", "redox-abcdefghi", "tap", "tip",
				     "abc", "aXbYc", "abbbc", "abcbc" };
	static const char *no[] = { "redox", "xredox-1", "tp", "taap", "tap0", "ab", "abcd",
				    "acb" };
	struct policy_decision d;

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (ask(p, UID_ALICE, 0, POLICY_KIND_TAP, yes[i], 1, &d) != POLICY_ALLOW)
			fail_msg("'%s' should match", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (ask(p, UID_ALICE, 0, POLICY_KIND_TAP, no[i], 1, &d) != POLICY_DENY)
			fail_msg("'%s' should not match", no[i]);
	policy_free(p);
}

static void names_are_validated_never_cut(void **state)
{
	/* SECURITY.md attack 1: a 15-character name denied, everything else allowed. */
	struct policy *p = load("deny user alice tap abcdefghijklmno\nallow user alice tap *\n");
	static const char *bad[] = {
		"", ".", "..", "a/b", "../x", "a:b", "a b", "a\nb", "%d", "%n", "\x1b[31m",
		"a\"b", "a;b", "-x", "abcdefghijklmnop", "abcdefghijklmnopq",
	};
	char big[4097];
	struct policy_decision d;

	(void)state;
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, "abcdefghijklmno", 1, &d),
			 POLICY_DENY);
	assert_int_equal(d.line, 1);
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, "abcdefghijklmn", 1, &d),
			 POLICY_ALLOW);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, bad[i], 1, &d),
				 POLICY_DENY);
		assert_null(d.file);
		assert_non_null(strstr(d.reason, "invalid device name"));
	}
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "abcdefghijklmno", 15);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, big, 1, &d), POLICY_DENY);
	assert_string_equal(d.reason, "invalid device name: it is longer than 15 characters");
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, NULL, 1, &d), POLICY_DENY);
	policy_free(p);
}

static void queue_limits(void **state)
{
	struct policy *p = load("allow user alice tap tap0\nallow user bob tap tap0 queues 4\n"
				"allow group kvm tap tap0 queues 8\n"
				"quota group kvm devices 3 queues 6\n");
	struct policy_decision d;

	(void)state;
	/* No "queues": one queue. */
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, "tap0", 1, &d), POLICY_ALLOW);
	assert_int_equal(d.max_queues, 1);
	assert_int_equal(ask(p, UID_ALICE, 0, POLICY_KIND_TAP, "tap0", 2, &d), POLICY_DENY);
	assert_string_equal(d.reason, "2 queues asked for, at most 1 allowed");
	assert_int_equal(d.line, 1);
	assert_int_equal(ask(p, UID_BOB, 0, POLICY_KIND_TAP, "tap0", 4, &d), POLICY_ALLOW);
	assert_int_equal(d.max_queues, 4);
	assert_int_equal(ask(p, UID_BOB, 0, POLICY_KIND_TAP, "tap0", 5, &d), POLICY_DENY);
	/* SECURITY.md attack 15: 0, 257 and -1 are refused before any rule is looked at. */
	assert_int_equal(ask(p, UID_BOB, 0, POLICY_KIND_TAP, "tap0", 0, &d), POLICY_DENY);
	assert_int_equal(ask(p, UID_BOB, 0, POLICY_KIND_TAP, "tap0", 257, &d), POLICY_DENY);
	assert_int_equal(ask(p, UID_BOB, 0, POLICY_KIND_TAP, "tap0", (unsigned int)-1, &d),
			 POLICY_DENY);
	assert_non_null(strstr(d.reason, "not within 1..256"));
	/* The quota caps the rule: kvm's rule says 8, its quota 6. */
	assert_int_equal(ask(p, UID_CAROL, GID_KVM, POLICY_KIND_TAP, "tap0", 6, &d),
			 POLICY_ALLOW);
	assert_int_equal(d.max_queues, 6);
	assert_int_equal(ask(p, UID_CAROL, GID_KVM, POLICY_KIND_TAP, "tap0", 7, &d),
			 POLICY_DENY);
	/* Bob is in kvm too: his own rule is too small for 6, kvm's is enough. */
	assert_int_equal(ask(p, UID_BOB, GID_KVM, POLICY_KIND_TAP, "tap0", 6, &d), POLICY_ALLOW);
	assert_int_equal(d.line, 3);
	policy_free(p);
}

static void quotas(void **state)
{
	struct policy *p = load("allow group users tap *\n"
				"quota group users devices 2 queues 1\n"
				"quota group kvm devices 10\n"
				"quota group netdev devices 10 queues 2\n"
				"quota user alice devices 1\n");
	const gid_t users_kvm[] = { GID_USERS, GID_KVM };
	const gid_t users_netdev[] = { GID_USERS, GID_NETDEV };
	const gid_t all[] = { GID_NETDEV, GID_USERS, GID_KVM };
	struct policy_decision d;

	(void)state;
	/* No quota at all: the built-in default. */
	assert_int_equal(ask(p, UID_BOB, GID_KVM2, POLICY_KIND_TAP, "tap0", 1, &d), POLICY_DENY);
	assert_int_equal(d.max_devices, POLICY_DEFAULT_DEVICES);
	assert_null(d.quota_file);
	/* One group quota. */
	assert_int_equal(ask(p, UID_BOB, GID_USERS, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_ALLOW);
	assert_int_equal(d.max_devices, 2);
	assert_int_equal(d.quota_line, 2);
	/* Several groups: the most generous quota, not the smallest. */
	assert_int_equal(policy_check(p, UID_BOB, users_kvm, 2, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_ALLOW);
	assert_int_equal(d.max_devices, 10);
	assert_int_equal(d.quota_line, 3);
	assert_int_equal(policy_check(p, UID_BOB, users_netdev, 2, POLICY_KIND_TAP, "tap0", 1,
				      &d), POLICY_ALLOW);
	assert_int_equal(d.max_devices, 10);
	assert_int_equal(d.quota_line, 4);
	/* Equal devices: more queues wins (kvm has the default 256, netdev 2). */
	assert_int_equal(policy_check(p, UID_BOB, all, 3, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_ALLOW);
	assert_int_equal(d.quota_line, 3);
	/* A user quota beats every group quota, even a bigger one. */
	assert_int_equal(policy_check(p, UID_ALICE, all, 3, POLICY_KIND_TAP, "tap0", 1, &d),
			 POLICY_ALLOW);
	assert_int_equal(d.max_devices, 1);
	assert_int_equal(d.quota_line, 5);
	assert_string_equal(d.quota_file, "test.policy");
	policy_free(p);
}

static void first_sufficient_allow_decides(void **state)
{
	struct policy *p = load("allow group kvm tap tap* queues 2\n"
				"allow user alice tap tap0 queues 4\n"
				"allow group users tap tap0 queues 4\n");
	const gid_t gids[] = { GID_KVM, GID_USERS };
	struct policy_decision d;

	(void)state;
	assert_int_equal(policy_check(p, UID_ALICE, gids, 2, POLICY_KIND_TAP, "tap0", 2, &d),
			 POLICY_ALLOW);
	assert_int_equal(d.line, 1);
	assert_int_equal(d.max_queues, 2);
	assert_int_equal(policy_check(p, UID_ALICE, gids, 2, POLICY_KIND_TAP, "tap0", 3, &d),
			 POLICY_ALLOW);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.max_queues, 4);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_deny),
		cmocka_unit_test(users_match_exactly),
		cmocka_unit_test(groups_from_the_whole_list),
		cmocka_unit_test(kind_and_name_both_count),
		cmocka_unit_test(deny_wins_in_any_order),
		cmocka_unit_test(globs),
		cmocka_unit_test(names_are_validated_never_cut),
		cmocka_unit_test(queue_limits),
		cmocka_unit_test(quotas),
		cmocka_unit_test(first_sufficient_allow_decides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
