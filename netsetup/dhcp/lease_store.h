/* SPDX-License-Identifier: MIT */
/* lease_store.h - DHCP leases in memory, made durable by an append-only journal */
#ifndef REDOX_NET_LEASE_STORE_H
#define REDOX_NET_LEASE_STORE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netsetup/dhcp/lease_record.h"

#define LEASE_HOSTNAME_MAX	LEASE_RECORD_HOST_MAX	/* longer names are cut */
#define LEASE_QUARANTINE_GRACE	10	/* seconds after a binding's end before another MAC gets its address */

enum lease_state {
	LEASE_FREE = 0,		/* never used, released, or taken back (see @bound_until) */
	LEASE_OFFERED,		/* held for a client between OFFER and REQUEST; memory only */
	LEASE_BOUND,		/* ACKed; in the journal before the ACK was sent */
	LEASE_DECLINED,		/* a client found it in use (DECLINE); unusable until @expires */
};

#define LEASE_F_INDEXED		0x01	/* on its MAC's chain in lease_index.c */
#define LEASE_F_EXPIRY_SEEN	0x02	/* lease_store_sweep() reported its expiry */

/**
 * struct lease - one address of the served subnet and who holds it (40 bytes)
 * @ip:			the address
 * @name:		handle of the client's option 12 in lease_names.c, 0 for
 *			none; read it with lease_store_hostname()
 * @next:		the MAC index's link (lease_index.c): slot + 1 of the next
 *			lease on the same chain, 0 for the last
 * @mac:		holder (or last holder, or the client that declined it)
 * @state:		enum lease_state
 * @port:		which served interface (1-based) the address is charged to by
 *			dhcp_bounds.c, 0 for none; memory only
 * @stamp:		that charge's number, told apart from older charges of the slot
 * @flags:		LEASE_F_*; memory only
 * @expires:		end of the lease, offer or decline hold (wall clock, seconds)
 * @bound_until:	end of the last lease ACKed to @mac for this address, kept
 *			after a RELEASE, an expiry or a move: until it is over (plus
 *			LEASE_QUARANTINE_GRACE) no other MAC may have the address,
 *			because the bridge port filter keeps @mac's (port, address)
 *			binding that long after the last ACK
 */
struct lease {
	struct in_addr ip;
	uint32_t name;
	uint32_t next;
	uint8_t mac[6];
	uint8_t state;
	uint8_t port;
	uint16_t stamp;
	uint8_t flags;
	int64_t expires;
	int64_t bound_until;
};

struct lease_store;

int lease_store_open(struct lease_store **out, const char *dir, struct in_addr base,
		     uint32_t count, int64_t now);
void lease_store_close(struct lease_store *s);
int lease_store_chown(struct lease_store *s, uid_t uid, gid_t gid);

const struct lease *lease_store_by_ip(const struct lease_store *s, struct in_addr ip);
const struct lease *lease_store_by_mac(const struct lease_store *s, const uint8_t mac[6]);
const struct lease *lease_store_last_by_mac(const struct lease_store *s, const uint8_t mac[6]);
bool lease_is_active(const struct lease *l, int64_t now);
bool lease_in_quarantine(const struct lease *l, const uint8_t mac[6], int64_t now);
const struct lease *lease_store_named(const struct lease_store *s, const uint8_t *name, size_t len,
				      const struct lease *after);
size_t lease_store_hostname(const struct lease_store *s, const struct lease *l,
			    const uint8_t **name);

void lease_store_offer(struct lease_store *s, const uint8_t mac[6], struct in_addr ip,
		       int64_t expires);
void lease_store_bind(struct lease_store *s, const uint8_t mac[6], struct in_addr ip,
		      int64_t expires, const uint8_t *hostname, size_t hostname_len);
void lease_store_release(struct lease_store *s, struct in_addr ip);
void lease_store_decline(struct lease_store *s, struct in_addr ip, int64_t until);
void lease_store_charge(struct lease_store *s, struct in_addr ip, uint8_t port, uint16_t stamp);
void lease_store_withdraw(struct lease_store *s, struct in_addr ip);
void lease_store_reclaim(struct lease_store *s, struct in_addr ip);

size_t lease_store_pending(const struct lease_store *s);
int lease_store_commit(struct lease_store *s);
int lease_store_compact(struct lease_store *s, int64_t now);
int lease_store_maybe_compact(struct lease_store *s, int64_t now);
unsigned int lease_store_skipped(const struct lease_store *s);
size_t lease_store_sweep(struct lease_store *s, int64_t now,
			 void (*expired)(const struct lease *l, void *ctx), void *ctx);

#endif
