/* SPDX-License-Identifier: MIT */
/* quota.h - the helper's device quota: one lock with a deadline, and counting what the kernel shows */
#ifndef REDOX_NET_QUOTA_H
#define REDOX_NET_QUOTA_H

#include <sys/types.h>

struct nl_sock;

/*
 * The lock file holds, besides the lock: a TAP claim in flight at offset 0
 * (tap_claim.c), and from QUOTA_GEN_OFFSET how often the lock was taken.
 */
#define QUOTA_GEN_OFFSET	64

int quota_lock(int fd, unsigned int idle_ms, unsigned int max_ms);
int quota_count_owned(struct nl_sock *sk, uid_t uid, int exclude_ifindex, unsigned int *count);

#endif
