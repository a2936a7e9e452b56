// SPDX-License-Identifier: MIT
/* test_pool_claim.c - unit tests for whose a pool TAP is: the alias record, the verdict, and the check after attaching */
#include <linux/if_tun.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "helper/pool_claim.h"
#include "lib/link_state.h"

#define A 65534u
#define B 65533u

/* pool_tap() - a multi-queue pool TAP as redox-netsetup makes it: root's, no record, no queue */
static struct link_state pool_tap(void)
{
	struct link_state l;

	memset(&l, 0, sizeof(l));
	l.ifindex = 7;
	snprintf(l.name, sizeof(l.name), "mq0");
	snprintf(l.kind, sizeof(l.kind), "tun");
	l.group = RN_IFGROUP;
	l.tun.valid = true;
	l.tun.type = IFF_TAP;
	l.tun.multi_queue = true;
	l.tun.has_owner = true;
	return l;
}

static void recorded(struct link_state *l, uint32_t uid, uint32_t owner)
{
	assert_int_equal(link_alias_for(uid, l->alias), 0);
	l->tun.owner = owner;
}

static void the_alias_round_trips_and_nothing_else_is_a_record(void **state)
{
	static const char *const bad[] = {
		"", "redox-net uid=", "redox-net uid=-1", "redox-net uid=01",
		"redox-net uid=4294967296", "redox-net uid=12 ", "Redox-net uid=1", "my laptop's tap",
	};
	struct link_state l = pool_tap();
	uint32_t uid;

	(void)state;
	assert_int_equal(link_alias_for(4294967295u, l.alias), 0);
	assert_true(link_alias_owner(&l, &uid));
	assert_int_equal(uid, 4294967295u);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(l.alias, sizeof(l.alias), "%s", bad[i]);
		assert_false(link_alias_owner(&l, &uid));
	}
}

/* Issue 12 item 2: owner 0 with queues held is not free; nobody shares a TAP. */
static void a_held_queue_makes_it_in_use_for_everybody(void **state)
{
	struct link_state l = pool_tap();

	(void)state;
	recorded(&l, A, 0);		/* A gave it "back" and kept his queues */
	l.tun.queues = 2;
	assert_int_equal(pool_claim_verdict(&l, B), POOL_IN_USE);
	assert_int_equal(pool_claim_verdict(&l, A), POOL_IN_USE);
	l.tun.queues = 0;
	l.tun.disabled_queues = 1;	/* a detached queue is held too */
	assert_int_equal(pool_claim_verdict(&l, B), POOL_IN_USE);
	l = pool_tap();
	l.tun.queues = 1;		/* a queue on a TAP nobody was granted */
	assert_int_equal(pool_claim_verdict(&l, B), POOL_IN_USE);
}

/* Issue 12 item 3: the record decides, not the owner a fd holder can rewrite. */
static void the_record_decides_not_the_kernel_owner(void **state)
{
	struct link_state l = pool_tap();

	(void)state;
	assert_int_equal(pool_claim_verdict(&l, A), POOL_FREE);
	recorded(&l, A, A);
	assert_int_equal(pool_claim_verdict(&l, A), POOL_MINE);
	assert_int_equal(pool_claim_verdict(&l, B), POOL_THEIRS);
	recorded(&l, A, 12345);		/* given to a third user: still not B's */
	assert_int_equal(pool_claim_verdict(&l, B), POOL_THEIRS);
	recorded(&l, A, B);		/* given to B: B may take it up, at his own request */
	assert_int_equal(pool_claim_verdict(&l, B), POOL_FREE);
	recorded(&l, A, 0);		/* given back, and no queue held */
	assert_int_equal(pool_claim_verdict(&l, B), POOL_FREE);
	assert_int_equal(pool_claim_verdict(&l, A), POOL_MINE);
}

/* Without a record, the kernel owner is the one `up --owner` set. */
static void without_a_record_the_admins_owner_holds(void **state)
{
	struct link_state l = pool_tap();

	(void)state;
	l.tun.owner = A;
	assert_int_equal(pool_claim_verdict(&l, A), POOL_MINE);
	assert_int_equal(pool_claim_verdict(&l, B), POOL_THEIRS);
	l.tun.has_owner = false;
	assert_int_equal(pool_claim_verdict(&l, B), POOL_FREE);
}

static void after_attaching_only_our_queues(void **state)
{
	struct link_state l = pool_tap();

	(void)state;
	recorded(&l, A, A);
	l.tun.queues = 2;
	assert_true(pool_claim_holds(&l, 7, A, 2));
	assert_false(pool_claim_holds(&l, 7, A, 1));	/* somebody else attached one */
	assert_false(pool_claim_holds(&l, 8, A, 2));	/* another device by that name */
	assert_false(pool_claim_holds(&l, 7, B, 2));
	l.tun.disabled_queues = 1;
	assert_false(pool_claim_holds(&l, 7, A, 2));
	l.tun.disabled_queues = 0;
	l.tun.owner = B;				/* re-owned in between */
	assert_false(pool_claim_holds(&l, 7, A, 2));
	l.tun.owner = A;
	l.group = 0;
	assert_false(pool_claim_holds(&l, 7, A, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_alias_round_trips_and_nothing_else_is_a_record),
		cmocka_unit_test(a_held_queue_makes_it_in_use_for_everybody),
		cmocka_unit_test(the_record_decides_not_the_kernel_owner),
		cmocka_unit_test(without_a_record_the_admins_owner_holds),
		cmocka_unit_test(after_attaching_only_our_queues),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
