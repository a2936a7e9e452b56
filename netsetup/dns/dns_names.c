// SPDX-License-Identifier: MIT
/* dns_names.c - the DNS forwarder answers the guests' DHCP host names from the lease store */
#include "netsetup/dhcp/dhcp_server.h"
#include "netsetup/dns/dns_local.h"
#include "netsetup/dns/dns_names.h"

/**
 * named() - Return: true if @l is a current lease whose host name is a valid label
 * @s:		lease store
 * @l:		lease slot, or NULL
 * @now:	wall clock, seconds
 *
 * Only a bound lease counts: an OFFER is not yet the guest's address.
 */
static bool named(const struct lease_store *s, const struct lease *l, int64_t now)
{
	const uint8_t *name;
	size_t len;

	if (!l || l->state != LEASE_BOUND || !lease_is_active(l, now))
		return false;
	len = lease_store_hostname(s, l, &name);
	return dns_label_ok(name, len);
}

/**
 * find_name() - the current lease carrying host name @label
 * @s:		lease store
 * @label:	host name, one label
 * @len:	its length
 * @now:	wall clock, seconds
 *
 * Visits only the leases with that name (lease_store_named()), so a guest's
 * query costs the same on a /16 as on a /24.  When two guests claim the same
 * name, the lease renewed last (it ends last) wins, as the newest claim does
 * with dnsmasq.
 *
 * Return: the lease, or NULL.
 */
static const struct lease *find_name(const struct lease_store *s, const uint8_t *label, size_t len,
				     int64_t now)
{
	const struct lease *best = NULL, *l = NULL;

	while ((l = lease_store_named(s, label, len, l)))
		if (named(s, l, now) && (!best || l->expires > best->expires))
			best = l;
	return best;
}

/**
 * ttl_of() - Return: DNS_LOCAL_TTL, or the seconds @l has left when fewer (at least 1)
 * @l:		current lease
 * @now:	wall clock, seconds
 */
static uint32_t ttl_of(const struct lease *l, int64_t now)
{
	int64_t left = l->expires - now;

	return left < 1 ? 1 : left < DNS_LOCAL_TTL ? (uint32_t)left : DNS_LOCAL_TTL;
}

/**
 * dns_names_answer() - answer a query for a guest's own name, if it is one
 * @cfg:	configuration: the subnet and the domain
 * @s:		lease store, or NULL when names are not answered
 * @query:	the query, checked by dns_parse_query()
 * @qlen:	its length
 * @q:		its question
 * @now:	wall clock, seconds
 * @out:	buffer for the answer
 * @cap:	its size
 *
 * A for `<host>` or `<host>.<domain>` of a current lease gets its address,
 * AAAA for it NODATA (the guests have no IPv6 address from us), and PTR of a
 * leased address its name.  Everything else goes upstream as before.
 *
 * Return: the answer's length, or 0 to forward the query.
 */
size_t dns_names_answer(const struct dhcp_config *cfg, const struct lease_store *s,
			const uint8_t *query, size_t qlen, const struct dns_question *q,
			int64_t now, uint8_t *out, size_t cap)
{
	struct dns_local_answer a = { .domain = cfg->domain };
	const struct lease *l = NULL;
	const uint8_t *label;
	struct in_addr ip;
	size_t len;

	if (!s || q->qclass != DNS_CLASS_IN)
		return 0;
	if (q->qtype == DNS_TYPE_A || q->qtype == DNS_TYPE_AAAA) {
		if (!(len = dns_local_label(q, cfg->domain, &label)) ||
		    !(l = find_name(s, label, len, now)))
			return 0;
		a.type = q->qtype == DNS_TYPE_A ? DNS_TYPE_A : 0;
		a.addr = l->ip;
	} else if (q->qtype == DNS_TYPE_PTR) {
		if (!dns_ptr_address(q, &ip) || !named(s, l = lease_store_by_ip(s, ip), now))
			return 0;
		a.type = DNS_TYPE_PTR;
		a.host_len = lease_store_hostname(s, l, &a.host);
	} else {
		return 0;
	}
	a.ttl = ttl_of(l, now);
	return dns_build_local(query, qlen, q, &a, out, cap);
}
