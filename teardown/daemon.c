// SPDX-License-Identifier: MIT
/* daemon.c - the background DHCP responder's identity (pid and start time) and stopping it safely */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/decimal.h"
#include "lib/log.h"
#include "teardown/daemon.h"

#define PID_LIMIT	4194304		/* PID_MAX_LIMIT on 64-bit kernels */
#define TERM_WAIT_MS	5000		/* time to save the leases after SIGTERM */
#define KILL_WAIT_MS	2000

/**
 * daemon_id_parse() - read a responder's identity from journal or pidfile text
 * @pid:	decimal pid, 1 to PID_LIMIT
 * @start:	decimal start time
 * @id:		result
 *
 * The journal and the pidfile decide which process `down` signals, so both
 * fields are checked strictly: pid 0 or -1 would signal a whole group.
 *
 * Return: NULL, or why the text is refused.
 */
const char *daemon_id_parse(const char *pid, const char *start, struct daemon_id *id)
{
	unsigned long long p, s;

	if (decimal_parse(pid, PID_LIMIT, &p) || p < 2)
		return "not a process id";
	if (decimal_parse(start, ULLONG_MAX, &s))
		return "not a process start time";
	id->pid = (pid_t)p;
	id->start = s;
	return NULL;
}

/**
 * read_stat() - read a process's state and start time from /proc/PID/stat
 * @pid:	process
 * @state:	its state letter ('Z' for a zombie)
 * @start:	its start time
 *
 * The command name (field 2) may hold spaces and parentheses, so fields are
 * counted from the last ')'.
 *
 * Return: 0, or -ESRCH when there is no such process.
 */
static int read_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[32], buf[1024], *p, *word, *save = NULL;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -ESRCH;
	/* After ")": state (field 3), then 18 fields up to starttime (field 22). */
	word = strtok_r(p + 1, " \n", &save);
	if (!word || word[1])
		return -ESRCH;
	*state = word[0];
	for (int field = 4; word && field <= 22; field++)
		word = strtok_r(NULL, " \n", &save);
	if (!word || decimal_parse(word, ULLONG_MAX, start))
		return -ESRCH;
	return 0;
}

/**
 * daemon_id_of() - the identity of a live process
 * @pid:	process
 * @id:		result
 *
 * Return: 0, or -ESRCH.
 */
int daemon_id_of(pid_t pid, struct daemon_id *id)
{
	char state;

	id->pid = pid;
	return read_stat(pid, &state, &id->start);
}

/**
 * daemon_running() - Return: true if @id still names a live process (not a reused pid, not a zombie)
 * @id:		identity recorded when it started
 */
bool daemon_running(const struct daemon_id *id)
{
	unsigned long long start;
	char state;

	return read_stat(id->pid, &state, &start) == 0 && start == id->start && state != 'Z';
}

/* wait_gone() - reap it if it is our child (rollback in `up`); Return: true once it is gone */
static bool wait_gone(const struct daemon_id *id, int ms)
{
	struct timespec tick = { .tv_nsec = 10L * 1000 * 1000 };

	for (int waited = 0;; waited += 10) {
		waitpid(id->pid, NULL, WNOHANG);
		if (!daemon_running(id))
			return true;
		if (waited >= ms)
			return false;
		nanosleep(&tick, NULL);
	}
}

/**
 * daemon_stop() - stop the responder @id names, if it still runs
 * @id:		identity recorded when it started
 *
 * SIGTERM first, so it commits and compacts its leases; SIGKILL if it has not
 * gone after TERM_WAIT_MS.  Nothing is signalled unless the pid still belongs
 * to the process that was started, so a reused pid is never hit.  A process
 * that is already gone counts as stopped.
 *
 * Return: 0, -EBUSY if it would not die, or the errno of kill().
 */
int daemon_stop(const struct daemon_id *id)
{
	if (!daemon_running(id))
		return 0;
	if (kill(id->pid, SIGTERM) < 0) {
		log_err("cannot signal the DHCP responder (pid %d): %s", (int)id->pid, strerror(errno));
		return -errno;
	}
	if (wait_gone(id, TERM_WAIT_MS)) {
		log_info("stopped the DHCP responder (pid %d)", (int)id->pid);
		return 0;
	}
	if (!daemon_running(id))
		return 0;
	log_warn("the DHCP responder (pid %d) ignored SIGTERM; killing it", (int)id->pid);
	if (kill(id->pid, SIGKILL) == 0 && wait_gone(id, KILL_WAIT_MS))
		return 0;
	return daemon_running(id) ? -EBUSY : 0;
}

/**
 * daemon_pidfile_write() - note the responder in DIR/dhcp.pid, for `down --all`
 * @dir:	run directory (root's, mode 0700)
 * @id:		the responder
 *
 * Return: 0 or a negative errno.
 */
int daemon_pidfile_write(const char *dir, const struct daemon_id *id)
{
	char path[PATH_MAX];
	int fd, n, err = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, DAEMON_PIDFILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = dprintf(fd, "%d %llu\n", (int)id->pid, id->start);
	if (n < 0 || fsync(fd) < 0)
		err = -EIO;
	close(fd);
	return err;
}

/**
 * daemon_pidfile_read() - read DIR/dhcp.pid
 * @dir:	run directory
 * @id:		the responder it names
 *
 * Return: 0, -ENOENT when there is none, -EIO when it cannot be opened, or
 * -EINVAL (with a warning) when it does not hold exactly "PID START".
 */
int daemon_pidfile_read(const char *dir, struct daemon_id *id)
{
	char path[PATH_MAX], buf[64], pid[24], start[24], extra;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, DAEMON_PIDFILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	/* Constants, not -errno: a 0 here would have the caller signal an unfilled @id. */
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EIO;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (n <= 0 || sscanf(buf, "%23s %23s %c", pid, start, &extra) != 2 ||
	    daemon_id_parse(pid, start, id)) {
		log_warn("%s is damaged; ignoring it", path);
		return -EINVAL;
	}
	return 0;
}

/**
 * daemon_pidfile_remove() - remove DIR/dhcp.pid if it names @id (or @id is NULL)
 * @dir:	run directory
 * @id:		the responder that was stopped; NULL removes it whatever it names
 */
void daemon_pidfile_remove(const char *dir, const struct daemon_id *id)
{
	struct daemon_id cur;
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, DAEMON_PIDFILE) >= (int)sizeof(path))
		return;
	if (id && daemon_pidfile_read(dir, &cur) == 0 &&
	    (cur.pid != id->pid || cur.start != id->start))
		return;	/* a newer responder's */
	unlink(path);
}
