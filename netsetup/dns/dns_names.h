/* SPDX-License-Identifier: MIT */
/* dns_names.h - the DNS forwarder answers the guests' DHCP host names from the lease store */
#ifndef REDOX_NET_DNS_NAMES_H
#define REDOX_NET_DNS_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dhcp/lease_store.h"
#include "netsetup/dns/dns_msg.h"

size_t dns_names_answer(const struct dhcp_config *cfg, const struct lease_store *s,
			const uint8_t *query, size_t qlen, const struct dns_question *q,
			int64_t now, uint8_t *out, size_t cap);

#endif
