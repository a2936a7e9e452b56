// SPDX-License-Identifier: MIT
/*
 * linger.c - benchmark tool: a stand-in VMM that exits at once, leaving its inherited
 * fds to a child that closes them a moment later.
 *
 *   linger [ARG]...        (the arguments, a VMM's command line, are ignored)
 *
 * A fresh TAP that lives only as long as its fds is removed when the last one
 * closes, and the kernel's unregistering of a device (RCU grace periods) costs
 * more than creating it.  With `true` as the VMM, a benchmark of the hand-off
 * would mostly time that removal, which a real VM pays when it stops, not when it
 * starts.  With linger, the timed process ends as soon as the fds arrived; the
 * child holds them for LINGER_MS (default 20) and exits, and the benchmark waits
 * outside the timed part (hyperfine --prepare) until the TAP is gone.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	const char *ms = getenv("LINGER_MS");
	long wait = ms ? atol(ms) : 20;
	struct timespec ts = { .tv_sec = wait / 1000, .tv_nsec = wait % 1000 * 1000000 };
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		nanosleep(&ts, NULL);
		_exit(0);
	}
	return 0;
}
