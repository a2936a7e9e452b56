// SPDX-License-Identifier: MIT
/* test_tap_claim.c - unit tests for the record of a TAP claim in flight: write, read, settle, and when it stands */
#include <linux/if_tun.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper/tap_claim.h"
#include "lib/netlink.h"

/* lock_file() - an empty temporary file standing in for the quota lock; Return: its fd */
static int lock_file(void)
{
	char path[] = "/tmp/test_tap_claim.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static struct tap_claim claim(const char *name)
{
	struct tap_claim c;

	memset(&c, 0, sizeof(c));
	c.magic = TAP_CLAIM_MAGIC;
	c.ifindex = 7;
	c.uid = 65534;
	snprintf(c.ifname, sizeof(c.ifname), "%s", name);
	return c;
}

static void recorded_read_and_settled(void **state)
{
	struct tap_claim c = claim("pool0"), back;
	int fd = lock_file();

	(void)state;
	assert_int_equal(tap_claim_read(fd, &back), 0);	/* an empty lock file: no claim */
	assert_int_equal(tap_claim_record(fd, &c), 0);
	assert_int_equal(tap_claim_read(fd, &back), 1);
	assert_memory_equal(&back, &c, sizeof(c));
	/* A second claim replaces the first: one helper at a time holds the lock. */
	c.ifindex = 9;
	assert_int_equal(tap_claim_record(fd, &c), 0);
	assert_int_equal(tap_claim_read(fd, &back), 1);
	assert_int_equal(back.ifindex, 9);
	assert_int_equal(tap_claim_settle(fd), 0);
	assert_int_equal(tap_claim_read(fd, &back), 0);
	close(fd);
}

static void anything_else_is_no_claim(void **state)
{
	struct tap_claim c = claim("pool0"), back;
	int fd = lock_file();

	(void)state;
	/* Cut short. */
	assert_int_equal(pwrite(fd, &c, sizeof(c) - 1, 0), (ssize_t)sizeof(c) - 1);
	assert_int_equal(tap_claim_read(fd, &back), 0);
	/* Not ours. */
	c.magic ^= 1;
	assert_int_equal(tap_claim_record(fd, &c), 0);
	assert_int_equal(tap_claim_read(fd, &back), 0);
	/* A name that is not one, or not terminated. */
	c = claim("../x");
	assert_int_equal(tap_claim_record(fd, &c), 0);
	assert_int_equal(tap_claim_read(fd, &back), 0);
	c = claim("");
	memset(c.ifname, 'a', sizeof(c.ifname));
	assert_int_equal(tap_claim_record(fd, &c), 0);
	assert_int_equal(tap_claim_read(fd, &back), 0);
	close(fd);
}

/* A TAP as the claim left it: ours, the caller's, nobody attached. */
static struct link_state claimed_tap(void)
{
	struct link_state l;

	memset(&l, 0, sizeof(l));
	l.ifindex = 7;
	snprintf(l.name, sizeof(l.name), "pool0");
	snprintf(l.kind, sizeof(l.kind), "tun");
	l.group = RN_IFGROUP;
	l.tun.valid = true;
	l.tun.type = IFF_TAP;
	l.tun.has_owner = true;
	l.tun.owner = 65534;
	return l;
}

static void undone_only_when_nobody_holds_it(void **state)
{
	struct tap_claim c = claim("pool0");
	struct link_state l = claimed_tap();

	(void)state;
	assert_true(link_is_tap(&l));
	assert_false(tap_claim_in_use(&c, &l));
	/* Somebody holds a queue, attached or detached: the fds left, the claim stands. */
	l.tun.queues = 1;
	assert_true(tap_claim_in_use(&c, &l));
	l = claimed_tap();
	l.tun.disabled_queues = 1;
	assert_true(tap_claim_in_use(&c, &l));
	/* Not the device claimed any more: nothing of ours to undo. */
	l = claimed_tap();
	l.ifindex = 8;
	assert_true(tap_claim_in_use(&c, &l));
	l = claimed_tap();
	l.group = 0;
	assert_true(tap_claim_in_use(&c, &l));
	l = claimed_tap();
	l.tun.owner = 0;
	assert_true(tap_claim_in_use(&c, &l));
	l = claimed_tap();
	l.tun.has_owner = false;
	assert_true(tap_claim_in_use(&c, &l));
	l = claimed_tap();
	snprintf(l.kind, sizeof(l.kind), "veth");
	assert_true(tap_claim_in_use(&c, &l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recorded_read_and_settled),
		cmocka_unit_test(anything_else_is_no_claim),
		cmocka_unit_test(undone_only_when_nobody_holds_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
