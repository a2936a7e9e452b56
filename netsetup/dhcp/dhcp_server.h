/* SPDX-License-Identifier: MIT */
/* dhcp_server.h - what to answer a DHCP request with (RFC 2131 §4.3), without any I/O */
#ifndef REDOX_NET_DHCP_SERVER_H
#define REDOX_NET_DHCP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "netsetup/dhcp/dhcp_bounds.h"
#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dhcp/dhcp_msg.h"
#include "netsetup/dhcp/lease_store.h"

#define DHCP_OFFER_HOLD		60	/* seconds an offered address waits for its REQUEST */
#define DHCP_DECLINE_HOLD	600	/* seconds a declined address stays out of use */

/* Where a reply goes (RFC 2131 §4.1). */
enum dhcp_dest {
	DHCP_DEST_NONE = 0,	/* no reply */
	DHCP_DEST_BROADCAST,	/* 255.255.255.255:68 out of the receiving interface (see to_chaddr) */
	DHCP_DEST_CIADDR,	/* ciaddr:68 */
	DHCP_DEST_RELAY,	/* giaddr:67 (only with allow_relay) */
};

/**
 * struct dhcp_reply - the decision for one request
 * @dest:	where the reply goes; DHCP_DEST_NONE for no reply
 * @dest_addr:	destination address
 * @dest_port:	destination UDP port
 * @to_chaddr:	a broadcast OFFER or ACK may go in an Ethernet frame to the request's chaddr alone
 * @answer:	what dhcp_build() should write
 * @commit:	a journal record was queued: send only after lease_store_commit() succeeds
 * @state:	the client state RFC 2131 §4.3.2 names (SELECTING, INIT-REBOOT, ...) or NULL
 * @note:	why there is no reply, or why a NAK; NULL otherwise
 * @bound:	what the interface's bound did to the request (dhcp_bounds.c)
 * @change:	the lease change this exchange makes, for the info log: "bound",
 *		"renewed" (the hostname changed), "released", "declined"; NULL for
 *		none (an OFFER, a NAK, a renewal that changes only the expiry)
 */
struct dhcp_reply {
	enum dhcp_dest dest;
	struct in_addr dest_addr;
	uint16_t dest_port;
	bool to_chaddr;
	struct dhcp_answer answer;
	bool commit;
	const char *state;
	const char *note;
	enum dhcp_bound bound;
	const char *change;
};

/**
 * struct dhcp_server - decision state: configuration, leases, where the pool scan resumes
 * @cfg:	configuration, checked by dhcp_config_check()
 * @leases:	lease store covering the server's subnet
 * @cursor:	offset into the pool where the next free-address scan starts
 * @bounds:	what each served interface may reserve
 */
struct dhcp_server {
	const struct dhcp_config *cfg;
	struct lease_store *leases;
	uint32_t cursor;
	struct dhcp_bounds bounds;
};

void dhcp_subnet_range(const struct dhcp_config *cfg, struct in_addr *base, uint32_t *count);
void dhcp_server_init(struct dhcp_server *srv, const struct dhcp_config *cfg,
		      struct lease_store *leases);
void dhcp_server_handle(struct dhcp_server *srv, const struct dhcp_msg *req,
			const struct dhcp_origin *from, bool unicast, int64_t now,
			struct dhcp_reply *rep);

#endif
