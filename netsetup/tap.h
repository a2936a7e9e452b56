/* SPDX-License-Identifier: MIT */
/* tap.h - persistent TAP devices through /dev/net/tun */
#ifndef REDOX_NET_TAP_H
#define REDOX_NET_TAP_H

#include <stdbool.h>
#include <sys/types.h>

struct nl_sock;

/**
 * struct tap_owner - who may attach to the TAP: exactly one of user or group
 * @is_group:	@id is a gid (TUNSETGROUP) rather than a uid (TUNSETOWNER)
 * @id:		uid or gid
 */
struct tap_owner {
	bool is_group;
	unsigned int id;
};

int tap_create_persistent(struct nl_sock *sk, const char *name, unsigned int queues,
			  const struct tap_owner *owner, bool up, int *ifindex);
const char *tap_open_hint(int err);

#endif
