/* SPDX-License-Identifier: MIT */
/* dhcp_background.h - `up --dhcp`: the DHCP responder as a daemon that is listening before `up` returns */
#ifndef REDOX_NET_DHCP_BACKGROUND_H
#define REDOX_NET_DHCP_BACKGROUND_H

#include <sys/types.h>

#include "netsetup/dhcp/dhcp_config.h"
#include "teardown/daemon.h"

/**
 * struct dhcp_background - a responder forked but not yet serving
 * @id:		its pid and start time, for the journal
 * @go_fd:	write end: one byte lets it start; closing it unwritten makes it exit
 * @ready_fd:	read end: one byte once it listens, EOF if it failed
 * @log_fd:	its log file (RUN_DIR/dhcp.log), which takes its stderr
 * @log_start:	size of the log before it started, to show only its own messages
 */
struct dhcp_background {
	struct daemon_id id;
	int go_fd, ready_fd, log_fd;
	off_t log_start;
};

int dhcp_background_spawn(const struct dhcp_config *cfg, const char *run_dir,
			  struct dhcp_background *bg);
int dhcp_background_release(struct dhcp_background *bg);
void dhcp_background_close(struct dhcp_background *bg);

#endif
