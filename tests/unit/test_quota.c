// SPDX-License-Identifier: MIT
/* test_quota.c - unit tests for the quota lock: taken and counted, and given up only when it stops moving */
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

static char path[] = "/tmp/test_quota.XXXXXX";

static uint64_t generation(int fd)
{
	uint64_t g = 0;

	assert_int_equal(pread(fd, &g, sizeof(g), QUOTA_GEN_OFFSET), (ssize_t)sizeof(g));
	return g;
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

		if (fd < 0 || flock(fd, LOCK_EX) || write(ready, "x", 1) != 1)
			_exit(1);
		for (int i = 0; bumps < 0 || i < bumps; i++) {
			sleep_ms(50);
			if (pread(fd, &g, sizeof(g), QUOTA_GEN_OFFSET) < 0)
				_exit(1);
			g++;
			if (pwrite(fd, &g, sizeof(g), QUOTA_GEN_OFFSET) != (ssize_t)sizeof(g))
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
	assert_int_equal(quota_lock(fd, 1000, 5000), 0);
	assert_int_equal(generation(fd), 1);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);	/* really held */
	close(fd);
	assert_int_equal(quota_lock(other, 1000, 5000), 0);
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
	assert_int_equal(quota_lock(fd, 300, 60000), -ETIMEDOUT);
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
	assert_int_equal(quota_lock(fd, 1000, 60000), 0);
	assert_true(generation(fd) > before);
	waitpid(pid, &status, 0);
	close(fd);
}

static void but_not_for_ever(void **state)
{
	int fd = open_lock(), status;
	pid_t pid = wait_held(-1);

	(void)state;
	assert_int_equal(quota_lock(fd, 500, 1500), -ETIMEDOUT);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(fd);
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
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
