/* SPDX-License-Identifier: MIT */
/* dhcp_bounds.h - how many addresses one interface may reserve, so one guest cannot starve the pool */
#ifndef REDOX_NET_DHCP_BOUNDS_H
#define REDOX_NET_DHCP_BOUNDS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dhcp/lease_store.h"

#define DHCP_OFFER_SHARE	4	/* one interface's open offers: at most 1/4 of the pool */
#define DHCP_OFFERS_MAX		1024	/* ... and at most this many */

/**
 * struct dhcp_origin - where a request came from, as the loop knows it
 * @port:	index of the served interface in cfg->ifaces, or -1 when unknown
 *		(tests, fuzzing): then nothing is bounded
 * @one_guest:	the interface is a TAP, so everything on it is one guest; a
 *		bridge, a veth or anything else may have many hosts behind it
 */
struct dhcp_origin {
	int port;
	bool one_guest;
};

/* What a bound did to one request. */
enum dhcp_bound {
	DHCP_BOUND_OK = 0,	/* within the bounds */
	DHCP_BOUND_WITHDREW,	/* an older offer (or, on a TAP, address) of the interface was taken back */
};

/**
 * struct dhcp_port_charges - the addresses charged to one interface, oldest first
 * @ip:		address, host byte order, in a ring
 * @stamp:	the charge's number, also kept in the lease (struct lease @stamp)
 * @head:	oldest entry
 * @n:		entries in use
 * @next:	number of the next charge
 */
struct dhcp_port_charges {
	uint32_t ip[DHCP_OFFERS_MAX];
	uint16_t stamp[DHCP_OFFERS_MAX];
	uint32_t head, n;
	uint16_t next;
};

/**
 * struct dhcp_bounds - the charges of every served interface, and their limits
 * @port:	one per entry of cfg->ifaces
 * @offer_cap:	open offers one shared interface (a bridge) may have
 * @guest_cap:	addresses one guest's TAP may hold: offered, bound, declined,
 *		or released and still in quarantine
 */
struct dhcp_bounds {
	struct dhcp_port_charges port[DHCP_MAX_IFACES];
	uint32_t offer_cap, guest_cap;
};

void dhcp_bounds_init(struct dhcp_bounds *b, const struct dhcp_config *cfg);
enum dhcp_bound dhcp_bounds_admit(struct dhcp_bounds *b, struct lease_store *s,
				  const struct dhcp_origin *from, const uint8_t mac[6],
				  struct in_addr ip, bool bind, int64_t now);

#endif
