// SPDX-License-Identifier: MIT
/* dhcp_background.c - `up --dhcp`: the DHCP responder as a daemon that is listening before `up` returns */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dhcp/dhcp_loop.h"
#include "netsetup/dhcp_background.h"

#define READY_TIMEOUT_MS 10000

/**
 * close_all_but() - close every fd from 3 up except @a and @b
 * @a:		fd to keep
 * @b:		fd to keep
 *
 * The child must not keep the journal's flock (every later `up` and `down`
 * would wait on it for ever) nor `up`'s netlink socket.
 */
static void close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	close_range(3, (unsigned int)lo - 1, 0);
	close_range((unsigned int)lo + 1, (unsigned int)hi - 1, 0);
	close_range((unsigned int)hi + 1, ~0u, 0);
}

/**
 * child() - the forked responder: detach, wait for the go, serve
 * @cfg:	configuration
 * @go:		read end of the go pipe
 * @ready:	write end of the readiness pipe, handed to dhcp_serve()
 * @log_fd:	becomes stderr
 *
 * It waits for the go so that `up` can journal its pid before it does
 * anything; if `up` dies first, the pipe reads EOF and it exits unseen.
 * stdout and stderr must not stay on `up`'s: a caller reading them to EOF
 * (a shell's $(...), a test) would wait for the daemon to exit.
 */
static __attribute__((noreturn)) void child(const struct dhcp_config *cfg, int go, int ready,
					    int log_fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;
	char c;

	if (setsid() < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(log_fd, 2) < 0)
		_exit(1);
	close_all_but(go, ready);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (read(go, &c, 1) != 1)
		_exit(1);
	close(go);
	_exit(dhcp_serve(cfg, ready));
}

/**
 * open_log() - open RUN_DIR/dhcp.log for appending (and for show_log() to read)
 * @run_dir:	run directory
 *
 * Return: the fd, or -1 with errno set.
 */
static int open_log(const char *run_dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", run_dir, DAEMON_LOGFILE) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/**
 * dhcp_background_spawn() - fork the responder, held back until dhcp_background_release()
 * @cfg:	checked configuration
 * @run_dir:	where its log and pidfile go
 * @bg:		filled in
 *
 * On return the child exists and its identity is in @bg and in the pidfile,
 * but it has opened nothing: the caller journals it first, then releases it.
 *
 * Return: 0 or a negative errno (nothing is left running).
 */
int dhcp_background_spawn(const struct dhcp_config *cfg, const char *run_dir,
			  struct dhcp_background *bg)
{
	int go[2] = { -1, -1 }, ready[2] = { -1, -1 }, err;
	pid_t pid;

	memset(bg, 0, sizeof(*bg));
	bg->go_fd = bg->ready_fd = -1;
	bg->log_fd = open_log(run_dir);
	if (bg->log_fd < 0 || pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC)) {
		err = -errno;
		goto fail;
	}
	bg->log_start = lseek(bg->log_fd, 0, SEEK_END);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto fail;
	}
	if (pid == 0)
		child(cfg, go[0], ready[1], bg->log_fd);
	close(go[0]);
	close(ready[1]);
	bg->go_fd = go[1];
	bg->ready_fd = ready[0];
	/* It cannot exit before the go, so its /proc entry is there to read. */
	err = daemon_id_of(pid, &bg->id);
	if (!err)
		err = daemon_pidfile_write(run_dir, &bg->id);
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		dhcp_background_close(bg);
	}
	return err;
fail:
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (ready[i] >= 0)
			close(ready[i]);
	}
	dhcp_background_close(bg);
	return err;
}

/* show_log() - copy what the responder wrote since it started to our stderr */
static void show_log(const struct dhcp_background *bg)
{
	char buf[4096];
	ssize_t n;
	off_t off = bg->log_start;

	while ((n = pread(bg->log_fd, buf, sizeof(buf), off)) > 0) {
		fwrite(buf, 1, (size_t)n, stderr);
		off += n;
	}
}

/**
 * dhcp_background_release() - let the responder start, and wait until it listens
 * @bg:		from dhcp_background_spawn()
 *
 * Redox's client sends one DISCOVER and never retransmits, so `up` returns
 * only once port 67 is bound and the leases are loaded.  If the responder
 * fails instead, its own messages are shown.
 *
 * Return: 0 once it is ready; -EIO if it exited, -ETIMEDOUT if it never said.
 */
int dhcp_background_release(struct dhcp_background *bg)
{
	struct pollfd p = { .fd = bg->ready_fd, .events = POLLIN };
	char c;
	int n;

	if (write(bg->go_fd, "1", 1) != 1)
		return -errno;
	close(bg->go_fd);
	bg->go_fd = -1;
	do
		n = poll(&p, 1, READY_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n > 0 && read(bg->ready_fd, &c, 1) == 1)
		return 0;
	show_log(bg);
	if (n == 0) {
		log_err("the DHCP responder did not get ready within %d s", READY_TIMEOUT_MS / 1000);
		return -ETIMEDOUT;
	}
	log_err("the DHCP responder could not start (its messages are above)");
	return -EIO;
}

/**
 * dhcp_background_close() - release the pipes and the log; the responder runs on
 * @bg:		from dhcp_background_spawn()
 */
void dhcp_background_close(struct dhcp_background *bg)
{
	int *fds[] = { &bg->go_fd, &bg->ready_fd, &bg->log_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}
