// SPDX-License-Identifier: MIT
/* lease_names.c - the clients' host names, kept apart from the lease slots */
#include <stdlib.h>
#include <string.h>

#include "netsetup/dhcp/lease_hash.h"
#include "netsetup/dhcp/lease_names.h"
#include "netsetup/dns/dns_local.h"

/* A length byte, the name, then two uint32_t: the owner and the chain's next cell. */
#define CELL		(1 + LEASE_NAME_MAX + 8)
#define CELL_OWNER	(1 + LEASE_NAME_MAX)
#define CELL_NEXT	(CELL_OWNER + 4)

/*
 * Most clients send no host name, or a short one, yet a name held in every
 * slot cost 64 bytes per address of the subnet (4 MiB for a /16).  Here a
 * name costs one cell while its lease lasts, and nothing for a client without
 * one.  Cells never move, so a handle (cell + 1) stays valid until dropped;
 * the cap (one cell per address of a /16) bounds what a client flood can take.
 * The DNS forwarder asks for names (dns_names.c), once per query a guest may
 * send: walking a /16's 65,536 slots for each was a way for one guest to
 * keep the responder busy, so names are chained by hash as well.
 */

static uint8_t *cell(const struct lease_names *n, uint32_t handle)
{
	uint32_t i = handle - 1;

	return n->chunk[i / LEASE_NAMES_CHUNK] + (size_t)(i % LEASE_NAMES_CHUNK) * CELL;
}

static uint32_t get32(const uint8_t *c, size_t at)
{
	uint32_t v;

	memcpy(&v, c + at, sizeof(v));
	return v;
}

static void set32(uint8_t *c, size_t at, uint32_t v)
{
	memcpy(c + at, &v, sizeof(v));
}

/* hash() - Return: @name's chain, ASCII case folded as DNS compares names (keyed, lease_hash.c) */
static uint32_t hash(const uint8_t *name, size_t len)
{
	return lease_hash(name, len, true) % LEASE_NAMES_BUCKETS;
}

/**
 * lease_names_put() - store a copy of @name
 * @n:		store
 * @name:	bytes, raw and untrusted
 * @len:	their number, cut to LEASE_NAME_MAX
 * @owner:	what lease_names_find() gives back for it (the lease's slot)
 *
 * Return: its handle, or 0 when @len is 0 or no cell can be had (the cap is
 * reached or memory is short): the lease then has no name, which only keeps
 * the DNS forwarder from answering for it.
 */
uint32_t lease_names_put(struct lease_names *n, const uint8_t *name, size_t len, uint32_t owner)
{
	uint32_t handle = n->free, b;
	uint8_t *c;

	if (!len)
		return 0;
	if (handle) {
		n->free = get32(cell(n, handle), CELL_NEXT);
	} else {
		if (n->used == (uint32_t)LEASE_NAMES_CHUNK * LEASE_NAMES_CHUNKS)
			return 0;
		if (!n->chunk[n->used / LEASE_NAMES_CHUNK] &&
		    !(n->chunk[n->used / LEASE_NAMES_CHUNK] = malloc((size_t)LEASE_NAMES_CHUNK * CELL)))
			return 0;
		handle = ++n->used;
	}
	c = cell(n, handle);
	c[0] = (uint8_t)(len > LEASE_NAME_MAX ? LEASE_NAME_MAX : len);
	memcpy(c + 1, name, c[0]);
	set32(c, CELL_OWNER, owner);
	b = hash(c + 1, c[0]);
	set32(c, CELL_NEXT, n->bucket[b]);
	n->bucket[b] = handle;
	return handle;
}

/**
 * lease_names_find() - the next cell holding @name, ASCII case ignored
 * @n:		store
 * @name:	what to look for
 * @len:	its length
 * @after:	0 to start, or the handle this call returned last
 * @owner:	set to the found cell's owner
 *
 * Return: the cell's handle, or 0 when no further one holds @name.
 */
uint32_t lease_names_find(const struct lease_names *n, const uint8_t *name, size_t len,
			  uint32_t after, uint32_t *owner)
{
	uint32_t h = after ? get32(cell(n, after), CELL_NEXT) : n->bucket[hash(name, len)];

	for (; h; h = get32(cell(n, h), CELL_NEXT)) {
		const uint8_t *c = cell(n, h);

		if (c[0] == len && dns_label_equal(c + 1, name, len)) {
			*owner = get32(c, CELL_OWNER);
			return h;
		}
	}
	return 0;
}

/**
 * lease_names_get() - Return: the length of the name of @handle (0 for handle 0)
 * @n:		store
 * @handle:	from lease_names_put(), or 0
 * @name:	set to its bytes (never NULL)
 */
size_t lease_names_get(const struct lease_names *n, uint32_t handle, const uint8_t **name)
{
	const uint8_t *c;

	if (!handle) {
		*name = (const uint8_t *)"";
		return 0;
	}
	c = cell(n, handle);
	*name = c + 1;
	return c[0];
}

/**
 * lease_names_drop() - give the cell of @handle back
 * @n:		store
 * @handle:	from lease_names_put(), or 0
 */
void lease_names_drop(struct lease_names *n, uint32_t handle)
{
	uint32_t b, prev = 0, h;
	uint8_t *c;

	if (!handle)
		return;
	c = cell(n, handle);
	/* Unlink it from its chain: chains are short (the names over the buckets). */
	b = hash(c + 1, c[0]);
	for (h = n->bucket[b]; h && h != handle; h = get32(cell(n, h), CELL_NEXT))
		prev = h;
	if (h && prev)
		set32(cell(n, prev), CELL_NEXT, get32(c, CELL_NEXT));
	else if (h)
		n->bucket[b] = get32(c, CELL_NEXT);
	c[0] = 0;
	set32(c, CELL_NEXT, n->free);
	n->free = handle;
}

/**
 * lease_names_free() - free every cell
 * @n:		store
 */
void lease_names_free(struct lease_names *n)
{
	for (size_t i = 0; i < LEASE_NAMES_CHUNKS; i++)
		free(n->chunk[i]);
	memset(n, 0, sizeof(*n));
}
