// SPDX-License-Identifier: MIT
/* lease_index.c - find the lease slots of a MAC: a hash chained through the slots */
#include <stdlib.h>
#include <string.h>

#include "netsetup/dhcp/lease_hash.h"
#include "netsetup/dhcp/lease_index.h"

#define INDEX_MIN	64	/* chains of an empty index */

/*
 * Each slot that ever had a MAC sits on exactly one chain, its MAC's, linked
 * through the slot's own @next, so an entry costs no memory beyond the slot's
 * padding; the chain heads double whenever the entries outnumber them.  Memory
 * therefore follows the slots in use (at most 256 KiB for a /16), never the
 * subnet, and nothing goes stale: a slot changing hands moves chains at once.
 */

/* mac_hash() - Return: @mac's chain number before masking (keyed, lease_hash.c) */
static uint32_t mac_hash(const uint8_t mac[6])
{
	return lease_hash(mac, 6, false);
}

static void link_in(uint32_t *head, uint32_t mask, struct lease *slots, uint32_t slot)
{
	uint32_t *h = &head[mac_hash(slots[slot].mac) & mask];

	slots[slot].next = *h;
	*h = slot + 1;
}

/* unlink() - take @slot off the chain of the MAC it holds */
static void unlink_slot(struct lease_index *x, struct lease *slots, uint32_t slot)
{
	uint32_t *p = &x->head[mac_hash(slots[slot].mac) & x->mask];

	while (*p && *p != slot + 1)
		p = &slots[*p - 1].next;
	if (*p) {
		*p = slots[slot].next;
		x->entries--;
	}
}

/*
 * grow() - relink every entry onto twice as many chains.  Without the memory
 * the chains just stay longer: lookups compare MACs, so it costs probes only.
 */
static void grow(struct lease_index *x, struct lease *slots)
{
	uint32_t mask = 2 * x->mask + 1;
	uint32_t *head = calloc((size_t)mask + 1, sizeof(*head));

	if (!head)
		return;
	for (uint32_t b = 0; b <= x->mask; b++) {
		for (uint32_t i = x->head[b], next; i; i = next) {
			next = slots[i - 1].next;
			link_in(head, mask, slots, i - 1);
		}
	}
	free(x->head);
	x->head = head;
	x->mask = mask;
}

/**
 * lease_index_init() - an empty index
 * @x:		index
 *
 * Return: 0, or -1 with errno set.
 */
int lease_index_init(struct lease_index *x)
{
	x->entries = 0;
	x->mask = INDEX_MIN - 1;
	x->head = calloc(INDEX_MIN, sizeof(*x->head));
	return x->head ? 0 : -1;
}

/**
 * lease_index_free() - free the chain heads
 * @x:		index
 */
void lease_index_free(struct lease_index *x)
{
	free(x->head);
	x->head = NULL;
}

/**
 * lease_index_set_mac() - give @slot to @mac, moving it to that MAC's chain
 * @x:		index
 * @slots:	the store's slot array
 * @slot:	index into @slots
 * @mac:	its new (or same) holder
 *
 * The one way a slot's MAC changes, so the index can never disagree with it.
 */
void lease_index_set_mac(struct lease_index *x, struct lease *slots, uint32_t slot,
			 const uint8_t mac[6])
{
	struct lease *l = &slots[slot];

	if ((l->flags & LEASE_F_INDEXED) && !memcmp(l->mac, mac, 6))
		return;
	if (l->flags & LEASE_F_INDEXED)
		unlink_slot(x, slots, slot);
	memcpy(l->mac, mac, 6);
	l->flags |= LEASE_F_INDEXED;
	if (x->entries >= x->mask + 1 && x->mask < UINT32_MAX / 4)
		grow(x, slots);
	link_in(x->head, x->mask, slots, slot);
	x->entries++;
}

/**
 * lease_index_next() - Return: the next slot after @prev that holds @mac, or NULL
 * @x:		index
 * @slots:	the store's slot array
 * @mac:	MAC looked for
 * @prev:	a slot this returned for @mac, or NULL to start
 */
const struct lease *lease_index_next(const struct lease_index *x, const struct lease *slots,
				     const uint8_t mac[6], const struct lease *prev)
{
	uint32_t i = prev ? prev->next : x->head[mac_hash(mac) & x->mask];

	for (; i; i = slots[i - 1].next) {
		if (!memcmp(slots[i - 1].mac, mac, 6))
			return &slots[i - 1];
	}
	return NULL;
}
