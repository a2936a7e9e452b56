// SPDX-License-Identifier: MIT
/* test_caps.c - unit tests for lib/caps: what caps_keep_only() leaves, read from /proc */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/caps.h"

/* One of the Cap* lines of /proc/self/status, which the kernel fills in itself. */
static uint64_t proc_caps(const char *field)
{
	unsigned long long v = ~0ull;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return ~0ull;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, strlen(field)) && line[strlen(field)] == ':')
			sscanf(line + strlen(field) + 1, "%llx", &v);
	fclose(f);
	return v;
}

/* Run @fn in a child, so that the drops do not reach the test runner; Return: its status */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int keep_two_then_one(void)
{
	static const int two[] = { CAP_NET_ADMIN, CAP_KILL };
	static const int one[] = { CAP_NET_ADMIN };
	const uint64_t both = 1ull << CAP_NET_ADMIN | 1ull << CAP_KILL;

	if (!caps_have_net_admin() || caps_keep_only(two, 2))
		return 1;
	if (proc_caps("CapEff") != both || proc_caps("CapPrm") != both ||
	    proc_caps("CapBnd") != 0 || proc_caps("CapInh") != 0 || proc_caps("CapAmb") != 0)
		return 2;
	if (!caps_have(CAP_KILL) || caps_have(CAP_SYS_ADMIN))
		return 3;
	/* The second drop, as `up` without --dhcp makes it, once the bounding set is empty. */
	if (caps_keep_only(one, 1) || proc_caps("CapEff") != 1ull << CAP_NET_ADMIN ||
	    proc_caps("CapPrm") != 1ull << CAP_NET_ADMIN || caps_have(CAP_KILL))
		return 4;
	/* Nothing can come back. */
	if (caps_keep_only(two, 2) != -EPERM || caps_have(CAP_KILL))
		return 5;
	return 0;
}

static void keep_only_leaves_exactly_those(void **state)
{
	(void)state;
	if (geteuid() != 0 || !(proc_caps("CapEff") & 1ull << CAP_SETPCAP))
		skip();
	assert_int_equal(in_child(keep_two_then_one), 0);
}

/* As uid 65534 (root's child changes to it first; the kernel then clears its sets). */
static int without_privilege(void)
{
	static const int one[] = { CAP_NET_ADMIN };

	if (geteuid() == 0 && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
			       setresuid(65534, 65534, 65534)))
		return 10;
	return caps_have_net_admin() || caps_keep_only(one, 1) != -EPERM;
}

static void unprivileged_has_nothing(void **state)
{
	(void)state;
	assert_int_equal(in_child(without_privilege), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keep_only_leaves_exactly_those),
		cmocka_unit_test(unprivileged_has_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
