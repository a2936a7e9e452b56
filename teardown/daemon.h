/* SPDX-License-Identifier: MIT */
/* daemon.h - the background DHCP responder's identity (pid and start time) and stopping it safely */
#ifndef REDOX_NET_DAEMON_H
#define REDOX_NET_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

#define DAEMON_PIDFILE	"dhcp.pid"	/* in the run directory, for `down --all` */
#define DAEMON_LOGFILE	"dhcp.log"	/* in the run directory: the responder's stderr */

/**
 * struct daemon_id - one process, told apart from any later one that reuses its pid
 * @pid:	process id
 * @start:	its start time, in clock ticks after boot (field 22 of /proc/PID/stat)
 */
struct daemon_id {
	pid_t pid;
	unsigned long long start;
};

const char *daemon_id_parse(const char *pid, const char *start, struct daemon_id *id);
int daemon_id_of(pid_t pid, struct daemon_id *id);
bool daemon_running(const struct daemon_id *id);
int daemon_stop(const struct daemon_id *id);

int daemon_pidfile_write(const char *dir, const struct daemon_id *id);
int daemon_pidfile_read(const char *dir, struct daemon_id *id);
void daemon_pidfile_remove(const char *dir, const struct daemon_id *id);

#endif
