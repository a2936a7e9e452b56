/* SPDX-License-Identifier: MIT */
/* tap_claim.h - a pool TAP's claim that a killed helper cannot leave behind */
#ifndef REDOX_NET_TAP_CLAIM_H
#define REDOX_NET_TAP_CLAIM_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

struct link_state;
struct nl_sock;

/**
 * struct tap_claim - one claim in flight, as kept in the quota lock file
 * @magic:	TAP_CLAIM_MAGIC, so an empty or foreign file holds no claim
 * @ifindex:	the TAP
 * @uid:	the caller, its owner from TUNSETOWNER on
 * @multi_queue: the TAP's IFF_MULTI_QUEUE, needed to attach to it again
 * @ifname:	the TAP's name, NUL-terminated
 */
struct tap_claim {
	uint32_t magic;
	int32_t ifindex;
	uint32_t uid;
	uint8_t multi_queue;
	char ifname[IFNAMSIZ];
};

#define TAP_CLAIM_MAGIC	0x314d4c43u	/* "CLM1" in little-endian memory */

int tap_claim_record(int lock, const struct tap_claim *c);
int tap_claim_read(int lock, struct tap_claim *c);
int tap_claim_settle(int lock);
int tap_claim_undo(int tap_fd);
int tap_claim_reconcile(int lock, struct nl_sock *sk);
bool tap_claim_in_use(const struct tap_claim *c, const struct link_state *l);

#endif
