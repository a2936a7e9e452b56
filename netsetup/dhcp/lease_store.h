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

enum lease_state {
	LEASE_FREE = 0,		/* never used, released, or taken back */
	LEASE_OFFERED,		/* held for a client between OFFER and REQUEST; memory only */
	LEASE_BOUND,		/* ACKed; in the journal before the ACK was sent */
	LEASE_DECLINED,		/* a client found it in use (DECLINE); unusable until @expires */
};

/**
 * struct lease - one address of the served subnet and who holds it
 * @ip:			the address
 * @mac:		holder (or last holder, or the client that declined it)
 * @state:		enum lease_state
 * @hostname_len:	bytes in @hostname
 * @expires:		end of the lease, offer or decline hold (wall clock, seconds)
 * @hostname:		the client's option 12, raw and untrusted
 */
struct lease {
	struct in_addr ip;
	uint8_t mac[6];
	uint8_t state;
	uint8_t hostname_len;
	int64_t expires;
	uint8_t hostname[LEASE_HOSTNAME_MAX];
};

struct lease_store;

int lease_store_open(struct lease_store **out, const char *dir, struct in_addr base,
		     uint32_t count, int64_t now);
void lease_store_close(struct lease_store *s);
int lease_store_chown(struct lease_store *s, uid_t uid, gid_t gid);

const struct lease *lease_store_by_ip(const struct lease_store *s, struct in_addr ip);
const struct lease *lease_store_by_mac(const struct lease_store *s, const uint8_t mac[6]);
bool lease_is_active(const struct lease *l, int64_t now);

void lease_store_offer(struct lease_store *s, const uint8_t mac[6], struct in_addr ip,
		       int64_t expires);
void lease_store_bind(struct lease_store *s, const uint8_t mac[6], struct in_addr ip,
		      int64_t expires, const uint8_t *hostname, size_t hostname_len);
void lease_store_release(struct lease_store *s, struct in_addr ip);
void lease_store_decline(struct lease_store *s, struct in_addr ip, int64_t until);

size_t lease_store_pending(const struct lease_store *s);
int lease_store_commit(struct lease_store *s);
int lease_store_compact(struct lease_store *s, int64_t now);
int lease_store_maybe_compact(struct lease_store *s, int64_t now);
unsigned int lease_store_skipped(const struct lease_store *s);

#endif
