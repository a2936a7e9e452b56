// SPDX-License-Identifier: MIT
/* dhcp_server.c - what to answer a DHCP request with (RFC 2131 §4.3), without any I/O */
#include <arpa/inet.h>
#include <string.h>

#include "netsetup/dhcp/dhcp_server.h"

static uint32_t h(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static struct in_addr addr_of(uint32_t host)
{
	struct in_addr a = { .s_addr = htonl(host) };

	return a;
}

/**
 * dhcp_subnet_range() - the addresses the lease store must cover
 * @cfg:	configuration
 * @base:	set to the network address
 * @count:	set to the number of addresses in the subnet
 */
void dhcp_subnet_range(const struct dhcp_config *cfg, struct in_addr *base, uint32_t *count)
{
	*base = prefix_network(&cfg->server);
	*count = (uint32_t)(1ull << (32 - cfg->server.len));
}

/**
 * dhcp_server_init() - set up decision state
 * @srv:	state to fill
 * @cfg:	checked configuration, kept by reference
 * @leases:	store opened over dhcp_subnet_range()
 */
void dhcp_server_init(struct dhcp_server *srv, const struct dhcp_config *cfg,
		      struct lease_store *leases)
{
	srv->cfg = cfg;
	srv->leases = leases;
	srv->cursor = 0;
	dhcp_bounds_init(&srv->bounds, cfg);
}

/**
 * address_problem() - may @ip be given to @mac now?
 * @srv:	server
 * @mac:	client
 * @ip:		candidate address
 * @now:	wall clock, seconds
 *
 * The server is authoritative on its subnet, so everything it would not hand
 * out itself is refused: the server's, network and broadcast addresses,
 * addresses outside the pool that are not this client's static binding, a
 * static binding of another MAC, an address leased to someone else or in
 * quarantine after a DECLINE, and one whose lease to another MAC was
 * released or expired less than LEASE_QUARANTINE_GRACE seconds after that
 * lease's end.  A client with a static binding gets only that.
 *
 * Return: NULL if it may, otherwise the reason (used as the NAK message).
 */
static const char *address_problem(const struct dhcp_server *srv, const uint8_t mac[6],
				   struct in_addr ip, int64_t now)
{
	const struct dhcp_config *cfg = srv->cfg;
	uint32_t mask = prefix_mask(cfg->server.len), a = h(ip);
	const struct dhcp_static *by_ip = dhcp_config_static_by_ip(cfg, ip);
	const struct dhcp_static *by_mac = dhcp_config_static_by_mac(cfg, mac);
	const struct lease *l;

	if ((a & mask) != (h(cfg->server.addr) & mask))
		return "address is not on this subnet";
	if ((a & ~mask) == 0 || (a & ~mask) == ~mask)
		return "address is the network or broadcast address";
	if (ip.s_addr == cfg->server.addr.s_addr)
		return "address is the server's";
	if (by_ip && memcmp(by_ip->mac, mac, RN_MAC_LEN))
		return "address is bound to another client";
	if (by_mac && by_mac->ip.s_addr != ip.s_addr)
		return "client has a static address";
	if (!by_ip && (a < h(cfg->pool_start) || a > h(cfg->pool_end)))
		return "address is outside the pool";
	l = lease_store_by_ip(srv->leases, ip);
	if (l && lease_is_active(l, now)) {
		if (l->state == LEASE_DECLINED)
			return "address was declined and is out of use";
		if (memcmp(l->mac, mac, 6))
			return "address is leased to another client";
	}
	if (l && lease_in_quarantine(l, mac, now))
		return "address was leased to another client and is held back until its lease is over";
	return NULL;
}

/**
 * choose_address() - pick the address to offer (RFC 2131 §4.3.1 order)
 * @srv:	server; its pool cursor moves on
 * @req:	DISCOVER
 * @now:	wall clock, seconds
 * @out:	chosen address
 *
 * The client's static binding; else the address it holds or held (even
 * expired), or last held before a RELEASE; else the one it asks for; else the
 * next free pool address after the last one handed out, so freed addresses
 * are reused last.
 *
 * Return: true if an address was found.
 */
static bool choose_address(struct dhcp_server *srv, const struct dhcp_msg *req, int64_t now,
			   struct in_addr *out)
{
	const struct dhcp_config *cfg = srv->cfg;
	const struct dhcp_static *st = dhcp_config_static_by_mac(cfg, req->chaddr);
	const struct lease *l = lease_store_by_mac(srv->leases, req->chaddr);
	uint32_t first = h(cfg->pool_start), size = h(cfg->pool_end) - first + 1;

	if (st) {
		*out = st->ip;
		return !address_problem(srv, req->chaddr, *out, now);
	}
	if (!l)
		l = lease_store_last_by_mac(srv->leases, req->chaddr);
	if (l && !address_problem(srv, req->chaddr, l->ip, now)) {
		*out = l->ip;
		return true;
	}
	if (req->has_requested_ip && !address_problem(srv, req->chaddr, req->requested_ip, now)) {
		*out = req->requested_ip;
		return true;
	}
	for (uint32_t i = 0; i < size; i++) {
		uint32_t off = (srv->cursor + i) % size;

		*out = addr_of(first + off);
		if (!address_problem(srv, req->chaddr, *out, now)) {
			srv->cursor = (off + 1) % size;
			return true;
		}
	}
	return false;
}

/**
 * answer() - fill the reply with the options for @type
 * @srv:	server
 * @req:	request
 * @type:	DHCPOFFER, DHCPACK or DHCPNAK
 * @yiaddr:	address given, 0 for INFORM and NAK
 * @lease:	true for OFFER and ACK with a lease; false for INFORM (no 51/58/59)
 * @rep:	reply to fill
 */
static void answer(const struct dhcp_server *srv, const struct dhcp_msg *req, uint8_t type,
		   struct in_addr yiaddr, bool lease, struct dhcp_reply *rep)
{
	const struct dhcp_config *cfg = srv->cfg;
	const struct dhcp_static *st = dhcp_config_static_by_mac(cfg, req->chaddr);
	uint32_t mask = prefix_mask(cfg->server.len);
	struct dhcp_answer *a = &rep->answer;

	a->type = type;
	a->yiaddr = yiaddr;
	a->server_id = cfg->server.addr;
	a->lease_time = lease ? cfg->lease_time : 0;
	a->netmask.s_addr = htonl(mask);
	a->router = cfg->server.addr;
	a->broadcast = addr_of((h(cfg->server.addr) & mask) | ~mask);
	a->dns = cfg->dns;
	a->n_dns = cfg->n_dns;
	a->domain = cfg->domain;
	a->mtu = cfg->mtu;
	a->routes = cfg->routes;
	a->n_routes = cfg->n_routes;
	if (st && st->hostname[0]) {
		a->hostname = (const uint8_t *)st->hostname;
		a->hostname_len = strlen(st->hostname);
	}
}

/**
 * nak() - refuse a REQUEST, telling the client why in option 56
 * @srv:	server
 * @req:	request
 * @why:	reason
 * @rep:	reply to fill
 */
static void nak(const struct dhcp_server *srv, const struct dhcp_msg *req, const char *why,
		struct dhcp_reply *rep)
{
	struct in_addr none = { 0 };

	answer(srv, req, DHCPNAK, none, false, rep);
	rep->answer.message = why;
	rep->note = why;
}

/**
 * ack() - bind @ip to the client, queue the journal record and answer DHCPACK
 * @srv:	server
 * @req:	request (its hostname goes into the lease file, escaped)
 * @ip:		address, already checked with address_problem()
 * @now:	wall clock, seconds
 * @rep:	reply to fill
 */
static void ack(const struct dhcp_server *srv, const struct dhcp_msg *req, struct in_addr ip,
		int64_t now, struct dhcp_reply *rep)
{
	const struct lease *l = lease_store_by_ip(srv->leases, ip);
	size_t host_len = req->hostname_len < LEASE_HOSTNAME_MAX ? req->hostname_len :
				LEASE_HOSTNAME_MAX;
	const uint8_t *held;

	/* Only a change is logged at info: a renewal that moves the expiry alone is not one. */
	if (!l || l->state != LEASE_BOUND || !lease_is_active(l, now) || memcmp(l->mac, req->chaddr, 6))
		rep->change = "bound";
	else if (lease_store_hostname(srv->leases, l, &held) != host_len ||
		 memcmp(held, req->hostname, host_len))
		rep->change = "renewed";
	lease_store_bind(srv->leases, req->chaddr, ip, now + srv->cfg->lease_time,
			 req->hostname, req->hostname_len);
	answer(srv, req, DHCPACK, ip, true, rep);
	rep->commit = true;
}

/**
 * admit() - charge @ip to the interface the request came from (dhcp_bounds.c)
 * @srv:	server
 * @req:	request
 * @from:	where it came from
 * @ip:		chosen address
 * @bind:	it is to be bound, not offered
 * @now:	wall clock, seconds
 * @rep:	reply; its bound is set
 */
static void admit(struct dhcp_server *srv, const struct dhcp_msg *req,
		  const struct dhcp_origin *from, struct in_addr ip, bool bind, int64_t now,
		  struct dhcp_reply *rep)
{
	rep->bound = dhcp_bounds_admit(&srv->bounds, srv->leases, from, req->chaddr, ip, bind, now);
}

/**
 * on_discover() - answer DHCPDISCOVER with an OFFER, or an ACK under rapid commit
 * @srv:	server
 * @req:	request
 * @from:	where it came from
 * @now:	wall clock, seconds
 * @rep:	reply to fill
 *
 * RFC 4039: a DISCOVER with option 80 may be answered with a committed ACK at
 * once; 80 is echoed only then.  Both pass the same bound.
 */
static void on_discover(struct dhcp_server *srv, const struct dhcp_msg *req,
			const struct dhcp_origin *from, int64_t now, struct dhcp_reply *rep)
{
	struct in_addr ip;

	if (!choose_address(srv, req, now, &ip)) {
		rep->note = "no free address (pool exhausted or the client's static address is taken)";
		return;
	}
	admit(srv, req, from, ip, req->rapid_commit, now, rep);
	if (req->rapid_commit) {
		ack(srv, req, ip, now, rep);
		rep->answer.rapid_commit = true;
		return;
	}
	lease_store_offer(srv->leases, req->chaddr, ip, now + DHCP_OFFER_HOLD);
	answer(srv, req, DHCPOFFER, ip, true, rep);
}

/**
 * on_request() - answer DHCPREQUEST in each client state of RFC 2131 §4.3.2
 * @srv:	server
 * @req:	request
 * @from:	where it came from
 * @unicast:	the request was sent to our address, not broadcast (RENEWING vs REBINDING)
 * @now:	wall clock, seconds
 * @rep:	reply to fill
 *
 * SELECTING names a server in option 54: if not us, the client took another
 * offer and we stay silent.  INIT-REBOOT has option 50 and no 54; RENEWING
 * and REBINDING have ciaddr.  Being authoritative, the server NAKs any
 * address it would not give this client, so a guest moved between networks
 * or holding a stale address restarts at once instead of waiting it out.
 */
static void on_request(struct dhcp_server *srv, const struct dhcp_msg *req,
		       const struct dhcp_origin *from, bool unicast, int64_t now,
		       struct dhcp_reply *rep)
{
	struct in_addr ip;
	const char *why;

	if (req->has_server_id) {
		rep->state = "SELECTING";
		if (req->server_id.s_addr != srv->cfg->server.addr.s_addr) {
			rep->note = "the client chose another server";
			return;
		}
		if (!req->has_requested_ip || req->ciaddr.s_addr) {
			rep->note = "SELECTING needs option 50 and no ciaddr";
			return;
		}
		ip = req->requested_ip;
	} else if (req->has_requested_ip && !req->ciaddr.s_addr) {
		rep->state = "INIT-REBOOT";
		ip = req->requested_ip;
	} else if (req->ciaddr.s_addr) {
		rep->state = unicast ? "RENEWING" : "REBINDING";
		ip = req->ciaddr;
	} else {
		rep->note = "REQUEST with neither option 50, option 54 nor ciaddr";
		return;
	}
	why = address_problem(srv, req->chaddr, ip, now);
	if (why)
		nak(srv, req, why, rep);
	else {
		admit(srv, req, from, ip, true, now, rep);
		ack(srv, req, ip, now, rep);
	}
}

/**
 * on_decline() - a client found its address in use: keep it from everyone for a while
 * @srv:	server
 * @req:	DECLINE (option 54 must name us, option 50 the address)
 * @now:	wall clock, seconds
 * @rep:	reply, which stays empty (DECLINE is never answered)
 *
 * Only the client the address was offered or bound to can decline it, so
 * one guest cannot take every address out of use.
 */
static void on_decline(struct dhcp_server *srv, const struct dhcp_msg *req, int64_t now,
		       struct dhcp_reply *rep)
{
	const struct lease *l;

	if (!req->has_server_id || req->server_id.s_addr != srv->cfg->server.addr.s_addr ||
	    !req->has_requested_ip) {
		rep->note = "DECLINE without our server id or option 50";
		return;
	}
	l = lease_store_by_ip(srv->leases, req->requested_ip);
	if (!l || !lease_is_active(l, now) || l->state == LEASE_DECLINED ||
	    memcmp(l->mac, req->chaddr, 6)) {
		rep->note = "DECLINE for an address this client does not hold";
		return;
	}
	lease_store_decline(srv->leases, req->requested_ip, now + DHCP_DECLINE_HOLD);
	rep->commit = true;
	rep->change = "declined";
	rep->note = "address marked as in use by another host";
}

/**
 * on_release() - the client gives its address back
 * @srv:	server
 * @req:	RELEASE (ciaddr is the address)
 * @rep:	reply, which stays empty (RELEASE is never answered)
 */
static void on_release(struct dhcp_server *srv, const struct dhcp_msg *req,
		       struct dhcp_reply *rep)
{
	const struct lease *l = lease_store_by_ip(srv->leases, req->ciaddr);

	if (!l || l->state != LEASE_BOUND || memcmp(l->mac, req->chaddr, 6)) {
		rep->note = "RELEASE for an address this client does not hold";
		return;
	}
	lease_store_release(srv->leases, req->ciaddr);
	rep->commit = true;
	rep->change = "released";
	rep->note = "address released";
}

/**
 * on_inform() - configuration without a lease for a client with its own address
 * @srv:	server
 * @req:	INFORM (ciaddr is the client's address)
 * @rep:	reply to fill
 *
 * RFC 2131 §4.3.5: the ACK has no yiaddr and no lease time, goes to ciaddr,
 * and creates no binding.
 */
static void on_inform(struct dhcp_server *srv, const struct dhcp_msg *req,
		      struct dhcp_reply *rep)
{
	uint32_t mask = prefix_mask(srv->cfg->server.len);
	struct in_addr none = { 0 };

	if (!req->ciaddr.s_addr || (h(req->ciaddr) & mask) != (h(srv->cfg->server.addr) & mask)) {
		rep->note = "INFORM from an address not on this subnet";
		return;
	}
	answer(srv, req, DHCPACK, none, false, rep);
}

/**
 * set_destination() - where the reply goes (RFC 2131 §4.1)
 * @req:	request
 * @rep:	reply; dest is left as DHCP_DEST_NONE when there is no answer
 *
 * Through the relay when giaddr is set; a NAK by broadcast; to ciaddr when
 * the client has one; otherwise by broadcast, since the client cannot yet
 * answer ARP for its new address.
 *
 * A broadcast OFFER or ACK is still an IP broadcast, which is what a client
 * that set the broadcast flag (Redox's does in its DISCOVER, not in its
 * REQUEST) asks for, and what one with no address yet can receive whatever
 * its flags say, but it may go in
 * an Ethernet frame to chaddr rather than to ff:ff:ff:ff:ff:ff: the bridge has
 * learned chaddr from the request's own frame, so the reply reaches that VM's
 * port alone instead of being copied to every port.  dhcp_parse() takes only
 * htype 1 with hlen 6, so chaddr is an Ethernet address; it must also be one a
 * single host owns.  A NAK stays a true broadcast, as §4.1 has it.
 */
static void set_destination(const struct dhcp_msg *req, struct dhcp_reply *rep)
{
	if (!rep->answer.type)
		return;
	rep->dest_port = DHCP_CLIENT_PORT;
	if (req->giaddr.s_addr) {
		rep->dest = DHCP_DEST_RELAY;
		rep->dest_addr = req->giaddr;
		rep->dest_port = DHCP_SERVER_PORT;
	} else if (rep->answer.type != DHCPNAK && req->ciaddr.s_addr) {
		rep->dest = DHCP_DEST_CIADDR;
		rep->dest_addr = req->ciaddr;
	} else {
		rep->dest = DHCP_DEST_BROADCAST;
		rep->dest_addr.s_addr = htonl(INADDR_BROADCAST);
		rep->to_chaddr = rep->answer.type != DHCPNAK && mac_is_unicast(req->chaddr);
	}
}

/**
 * dhcp_server_handle() - decide the answer to one parsed request
 * @srv:	server state
 * @req:	request from dhcp_parse()
 * @from:	the interface it came in on; a relayed request (giaddr) is
 *		never one guest's, whatever the interface
 * @unicast:	it was addressed to us rather than broadcast (from IP_PKTINFO)
 * @now:	wall clock, seconds
 * @rep:	the decision
 *
 * Lease changes happen in the store at once; when @rep->commit is set the
 * caller must lease_store_commit() before sending the reply.
 */
void dhcp_server_handle(struct dhcp_server *srv, const struct dhcp_msg *req,
			const struct dhcp_origin *from, bool unicast, int64_t now,
			struct dhcp_reply *rep)
{
	struct dhcp_origin o = { .port = -1 };

	memset(rep, 0, sizeof(*rep));
	if (from) {
		o = *from;
		o.one_guest = o.one_guest && !req->giaddr.s_addr;
	}
	if (req->op != BOOTREQUEST)
		rep->note = "not a BOOTREQUEST";
	else if (!mac_is_unicast(req->chaddr))
		rep->note = "the client MAC is multicast or zero";
	else if (req->giaddr.s_addr && !srv->cfg->allow_relay)
		rep->note = "relayed (giaddr set) and relaying is off";
	else if (req->type == DHCPDISCOVER)
		on_discover(srv, req, &o, now, rep);
	else if (req->type == DHCPREQUEST)
		on_request(srv, req, &o, unicast, now, rep);
	else if (req->type == DHCPDECLINE)
		on_decline(srv, req, now, rep);
	else if (req->type == DHCPRELEASE)
		on_release(srv, req, rep);
	else if (req->type == DHCPINFORM)
		on_inform(srv, req, rep);
	else
		rep->note = "not a message a client sends";
	set_destination(req, rep);
}
