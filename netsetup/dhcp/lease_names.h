/* SPDX-License-Identifier: MIT */
/* lease_names.h - the clients' host names, kept apart from the lease slots */
#ifndef REDOX_NET_LEASE_NAMES_H
#define REDOX_NET_LEASE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define LEASE_NAME_MAX		63	/* bytes of one name; longer ones are cut */
#define LEASE_NAMES_CHUNK	256	/* names per allocation (16 KiB) */
#define LEASE_NAMES_CHUNKS	256	/* at most 65,536 names, 4.5 MiB */
#define LEASE_NAMES_BUCKETS	4096	/* name hash chains (16 KiB) */

/**
 * struct lease_names - fixed 72-byte cells, handed out in chunks as names arrive
 * @chunk:	LEASE_NAMES_CHUNKS pointers, each NULL or LEASE_NAMES_CHUNK cells
 * @used:	cells ever handed out (the next fresh one)
 * @free:	handle of the first freed cell, 0 for none; a freed cell holds the next
 * @bucket:	first cell of each hash chain of names (ASCII case folded), 0 for none
 *
 * A cell holds a length byte, the name, its owner and the next cell of its
 * chain, so a name is found by walking its chain, not the whole subnet.
 */
struct lease_names {
	uint8_t *chunk[LEASE_NAMES_CHUNKS];
	uint32_t used;
	uint32_t free;
	uint32_t bucket[LEASE_NAMES_BUCKETS];
};

uint32_t lease_names_put(struct lease_names *n, const uint8_t *name, size_t len, uint32_t owner);
uint32_t lease_names_find(const struct lease_names *n, const uint8_t *name, size_t len,
			  uint32_t after, uint32_t *owner);
size_t lease_names_get(const struct lease_names *n, uint32_t handle, const uint8_t **name);
void lease_names_drop(struct lease_names *n, uint32_t handle);
void lease_names_free(struct lease_names *n);

#endif
