// SPDX-License-Identifier: MIT
/* dhcp_bounds.c - how many addresses one interface may reserve, so one guest cannot starve the pool */
#include <arpa/inet.h>
#include <string.h>

#include "netsetup/dhcp/dhcp_bounds.h"

/**
 * dhcp_bounds_init() - no charges yet; the limits from the configuration
 * @b:		bounds to fill
 * @cfg:	checked configuration
 *
 * A shared interface may hold a quarter of the pool in open offers (at most
 * DHCP_OFFERS_MAX): a flood of DISCOVERs with made-up MACs then churns
 * through that quarter, and the rest stays free for everyone else.
 */
void dhcp_bounds_init(struct dhcp_bounds *b, const struct dhcp_config *cfg)
{
	uint32_t pool = ntohl(cfg->pool_end.s_addr) - ntohl(cfg->pool_start.s_addr) + 1;

	memset(b, 0, sizeof(*b));
	b->offer_cap = pool / DHCP_OFFER_SHARE;
	if (b->offer_cap < 1)
		b->offer_cap = 1;
	if (b->offer_cap > DHCP_OFFERS_MAX)
		b->offer_cap = DHCP_OFFERS_MAX;
	b->guest_cap = cfg->guest_leases;
}

/* reserved_for() - Return: true if @l's address is kept for @mac: held, declined or in quarantine */
static bool reserved_for(const struct lease *l, const uint8_t mac[6], int64_t now)
{
	return !memcmp(l->mac, mac, 6) &&
	       (lease_is_active(l, now) || now < l->bound_until + LEASE_QUARANTINE_GRACE);
}

/*
 * costs_pool() - Return: true if entry @i of @c still keeps an address from
 * everyone else: its lease carries this charge and is held, declined, or
 * released (or expired) and in quarantine
 */
static bool costs_pool(const struct dhcp_port_charges *c, uint32_t i, const struct lease_store *s,
		       uint8_t tag, int64_t now)
{
	struct in_addr a = { .s_addr = htonl(c->ip[i]) };
	const struct lease *l = lease_store_by_ip(s, a);

	return l && l->port == tag && l->stamp == c->stamp[i] && reserved_for(l, l->mac, now);
}

/* nth() - Return: the ring position of the @k-th oldest entry of @c */
static uint32_t nth(const struct dhcp_port_charges *c, uint32_t k)
{
	return (c->head + k) % DHCP_OFFERS_MAX;
}

/**
 * withdrawable() - Return: true if entry @i is an open offer whose withdrawal frees its address
 * @c:		charges
 * @i:		ring position
 * @s:		store
 * @tag:	the interface, 1-based
 * @now:	wall clock, seconds
 *
 * An offer of an address still in quarantine for the same MAC frees
 * nothing: that address stays kept from others either way.
 */
static bool withdrawable(const struct dhcp_port_charges *c, uint32_t i, const struct lease_store *s,
			 uint8_t tag, int64_t now)
{
	struct in_addr a = { .s_addr = htonl(c->ip[i]) };
	const struct lease *l = lease_store_by_ip(s, a);

	return l && l->port == tag && l->stamp == c->stamp[i] && l->state == LEASE_OFFERED &&
	       l->expires > now && now >= l->bound_until + LEASE_QUARANTINE_GRACE;
}

/**
 * drop() - remove the @k-th oldest entry of @c, keeping the order of the rest
 * @c:		charges
 * @k:		0 for the oldest
 */
static void drop(struct dhcp_port_charges *c, uint32_t k)
{
	for (; k + 1 < c->n; k++) {
		c->ip[nth(c, k)] = c->ip[nth(c, k + 1)];
		c->stamp[nth(c, k)] = c->stamp[nth(c, k + 1)];
	}
	c->n--;
}

/**
 * guest_room() - make room for one more address on a guest's TAP
 * @b:		bounds
 * @c:		the TAP's charges
 * @s:		store
 * @tag:	the TAP, 1-based
 * @now:	wall clock, seconds
 *
 * Charges whose address no longer costs the pool go first.  If the TAP
 * still holds all it may, its oldest open offer is withdrawn, or else its
 * oldest address of any kind is taken back (lease_store_reclaim()).  Taking
 * a binding back is safe here, and refusing would not be: a TAP is one
 * guest's own link, not a bridge port, so the address only ever goes to
 * another MAC behind the same TAP; and a pool TAP passes from one VM to the
 * next, so a VM that flooded and exited must not leave its successor on the
 * same TAP with no lease for the lease time.
 *
 * Return: DHCP_BOUND_OK or DHCP_BOUND_WITHDREW.
 */
