/* SPDX-License-Identifier: MIT */
/* bridge_tap.h - per-VM TAPs on a redox-net bridge: names, guest MACs, creation */
#ifndef REDOX_NET_BRIDGE_TAP_H
#define REDOX_NET_BRIDGE_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/vm_port.h"

/**
 * struct bridge_slots - which of a user's TAP names exist in the namespace
 * @used:	per slot: a device of that slot's name exists
 * @count:	how many do
 */
struct bridge_slots {
	bool used[BRIDGE_TAP_SLOTS];
	unsigned int count;
};

struct link_state;
struct rtlink;

int bridge_tap_slots(uid_t uid, struct bridge_slots *out);
const char *bridge_link_problem(const struct link_state *l);
int bridge_tap_open(const char *name, uid_t owner, unsigned int queues, int *fds);
int bridge_tap_no_ipv6(const char *name);
int bridge_tap_attach(struct rtlink *rt, const char *name, int bridge_ifindex,
		      const uint8_t guest_mac[6], struct link_state *out);

#endif
