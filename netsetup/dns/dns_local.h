/* SPDX-License-Identifier: MIT */
/* dns_local.h - answers the DNS forwarder gives itself for the guests' own names: pure, no I/O */
#ifndef REDOX_NET_DNS_LOCAL_H
#define REDOX_NET_DNS_LOCAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsetup/dns/dns_msg.h"

#define DNS_TYPE_A	1
#define DNS_TYPE_PTR	12
#define DNS_TYPE_AAAA	28
#define DNS_CLASS_IN	1
#define DNS_LABEL_MAX	63
#define DNS_LOCAL_TTL	60	/* seconds; less when the lease ends sooner */

/**
 * struct dns_local_answer - what a local answer says
 * @type:	DNS_TYPE_A, DNS_TYPE_PTR, or 0 for NODATA (NOERROR, no answer record)
 * @ttl:	seconds
 * @addr:	the address, for DNS_TYPE_A
 * @host:	the guest's host name, one label, for DNS_TYPE_PTR
 * @host_len:	bytes in @host
 * @domain:	dotted domain appended to @host, NULL or "" for none
 */
struct dns_local_answer {
	uint16_t type;
	uint32_t ttl;
	struct in_addr addr;
	const uint8_t *host;
	size_t host_len;
	const char *domain;
};

bool dns_label_ok(const uint8_t *s, size_t n);
bool dns_label_equal(const uint8_t *a, const uint8_t *b, size_t n);
size_t dns_local_label(const struct dns_question *q, const char *domain, const uint8_t **label);
bool dns_ptr_address(const struct dns_question *q, struct in_addr *ip);
size_t dns_build_local(const uint8_t *query, size_t qlen, const struct dns_question *q,
		       const struct dns_local_answer *a, uint8_t *out, size_t cap);

#endif
