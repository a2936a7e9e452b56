// SPDX-License-Identifier: MIT
/* test_quota.c - unit tests for the helper's locks: per user, given up only when they stop moving; per device, never waited for */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "helper/quota.h"

#define UID 1000
#define OTHER_UID 1001

static char path[] = "/tmp/test_quota.XXXXXX";

static uint64_t generation(int fd)
{
	uint64_t g = 0;

	assert_int_equal(pread(fd, &g, sizeof(g), quota_gen_offset(UID)), (ssize_t)sizeof(g));
	return g;
}

/* ofd_lock() - one byte of the lock file, as the helper locks it; Return: 0 or -1 */
static int ofd_lock(int fd, off_t start, int cmd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = 1 };

	return fcntl(fd, cmd, &fl);
}

static void sleep_ms(long ms)
{
	struct timespec t = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	nanosleep(&t, NULL);
}

/**
 * holder() - fork a process that holds the lock through its own open file
 * @bumps:	how many times it counts the lock as taken again meanwhile (as a
 *		queue of other helpers would), 50 ms apart; -1 for for ever
 * @ready:	a pipe end that gets one byte once the lock is held
 *
 * Return: its pid; it exits after the bumps, which releases the lock.
 */
static pid_t holder(int bumps, int ready)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_RDWR);
		uint64_t g = 0;

		if (fd < 0 || ofd_lock(fd, QUOTA_USER_BASE + UID, F_OFD_SETLKW) || write(ready, "x", 1) != 1)
			_exit(1);
		for (int i = 0; bumps < 0 || i < bumps; i++) {
			sleep_ms(50);
			if (pread(fd, &g, sizeof(g), quota_gen_offset(UID)) < 0)
				_exit(1);
			g++;
			if (pwrite(fd, &g, sizeof(g), quota_gen_offset(UID)) != (ssize_t)sizeof(g))
				_exit(1);
		}
		_exit(0);
	}
	return pid;
}

/* wait_held() - start a holder and return once it has the lock; Return: its pid */
static pid_t wait_held(int bumps)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = holder(bumps, p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	close(p[1]);
	return pid;
}

static int open_lock(void)
{
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	return fd;
}

static void taken_and_counted(void **state)
{
	int fd = open_lock(), other = open_lock();

	(void)state;
	assert_int_equal(quota_lock(fd, UID, 1000, 5000), 0);
	assert_int_equal(generation(fd), 1);
	assert_int_equal(ofd_lock(other, QUOTA_USER_BASE + UID, F_OFD_SETLK), -1);	/* really held */
	close(fd);
	assert_int_equal(quota_lock(other, UID, 1000, 5000), 0);
	assert_int_equal(generation(other), 2);
	close(other);
}

static void a_stopped_holder_is_given_up_on(void **state)
{
	int fd = open_lock(), status;
	pid_t pid = wait_held(-1);

	(void)state;
	/* It holds the lock but nobody else gets it: no progress. */
	kill(pid, SIGSTOP);
	assert_int_equal(quota_lock(fd, UID, 300, 60000), -ETIMEDOUT);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(fd);
}

static void a_moving_queue_is_waited_for(void **state)
{
	int fd = open_lock(), status;
	uint64_t before;
	pid_t pid = wait_held(40);	/* about 2 s, progress every 50 ms */

	(void)state;
	before = generation(fd);
	assert_int_equal(quota_lock(fd, UID, 1000, 60000), 0);
	assert_true(generation(fd) > before);
	waitpid(pid, &status, 0);
	close(fd);
}

static void but_not_for_ever(void **state)
{
	int fd = open_lock(), status;
	pid_t pid = wait_held(-1);

	(void)state;
	assert_int_equal(quota_lock(fd, UID, 500, 1500), -ETIMEDOUT);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(fd);
}

/* The lock is the user's own: another user's stopped holder is no reason to wait. */
static void another_users_holder_holds_nobody_up(void **state)
{
	int fd = open_lock(), status;
	pid_t pid = wait_held(-1);

	(void)state;
	kill(pid, SIGSTOP);
	assert_int_equal(quota_lock(fd, OTHER_UID, 300, 600), 0);
	assert_int_equal(quota_unlock(fd), 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(fd);
}

/* A device's claim lock is tried, never waited for, and released with the rest. */
static void a_device_lock_is_only_tried(void **state)
{
	int fd = open_lock(), other = open_lock();

	(void)state;
	assert_int_equal(quota_lock_device(fd, 7), 0);
	assert_int_equal(quota_lock_device(other, 7), -EBUSY);
	assert_int_equal(quota_lock_device(other, 8), 0);
	assert_int_equal(quota_unlock(fd), 0);
	assert_int_equal(quota_lock_device(other, 7), 0);
	/* High ifindexes and uids need no room in the file: the locks are past its end. */
	assert_int_equal(quota_lock_device(fd, 0x7fffffff), 0);
	assert_int_equal(quota_lock(fd, 0xfffffffeu, 100, 100), 0);
	close(fd);
	close(other);
}

static int setup(void **state)
{
	int fd = mkstemp(path);

	(void)state;
	return fd < 0 ? -1 : close(fd);
}

static int teardown(void **state)
{
	(void)state;
	return unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(taken_and_counted),
		cmocka_unit_test(a_stopped_holder_is_given_up_on),
		cmocka_unit_test(a_moving_queue_is_waited_for),
		cmocka_unit_test(but_not_for_ever),
		cmocka_unit_test(another_users_holder_holds_nobody_up),
		cmocka_unit_test(a_device_lock_is_only_tried),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
