// SPDX-License-Identifier: MIT
/*
 * quota.c - the helper's locks: one per user for the quota, one per device for a claim, none shared
 *
 * The helper runs with its caller's real uid, so the caller may SIGSTOP it
 * at any instant, or never read its reply.  A lock shared by all users would
 * let one of them stall everybody (docs/security.md).  So no lock is shared:
 * - a user's requests are counted against his quota one at a time, under a
 *   lock of his own (quota_lock()): a stopped or silent helper holds up only
 *   its own user's other requests;
 * - a pool TAP is claimed under a lock of that device (quota_lock_device()),
 *   which is only ever tried, never waited for: a request that finds it
 *   taken is refused at once, and the helper has by then checked that the
 *   device is free or the caller's, so nobody can hold the lock of a TAP
 *   that is someone else's.
 * Both are released before the reply is sent (helper_main.c), and a helper
 * that dies releases them with its last descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helper/quota.h"

/* set_lock() - F_OFD_SETLK of one byte at @start, or F_UNLCK of the whole file */
static int set_lock(int fd, short type, off_t start)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start,
			    .l_len = type == F_UNLCK ? 0 : 1 };

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
}

/* Return: CLOCK_MONOTONIC in milliseconds. */
static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/**
 * lock_within() - take the byte at @start, trying again for up to @ms
 * @fd:		the lock file
 * @start:	the byte
 * @ms:		how long to keep trying
 *
 * Tried, with pauses from 1 ms growing to 16 ms, rather than waited for in a
 * blocking F_OFD_SETLKW that a timer signal interrupts: no signal handler and
 * no timer in the setuid image, and nothing that a tracer or valgrind, which
 * do not deliver the timer into a lock call they do not know blocks, can
 * turn into a wait for ever.
 *
 * Return: 0, -ETIMEDOUT, or another negative errno.
 */
static int lock_within(int fd, off_t start, unsigned int ms)
{
	struct timespec pause = { .tv_nsec = 1000000 };
	uint64_t until = now_ms() + ms;
	int err;

	while ((err = set_lock(fd, F_WRLCK, start)) == -EBUSY) {
		if (now_ms() >= until)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 16000000)
			pause.tv_nsec *= 2;
	}
	return err;
}

/**
 * quota_gen_offset() - where a user's lock generation is counted
 * @uid:	the user
 *
 * Users share counters modulo QUOTA_GEN_SLOTS; two that do only see each
 * other's progress, which makes a waiter wait longer, never wrongly.
 *
 * Return: the counter's offset in the lock file.
 */
off_t quota_gen_offset(uid_t uid)
{
	return QUOTA_GEN_OFFSET + (off_t)(uid % QUOTA_GEN_SLOTS) * (off_t)sizeof(uint64_t);
}

/* Return: how many times @uid's lock was taken so far (0 for a new file). */
static uint64_t generation(int fd, uid_t uid)
{
	uint64_t g;

	return pread(fd, &g, sizeof(g), quota_gen_offset(uid)) == (ssize_t)sizeof(g) ? g : 0;
}

/**
 * quota_lock() - take @uid's quota lock, giving up when it stops moving
 * @fd:		the lock file, from privs_open_lock()
 * @uid:	the caller
 * @idle_ms:	give up when no other request of his took the lock for this long
 * @max_ms:	give up after this long in any case
 *
 * Counting a user's devices and making one more must be one step, or two of
 * his parallel requests could both see N-1 and both succeed (SECURITY.md
 * attack 11).  Only his own requests wait here.  Waiting is bounded
 * (lock_within()).  What is bounded is the wait on one holder, not on a queue:
 * every helper that gets the lock counts it, and a waiter whose @idle_ms
 * pass while others got it waits on, so a burst of one user's requests (200
 * VMs at once) is answered one by one; his own stopped helper makes his
 * other requests give up after @idle_ms.
 *
 * Return: 0, -ETIMEDOUT, or another negative errno.
 */
int quota_lock(int fd, uid_t uid, unsigned int idle_ms, unsigned int max_ms)
{
	off_t start = QUOTA_USER_BASE + (off_t)uid;
	uint64_t seen = generation(fd, uid), now;
	unsigned int waited = 0;
	int err;

	while ((err = lock_within(fd, start, idle_ms)) == -ETIMEDOUT) {
		waited += idle_ms;
		now = generation(fd, uid);
		if (now == seen || waited >= max_ms)
			return -ETIMEDOUT;
		seen = now;
	}
	if (err)
		return err;
	now = generation(fd, uid) + 1;
	/* Not counted: waiters give up sooner, nothing worse. */
	(void)!pwrite(fd, &now, sizeof(now), quota_gen_offset(uid));
	return 0;
}

/**
 * quota_lock_device() - try to take the claim lock of one device, without waiting
 * @fd:		the lock file
 * @ifindex:	the device
 *
 * Return: 0, -EBUSY when another request holds it, or another negative errno.
 */
int quota_lock_device(int fd, int ifindex)
{
	return set_lock(fd, F_WRLCK, QUOTA_DEVICE_BASE + (off_t)(unsigned int)ifindex);
}

/**
 * quota_unlock() - release every lock this descriptor holds
 * @fd:		the lock file
 *
 * Return: 0 or a negative errno.
 */
int quota_unlock(int fd)
{
	return set_lock(fd, F_UNLCK, 0);
}
