/* SPDX-License-Identifier: MIT */
/* dns_forward.h - the DNS forwarder the DHCP responder runs on the router address */
#ifndef REDOX_NET_DNS_FORWARD_H
#define REDOX_NET_DNS_FORWARD_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "netsetup/dhcp/dhcp_config.h"

#define DNS_PENDING_MAX		256	/* UDP queries outstanding upstream, all guests together */
#define DNS_PENDING_PER_GUEST	32	/* ... from one source address */
#define DNS_TCP_MAX		16	/* guest TCP connections */
#define DNS_TCP_PER_GUEST	4	/* ... from one source address */
#define DNS_FORWARD_FDS_MAX	(2 + DNS_PENDING_MAX + DNS_TCP_MAX)

struct dns_forward;
struct lease_store;

struct dns_forward *dns_forward_open(const struct dhcp_config *cfg, int *err);
void dns_forward_set_leases(struct dns_forward *fw, const struct lease_store *leases);
size_t dns_forward_fds(struct dns_forward *fw, struct pollfd *pfd, size_t max);
void dns_forward_ready(struct dns_forward *fw, const struct pollfd *pfd, size_t n, int64_t now);
void dns_forward_close(struct dns_forward *fw);

#endif