static enum dhcp_bound guest_room(const struct dhcp_bounds *b, struct dhcp_port_charges *c,
				  struct lease_store *s, uint8_t tag, int64_t now)
{
	for (uint32_t k = 0; k < c->n;) {
		if (costs_pool(c, nth(c, k), s, tag, now))
			k++;
		else
			drop(c, k);
	}
	if (c->n < b->guest_cap)
		return DHCP_BOUND_OK;
	for (uint32_t k = 0; k < c->n; k++) {
		uint32_t i = nth(c, k);

		if (withdrawable(c, i, s, tag, now)) {
			struct in_addr a = { .s_addr = htonl(c->ip[i]) };

			lease_store_withdraw(s, a);
			drop(c, k);
			return DHCP_BOUND_WITHDREW;
		}
	}
	lease_store_reclaim(s, (struct in_addr){ .s_addr = htonl(c->ip[c->head]) });
	drop(c, 0);
	return DHCP_BOUND_WITHDREW;
}

/**
 * shared_room() - make room for one more open offer on a shared interface
 * @b:		bounds
 * @c:		the interface's charges: its latest offers
 * @s:		store
 * @tag:	the interface, 1-based
 * @now:	wall clock, seconds
 *
 * The ring holds the interface's last @b->offer_cap offers, so no more than
 * that many can be open at once.  When it is full the oldest entry goes, and
 * its offer is withdrawn if it is still open: nobody is refused, so a new VM
 * on a flooded bridge still gets its OFFER, and its REQUEST follows within
 * milliseconds.  Even if its offer was withdrawn by then, the address is
 * free and the pool cursor has moved past it, so the REQUEST is ACKed.
 *
 * Return: DHCP_BOUND_OK, or DHCP_BOUND_WITHDREW.
 */
static enum dhcp_bound shared_room(const struct dhcp_bounds *b, struct dhcp_port_charges *c,
				   struct lease_store *s, uint8_t tag, int64_t now)
{
	enum dhcp_bound rc = DHCP_BOUND_OK;

	if (c->n < b->offer_cap)
		return rc;
	if (withdrawable(c, c->head, s, tag, now)) {
		struct in_addr a = { .s_addr = htonl(c->ip[c->head]) };

		lease_store_withdraw(s, a);
		rc = DHCP_BOUND_WITHDREW;
	}
	c->head = nth(c, 1);
	c->n--;
	return rc;
}

/**
 * dhcp_bounds_admit() - may @ip be offered or bound to @mac on the interface it asked from?
 * @b:		bounds
 * @s:		store
 * @from:	where the request came from
 * @mac:	client
 * @ip:		the address the server chose, already free for @mac
 * @bind:	the address is to be bound (REQUEST, rapid commit), not offered
 * @now:	wall clock, seconds
 *
 * Called before every offer and binding; when it admits, the caller must
 * make that offer or binding, which is then charged to the interface.  An
 * address already kept for @mac costs nothing new (on a guest's TAP, once
 * it is charged to that TAP).  A guest's TAP pays for offers and bindings
 * alike, and for its declined and quarantined addresses until they end, so
 * neither rapid commit, nor REQUESTs for made-up MACs, nor RELEASE or
 * DECLINE cycles get it past @b->guest_cap: it takes back its own.  A
 * shared interface (a bridge: many guests behind one index) pays for offers
 * only; each of its bridge ports may use its own MAC alone (the port filter),
 * which bounds what its guests bind.
 *
 * Return: the enum dhcp_bound outcome.
 */
enum dhcp_bound dhcp_bounds_admit(struct dhcp_bounds *b, struct lease_store *s,
				  const struct dhcp_origin *from, const uint8_t mac[6],
				  struct in_addr ip, bool bind, int64_t now)
{
	const struct lease *l = lease_store_by_ip(s, ip);
	struct dhcp_port_charges *c;
	enum dhcp_bound rc;
	uint8_t tag;
	uint32_t i;

	if (!from || from->port < 0 || from->port >= DHCP_MAX_IFACES || !l ||
	    (bind && !from->one_guest))
		return DHCP_BOUND_OK;
	tag = (uint8_t)(from->port + 1);
	if (reserved_for(l, mac, now) && (!from->one_guest || l->port == tag))
		return DHCP_BOUND_OK;
	c = &b->port[from->port];
	rc = from->one_guest ? guest_room(b, c, s, tag, now) : shared_room(b, c, s, tag, now);
	i = nth(c, c->n++);
	c->ip[i] = ntohl(ip.s_addr);
	c->stamp[i] = c->next++;
	lease_store_charge(s, ip, tag, c->stamp[i]);
	return rc;
}
