/* SPDX-License-Identifier: MIT */
/* dhcp_flood.h - which served interfaces are one guest's, and one log line per flood on each */
#ifndef REDOX_NET_DHCP_FLOOD_H
#define REDOX_NET_DHCP_FLOOD_H

#include <stdbool.h>
#include <stdint.h>

#include "netsetup/dhcp/dhcp_bounds.h"

#define DHCP_FLOOD_QUIET	30	/* seconds without a bound hit that end a flood */

/**
 * struct dhcp_flood - one interface's flood episode
 * @on:		a bound was hit and the episode has not ended
 * @last:	when a bound was last hit (wall clock, seconds)
 * @withdrew:	offers (or, on a TAP, addresses) taken back during the episode
 * @unlogged:	exchanges on the interface not logged one by one
 */
struct dhcp_flood {
	bool on;
	int64_t last;
	unsigned long withdrew, unlogged;
};

bool dhcp_iface_is_tap(const char *name);
bool dhcp_flood_note(struct dhcp_flood *f, const char *iface, const struct dhcp_bounds *b,
		     bool one_guest, enum dhcp_bound bound, int64_t now);
void dhcp_flood_tick(struct dhcp_flood *f, const char *iface, int64_t now);

#endif
