// SPDX-License-Identifier: MIT
/* quota.c - the helper's device quota: one lock with a deadline, and counting what the kernel shows */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <unistd.h>

#include "helper/quota.h"
#include "lib/netlink.h"

/* Does nothing: its only job is to make a blocked flock() return EINTR. */
static void on_alarm(int sig)
{
	(void)sig;
}

/* lock_within() - flock(LOCK_EX), interrupted after @ms; Return: 0, -ETIMEDOUT or -errno */
static int lock_within(int fd, unsigned int ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval t = { .it_value = { .tv_sec = ms / 1000,
					     .tv_usec = (suseconds_t)(ms % 1000) * 1000 } };
	struct itimerval off = { 0 };
	int err = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0 || setitimer(ITIMER_REAL, &t, NULL) < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0)
		err = errno == EINTR ? -ETIMEDOUT : -errno;
	setitimer(ITIMER_REAL, &off, NULL);
	return err;
}

/* Return: how many times the lock was taken so far (0 for a new or older file). */
static uint64_t generation(int fd)
{
	uint64_t g;

	return pread(fd, &g, sizeof(g), QUOTA_GEN_OFFSET) == (ssize_t)sizeof(g) ? g : 0;
}

/**
 * quota_lock() - take the exclusive quota lock, giving up when it stops moving
 * @fd:		the lock file, from privs_open_lock()
 * @idle_ms:	give up when no other helper took the lock for this long
 * @max_ms:	give up after this long in any case
 *
 * Counting devices and claiming one must be one step for all helpers at once,
 * or two parallel requests could both see N-1 and both succeed (SECURITY.md
 * attack 11).  The caller can SIGSTOP his own helper while it holds the lock,
 * so waiting is bounded (attack 13): a blocked flock() is interrupted by a
 * timer whose handler is installed without SA_RESTART.  What is bounded is
 * the wait on one holder, not on a queue: every helper that gets the lock
 * counts it in the file, and a waiter whose @idle_ms pass while others got
 * it waits on, so a burst of requests (200 VMs at once) is answered one by
 * one instead of failing with "try again".  A stopped holder makes everyone
 * behind it give up after @idle_ms.
 *
 * Return: 0, -ETIMEDOUT, or another negative errno.
 */
int quota_lock(int fd, unsigned int idle_ms, unsigned int max_ms)
{
	uint64_t seen = generation(fd), now;
	unsigned int waited = 0;
	int err;

	while ((err = lock_within(fd, idle_ms)) == -ETIMEDOUT) {
		waited += idle_ms;
		now = generation(fd);
		if (now == seen || waited >= max_ms)
			return -ETIMEDOUT;
		seen = now;
	}
	if (err)
		return err;
	now = generation(fd) + 1;
	/* Not counted: waiters give up sooner, nothing worse. */
	(void)!pwrite(fd, &now, sizeof(now), QUOTA_GEN_OFFSET);
	return 0;
}

/**
 * quota_count_owned() - count the redox-net TAPs the kernel says belong to @uid
 * @sk:		route socket
 * @uid:	caller
 * @exclude_ifindex: the device being requested, counted by the caller itself
 * @count:	result
 *
 * What counts is the kernel's IFLA_TUN_OWNER on TAPs in redox-net's netdev
 * group, not a record of fds handed out: a helper killed at any point leaves
 * either an unclaimed device or one owned by the caller, and both are counted
 * correctly by the next run without any bookkeeping to repair.
 *
 * Return: 0 or a negative errno.
 */
int quota_count_owned(struct nl_sock *sk, uid_t uid, int exclude_ifindex, unsigned int *count)
{
	struct link_state *links;
	size_t n;
	int err = link_list(sk, &links, &n);

	if (err)
		return err;
	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (links[i].group == RN_IFGROUP && link_is_tap(&links[i]) &&
		    links[i].tun.has_owner && links[i].tun.owner == uid &&
		    links[i].ifindex != exclude_ifindex)
			(*count)++;
	free(links);
	return 0;
}
