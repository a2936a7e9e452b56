/* SPDX-License-Identifier: MIT */
/*
 * guard.h - for test and benchmark tools that create or attach network devices:
 * refuse to run in the machine's own network namespace.
 *
 * tests/lib.sh and bench/run-all.sh record the inode of the namespace they were
 * started in as RXN_ROOT_NETNS_INO.  A tool is only ever meant to run inside a
 * throwaway namespace made by those scripts, so it refuses to run where that
 * inode is its own, and also when the record is missing (it was not started by
 * a script at all).
 */
#ifndef REDOX_NET_TEST_GUARD_H
#define REDOX_NET_TEST_GUARD_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Return: 1 if this process may be in the machine's own network namespace, else 0. */
static inline int guard_in_root_netns(void)
{
	const char *root = getenv("RXN_ROOT_NETNS_INO");
	struct stat self;

	if (!root || !*root || stat("/proc/self/ns/net", &self) < 0)
		return 1;
	return strtoull(root, NULL, 10) == (unsigned long long)self.st_ino;
}

/**
 * guard_refuse_root_netns() - print why and return non-zero when in the root namespace
 * @tool:	the tool's name, for the message
 *
 * Return: 0 when it is safe to go on, otherwise 1 after printing to stderr.
 */
static inline int guard_refuse_root_netns(const char *tool)
{
	if (!guard_in_root_netns())
		return 0;
	fprintf(stderr, "%s: refusing to run in the machine's own network namespace "
		"(run it only from the test or benchmark scripts, which set RXN_ROOT_NETNS_INO)\n", tool);
	return 1;
}

#endif
