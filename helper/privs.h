/* SPDX-License-Identifier: MIT */
/* privs.h - the setuid helper's whole privileged setup, in the order it runs */
#ifndef REDOX_NET_PRIVS_H
#define REDOX_NET_PRIVS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * struct caller - who ran the helper, as the kernel says, captured before any drop
 * @uid:	real uid
 * @gid:	real gid
 * @gids:	real gid first, then the supplementary groups
 * @ngids:	entries in @gids
 * @pid:	the helper's own pid (the caller's child), for the audit line
 */
struct caller {
	uid_t uid;
	gid_t gid;
	gid_t gids[NGROUPS_MAX + 1];
	size_t ngids;
	pid_t pid;
};

int privs_sanitize_process(int argc, const char **why);
int privs_check_socket(int fd, const char **why);
int privs_close_other_fds(int keep);
int privs_read_caller(struct caller *c);
int privs_open_lock(const char *path, const char **why);
int privs_drop_to_caller(const struct caller *c, const char **why);
int privs_dac(bool on);
int privs_net_admin(bool on);
int privs_drop_cap(int cap);
int privs_drop_all(void);
bool privs_verify_caps(uint64_t eff_want, uint64_t perm_want);

#endif
