/* SPDX-License-Identifier: MIT */
/* lease_index.h - find the lease slots of a MAC: a hash chained through the slots */
#ifndef REDOX_NET_LEASE_INDEX_H
#define REDOX_NET_LEASE_INDEX_H

#include <stdint.h>

#include "netsetup/dhcp/lease_store.h"

/**
 * struct lease_index - chain heads; the links are the slots' own @next fields
 * @head:	slot + 1 of the first lease of each chain, 0 for an empty one
 * @mask:	number of chains - 1 (a power of two minus one)
 * @entries:	slots linked in, each exactly once, under the MAC it holds
 */
struct lease_index {
	uint32_t *head;
	uint32_t mask;
	uint32_t entries;
};

int lease_index_init(struct lease_index *x);
void lease_index_free(struct lease_index *x);
void lease_index_set_mac(struct lease_index *x, struct lease *slots, uint32_t slot,
			 const uint8_t mac[6]);
const struct lease *lease_index_next(const struct lease_index *x, const struct lease *slots,
				     const uint8_t mac[6], const struct lease *prev);

#endif
