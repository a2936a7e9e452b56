// SPDX-License-Identifier: MIT
/* lease_names.c - the clients' host names, kept apart from the lease slots */
#include <stdlib.h>
#include <string.h>

#include "netsetup/dhcp/lease_names.h"

#define CELL	(1 + LEASE_NAME_MAX)	/* a length byte, then the name */

/*
 * Most clients send no host name, or a short one, yet a name held in every
 * slot cost 64 bytes per address of the subnet (4 MiB for a /16).  Here a
 * name costs one cell while its lease lasts, and nothing for a client without
 * one.  Cells never move, so a handle (cell + 1) stays valid until dropped;
 * the cap (one cell per address of a /16) bounds what a client flood can take.
 */

static uint8_t *cell(const struct lease_names *n, uint32_t handle)
{
	uint32_t i = handle - 1;

	return n->chunk[i / LEASE_NAMES_CHUNK] + (size_t)(i % LEASE_NAMES_CHUNK) * CELL;
}

/**
 * lease_names_put() - store a copy of @name
 * @n:		store
 * @name:	bytes, raw and untrusted
 * @len:	their number, cut to LEASE_NAME_MAX
 *
 * Return: its handle, or 0 when @len is 0 or no cell can be had (the cap is
 * reached or memory is short): the lease then has no name, which only keeps
 * the DNS forwarder from answering for it.
 */
uint32_t lease_names_put(struct lease_names *n, const uint8_t *name, size_t len)
{
	uint32_t handle = n->free;
	uint8_t *c;

	if (!len)
		return 0;
	if (handle) {
		memcpy(&n->free, cell(n, handle) + 1, sizeof(n->free));
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
	return handle;
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
	uint8_t *c;

	if (!handle)
		return;
	c = cell(n, handle);
	c[0] = 0;
	memcpy(c + 1, &n->free, sizeof(n->free));
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
