/* SPDX-License-Identifier: MIT */
/* quota.h - the helper's locks: one per user for the quota, one per device for a claim, none shared */
#ifndef REDOX_NET_QUOTA_H
#define REDOX_NET_QUOTA_H

#include <stdint.h>
#include <sys/types.h>

/*
 * The lock file's layout.  Nothing but the generation counters is ever
 * written: the locks are open-file-description byte-range locks (F_OFD_*),
 * which need no data under them, so the file stays 32 KiB however high a
 * uid or an ifindex is.
 */
#define QUOTA_GEN_OFFSET	64			/* 8-byte counters, QUOTA_GEN_SLOTS of them */
#define QUOTA_GEN_SLOTS		4096
#define QUOTA_USER_BASE		(1LL << 20)		/* one byte per uid */
#define QUOTA_DEVICE_BASE	(QUOTA_USER_BASE + (1LL << 32))	/* one byte per ifindex */

off_t quota_gen_offset(uid_t uid);
int quota_lock(int fd, uid_t uid, unsigned int idle_ms, unsigned int max_ms);
int quota_lock_device(int fd, int ifindex);
int quota_unlock(int fd);

#endif
