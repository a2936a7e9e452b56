// SPDX-License-Identifier: MIT
/* test_dhcp_server.c - unit tests for the RFC 2131 §4.3 decisions: states, protection, destinations */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dhcp/dhcp_server.h"
#include "tests/unit/dhcp_packet.h"

#define NOW 1700000000

/**
 * struct fixture - a server on the default configuration with an in-memory store
 * @cfg:	configuration
 * @leases:	store
 * @srv:	server
 * @rep:	last decision
 * @from:	where the requests come from; NULL for nowhere in particular (no bounds)
 */
struct fixture {
	struct dhcp_config cfg;
	struct lease_store *leases;
	struct dhcp_server srv;
	struct dhcp_reply rep;
	const struct dhcp_origin *from;
};

static struct fixture fx;

static void start(void)
{
	struct in_addr base;
	uint32_t count;

	assert_null(dhcp_config_check(&fx.cfg));
	dhcp_subnet_range(&fx.cfg, &base, &count);
	assert_int_equal(lease_store_open(&fx.leases, NULL, base, count, NOW), 0);
	dhcp_server_init(&fx.srv, &fx.cfg, fx.leases);
}

static int setup(void **state)
{
	(void)state;
	dhcp_config_defaults(&fx.cfg);
	fx.from = NULL;
	start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lease_store_close(fx.leases);
	return 0;
}

/* handle() - parse @p and decide, at time @now; Return: the reply type (0 for none) */
static uint8_t handle_at(struct pkt *p, bool unicast, int64_t now)
{
	struct dhcp_msg m;

	pkt_end(p);
	assert_int_equal(dhcp_parse(p->b, p->len, &m), DHCP_PARSE_OK);
	dhcp_server_handle(&fx.srv, &m, fx.from, unicast, now, &fx.rep);
	return fx.rep.answer.type;
}

static uint8_t handle(struct pkt *p)
{
	return handle_at(p, false, NOW);
}

static uint32_t yiaddr(void)
{
	return fx.rep.answer.yiaddr.s_addr;
}

/* lease_for() - DISCOVER then SELECTING REQUEST from MAC ..:@mac; Return: the ACKed address */
static struct in_addr lease_for(uint8_t mac)
{
	struct in_addr got;
	struct pkt p;
	char a[16];

	pkt_init(&p, DHCPDISCOVER, mac);
	assert_int_equal(handle(&p), DHCPOFFER);
	got = fx.rep.answer.yiaddr;
	inet_ntop(AF_INET, &got, a, sizeof(a));
	pkt_init(&p, DHCPREQUEST, mac);
	pkt_addr_opt(&p, 54, "172.16.0.1");
	pkt_addr_opt(&p, 50, a);
	assert_int_equal(handle(&p), DHCPACK);
	assert_int_equal(yiaddr(), got.s_addr);
	assert_true(fx.rep.commit);
	return got;
}

static void redox_discover_gets_offer_by_broadcast(void **state)
{
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 1);
	p.b[10] = 0x80;
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(fx.rep.dest_addr.s_addr, 0xffffffff);
	assert_int_equal(fx.rep.dest_port, 68);
	assert_false(fx.rep.commit);	/* an offer is not journaled */
	/* .2 is the default guest's static address, so a stranger starts at .3. */
	assert_int_equal(yiaddr(), ip("172.16.0.3").s_addr);
	assert_int_equal(fx.rep.answer.lease_time, 3600);
	assert_int_equal(fx.rep.answer.router.s_addr, ip("172.16.0.1").s_addr);
	assert_int_equal(fx.rep.answer.netmask.s_addr, ip("255.255.255.0").s_addr);
	assert_int_equal(fx.rep.answer.n_dns, 1);
}

static void default_guest_gets_static_address(void **state)
{
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 0x56);
	p.b[31] = 0x12, p.b[32] = 0x34;	/* 52:54:00:12:34:56 */
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_int_equal(yiaddr(), ip("172.16.0.2").s_addr);
}

static void selecting_acks_and_commits(void **state)
{
	static const uint8_t mac1[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	struct in_addr a;
	struct pkt p;

	(void)state;
	a = lease_for(1);
	assert_int_equal(fx.rep.state[0], 'S');
	assert_int_equal(lease_store_by_mac(fx.leases, mac1)->ip.s_addr, a.s_addr);
	/* A second client never gets the same address. */
	assert_true(lease_for(7).s_addr != a.s_addr);
	/* Option 54 naming another server: silence. */
	pkt_init(&p, DHCPREQUEST, 9);
	pkt_addr_opt(&p, 54, "172.16.0.77");
	pkt_addr_opt(&p, 50, "172.16.0.40");
	assert_int_equal(handle(&p), 0);
	assert_int_equal(fx.rep.dest, DHCP_DEST_NONE);
	/* SELECTING for an address leased to someone else: NAK by broadcast. */
	pkt_init(&p, DHCPREQUEST, 9);
	pkt_addr_opt(&p, 54, "172.16.0.1");
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle(&p), DHCPNAK);
	assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
	assert_false(fx.rep.commit);
}

static void init_reboot_wrong_address_naked(void **state)
{
	static const char *wrong[] = {
		"10.0.0.5",		/* another network */
		"172.16.0.1",		/* the server */
		"172.16.0.0",		/* network */
		"172.16.0.255",		/* broadcast */
		"172.16.0.2",		/* static for 52:54:00:12:34:56 */
	};
	struct in_addr held;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		pkt_init(&p, DHCPREQUEST, 3);
		pkt_addr_opt(&p, 50, wrong[i]);
		assert_int_equal(handle(&p), DHCPNAK);
		assert_string_equal(fx.rep.state, "INIT-REBOOT");
		assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
		assert_int_equal(yiaddr(), 0);
		assert_non_null(fx.rep.answer.message);
	}
	/* Another client's lease. */
	held = lease_for(4);
	pkt_init(&p, DHCPREQUEST, 3);
	pkt_addr_opt(&p, 50, inet_ntoa(held));
	assert_int_equal(handle(&p), DHCPNAK);
	/* Its own address after a reboot, even expired: ACK. */
	pkt_init(&p, DHCPREQUEST, 4);
	pkt_addr_opt(&p, 50, inet_ntoa(held));
	assert_int_equal(handle_at(&p, false, NOW + 7200), DHCPACK);
	assert_int_equal(yiaddr(), held.s_addr);
	assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
}

static void renew_unicast_and_rebind_broadcast(void **state)
{
	struct in_addr a;
	struct pkt p;

	(void)state;
	a = lease_for(5);
	pkt_init(&p, DHCPREQUEST, 5);
	pkt_set_addr(&p, 12, inet_ntoa(a));
	assert_int_equal(handle_at(&p, true, NOW + 1800), DHCPACK);
	assert_string_equal(fx.rep.state, "RENEWING");
	assert_int_equal(fx.rep.dest, DHCP_DEST_CIADDR);
	assert_int_equal(fx.rep.dest_addr.s_addr, a.s_addr);
	assert_true(fx.rep.commit);
	assert_int_equal(lease_store_by_ip(fx.leases, a)->expires, NOW + 1800 + 3600);
	pkt_init(&p, DHCPREQUEST, 5);
	pkt_set_addr(&p, 12, inet_ntoa(a));
	assert_int_equal(handle_at(&p, false, NOW + 3200), DHCPACK);
	assert_string_equal(fx.rep.state, "REBINDING");
	assert_int_equal(fx.rep.dest, DHCP_DEST_CIADDR);
	/* Renewing someone else's address: NAK, and a NAK always goes by broadcast. */
	pkt_init(&p, DHCPREQUEST, 6);
	pkt_set_addr(&p, 12, inet_ntoa(a));
	assert_int_equal(handle_at(&p, true, NOW + 10), DHCPNAK);
	assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
	/* A REQUEST with no 50, no 54 and no ciaddr is dropped. */
	pkt_init(&p, DHCPREQUEST, 6);
	assert_int_equal(handle(&p), 0);
}

static void rediscover_keeps_binding(void **state)
{
	struct in_addr a;
	struct pkt p;

	(void)state;
	a = lease_for(15);
	/* The guest reboots and starts over with DISCOVER: same address, binding kept. */
	pkt_init(&p, DHCPDISCOVER, 15);
	assert_int_equal(handle_at(&p, false, NOW + 10), DHCPOFFER);
	assert_int_equal(yiaddr(), a.s_addr);
	assert_int_equal(lease_store_by_ip(fx.leases, a)->state, LEASE_BOUND);
	/* Long after the offer hold, but within the lease, nobody else may take it. */
	pkt_init(&p, DHCPREQUEST, 16);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle_at(&p, false, NOW + 10 + DHCP_OFFER_HOLD + 1), DHCPNAK);
}

static void release_frees_only_own_address(void **state)
{
	struct in_addr a;
	struct pkt p;

	(void)state;
	a = lease_for(8);
	pkt_init(&p, DHCPRELEASE, 9);	/* not the holder */
	pkt_addr_opt(&p, 54, "172.16.0.1");
	pkt_set_addr(&p, 12, inet_ntoa(a));
	assert_int_equal(handle(&p), 0);
	assert_false(fx.rep.commit);
	assert_int_equal(lease_store_by_ip(fx.leases, a)->state, LEASE_BOUND);
	pkt_init(&p, DHCPRELEASE, 8);
	pkt_addr_opt(&p, 54, "172.16.0.1");
	pkt_set_addr(&p, 12, inet_ntoa(a));
	assert_int_equal(handle(&p), 0);
	assert_int_equal(fx.rep.dest, DHCP_DEST_NONE);
	assert_true(fx.rep.commit);
	assert_int_equal(lease_store_by_ip(fx.leases, a)->state, LEASE_FREE);
}

static void decline_takes_address_out_of_use(void **state)
{
	struct in_addr a;
	struct pkt p;

	(void)state;
	a = lease_for(10);
	/* Without our server id: ignored. */
	pkt_init(&p, DHCPDECLINE, 10);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle(&p), 0);
	assert_false(fx.rep.commit);
	/* Another client cannot decline it. */
	pkt_init(&p, DHCPDECLINE, 11);
	pkt_addr_opt(&p, 54, "172.16.0.1");
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle(&p), 0);
	assert_false(fx.rep.commit);
	pkt_init(&p, DHCPDECLINE, 10);
	pkt_addr_opt(&p, 54, "172.16.0.1");
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle(&p), 0);
	assert_true(fx.rep.commit);
	assert_int_equal(lease_store_by_ip(fx.leases, a)->state, LEASE_DECLINED);
	/* The decliner gets a different address; nobody gets this one for a while. */
	pkt_init(&p, DHCPDISCOVER, 10);
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_true(yiaddr() != a.s_addr);
	pkt_init(&p, DHCPREQUEST, 12);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle_at(&p, false, NOW + DHCP_DECLINE_HOLD - 1), DHCPNAK);
	/*
	 * The decline hold is over, but the decliner's lease is not: the port
	 * filter still binds the address to it, so others wait for its end.
	 * (Before the quarantine, MAC 12 got it at NOW + DHCP_DECLINE_HOLD.)
	 */
	pkt_init(&p, DHCPREQUEST, 12);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle_at(&p, false, NOW + DHCP_DECLINE_HOLD), DHCPNAK);
	pkt_init(&p, DHCPREQUEST, 12);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle_at(&p, false, NOW + 3600 + LEASE_QUARANTINE_GRACE), DHCPACK);
}

/* request_at() - INIT-REBOOT REQUEST from ..:@mac for @a at @now; Return: the reply type */
static uint8_t request_at(uint8_t mac, struct in_addr a, int64_t now)
{
	struct pkt p;

	pkt_init(&p, DHCPREQUEST, mac);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	return handle_at(&p, false, now);
}

/*
 * A released lease stays its MAC's until its end plus the grace: the bridge
 * port filter binds the address to the old VM's port that long.  The same
 * MAC gets it back at once, even on a DISCOVER without option 50.
 */
static void released_address_quarantined_for_others(void **state)
{
	struct in_addr a;
	struct pkt p;

	(void)state;
	a = lease_for(40);
	pkt_init(&p, DHCPRELEASE, 40);
	pkt_addr_opt(&p, 54, "172.16.0.1");
	pkt_set_addr(&p, 12, inet_ntoa(a));
	assert_int_equal(handle(&p), 0);
	assert_true(fx.rep.commit);
	assert_int_equal(request_at(41, a, NOW + 1), DHCPNAK);
	assert_non_null(strstr(fx.rep.note, "held back"));
	pkt_init(&p, DHCPDISCOVER, 41);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle_at(&p, false, NOW + 1), DHCPOFFER);
	assert_true(yiaddr() != a.s_addr);
	assert_int_equal(request_at(41, a, NOW + 3600 + LEASE_QUARANTINE_GRACE - 1), DHCPNAK);
	pkt_init(&p, DHCPDISCOVER, 40);
	assert_int_equal(handle_at(&p, false, NOW + 2), DHCPOFFER);
	assert_int_equal(yiaddr(), a.s_addr);
	assert_int_equal(request_at(40, a, NOW + 2), DHCPACK);
	/* Given back again, it is free for others once the new lease and the grace are over. */
	assert_int_equal(request_at(41, a, NOW + 2 + 3600 + LEASE_QUARANTINE_GRACE - 1), DHCPNAK);
	assert_int_equal(request_at(41, a, NOW + 2 + 3600 + LEASE_QUARANTINE_GRACE), DHCPACK);
}

/* An expired lease is quarantined the same way; an unanswered offer is not. */
static void expired_address_quarantined_for_others(void **state)
{
	struct in_addr a, offered;
	struct pkt p;

	(void)state;
	a = lease_for(42);
	assert_int_equal(request_at(43, a, NOW + 3600), DHCPNAK);
	assert_int_equal(request_at(43, a, NOW + 3600 + LEASE_QUARANTINE_GRACE - 1), DHCPNAK);
	assert_int_equal(request_at(43, a, NOW + 3600 + LEASE_QUARANTINE_GRACE), DHCPACK);
	pkt_init(&p, DHCPDISCOVER, 44);
	assert_int_equal(handle(&p), DHCPOFFER);
	offered = fx.rep.answer.yiaddr;
	assert_int_equal(request_at(45, offered, NOW + DHCP_OFFER_HOLD), DHCPACK);
}

static void inform_acks_without_lease(void **state)
{
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPINFORM, 13);
	pkt_set_addr(&p, 12, "172.16.0.200");
	assert_int_equal(handle(&p), DHCPACK);
	assert_int_equal(yiaddr(), 0);
	assert_int_equal(fx.rep.answer.lease_time, 0);
	assert_false(fx.rep.commit);
	assert_int_equal(fx.rep.dest, DHCP_DEST_CIADDR);
	assert_int_equal(fx.rep.dest_addr.s_addr, ip("172.16.0.200").s_addr);
	assert_int_equal(lease_store_by_ip(fx.leases, ip("172.16.0.200"))->state, LEASE_FREE);
	pkt_init(&p, DHCPINFORM, 13);
	pkt_set_addr(&p, 12, "192.168.1.5");
	assert_int_equal(handle(&p), 0);
	pkt_init(&p, DHCPINFORM, 13);
	assert_int_equal(handle(&p), 0);
}

static void static_binding_protected(void **state)
{
	struct pkt p;

	(void)state;
	/* A stranger asking for .2 gets something else. */
	pkt_init(&p, DHCPDISCOVER, 14);
	pkt_addr_opt(&p, 50, "172.16.0.2");
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_true(yiaddr() != ip("172.16.0.2").s_addr);
	/* The static client asking for a pool address is NAKed back to its own. */
	pkt_init(&p, DHCPREQUEST, 0x56);
	p.b[31] = 0x12, p.b[32] = 0x34;
	pkt_addr_opt(&p, 50, "172.16.0.50");
	assert_int_equal(handle(&p), DHCPNAK);
	pkt_init(&p, DHCPREQUEST, 0x56);
	p.b[31] = 0x12, p.b[32] = 0x34;
	pkt_addr_opt(&p, 50, "172.16.0.2");
	assert_int_equal(handle(&p), DHCPACK);
}

static void pool_exhaustion_never_takes_static_or_reserved(void **state)
{
	struct pkt p;

	(void)state;
	teardown(state);
	dhcp_config_defaults(&fx.cfg);
	assert_null(dhcp_config_set_option(&fx.cfg, "pool=172.16.0.1-172.16.0.5"));
	assert_null(dhcp_config_set_option(&fx.cfg, "static=52:54:00:00:00:99=172.16.0.4"));
	start();
	/* Pool .1-.5: .1 is the server, .2 and .4 are static, so only .3 and .5 are free. */
	assert_int_equal(lease_for(20).s_addr, ip("172.16.0.3").s_addr);
	assert_int_equal(lease_for(21).s_addr, ip("172.16.0.5").s_addr);
	pkt_init(&p, DHCPDISCOVER, 22);
	assert_int_equal(handle(&p), 0);
	assert_non_null(strstr(fx.rep.note, "no free address"));
	assert_int_equal(fx.rep.dest, DHCP_DEST_NONE);
	/* The static clients still get theirs. */
	pkt_init(&p, DHCPDISCOVER, 0x99);
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_int_equal(yiaddr(), ip("172.16.0.4").s_addr);
	/*
	 * Once a lease is over, and the grace after it, its address is free
	 * again.  (Before the quarantine, this was at NOW + 3601.)
	 */
	pkt_init(&p, DHCPDISCOVER, 22);
	assert_int_equal(handle_at(&p, false, NOW + 3600 + LEASE_QUARANTINE_GRACE - 1), 0);
	pkt_init(&p, DHCPDISCOVER, 22);
	assert_int_equal(handle_at(&p, false, NOW + 3600 + LEASE_QUARANTINE_GRACE), DHCPOFFER);
}

static void relay_ignored_unless_allowed(void **state)
{
	struct pkt p;

	(void)state;
	assert_false(fx.cfg.allow_relay);
	pkt_init(&p, DHCPDISCOVER, 23);
	pkt_set_addr(&p, 24, "10.9.9.9");
	assert_int_equal(handle(&p), 0);
	assert_int_equal(fx.rep.dest, DHCP_DEST_NONE);
	fx.cfg.allow_relay = true;
	pkt_init(&p, DHCPDISCOVER, 23);
	pkt_set_addr(&p, 24, "10.9.9.9");
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_int_equal(fx.rep.dest, DHCP_DEST_RELAY);
	assert_int_equal(fx.rep.dest_addr.s_addr, ip("10.9.9.9").s_addr);
	assert_int_equal(fx.rep.dest_port, 67);
}

static void rapid_commit_acks_at_once(void **state)
{
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 24);
	pkt_opt(&p, 80, "", 0);
	assert_int_equal(handle(&p), DHCPACK);
	assert_true(fx.rep.commit);
	assert_true(fx.rep.answer.rapid_commit);
	assert_int_equal(lease_store_by_ip(fx.leases, fx.rep.answer.yiaddr)->state, LEASE_BOUND);
}

static void strange_requests_dropped(void **state)
{
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPOFFER, 25);	/* a server message */
	assert_int_equal(handle(&p), 0);
	pkt_init(&p, DHCPDISCOVER, 25);
	p.b[28] = 0x01;			/* multicast chaddr */
	assert_int_equal(handle(&p), 0);
	pkt_init(&p, DHCPDISCOVER, 0);
	p.b[28] = p.b[29] = 0;		/* all-zero chaddr */
	assert_int_equal(handle(&p), 0);
	pkt_init(&p, DHCPDISCOVER, 25);
	pkt_end(&p);
	p.b[0] = BOOTREPLY;
	assert_int_equal(dhcp_parse(p.b, p.len, &m), DHCP_PARSE_OK);
	dhcp_server_handle(&fx.srv, &m, fx.from, false, NOW, &fx.rep);
	assert_int_equal(fx.rep.dest, DHCP_DEST_NONE);
}

/*
 * A broadcast OFFER or ACK may go in a frame to chaddr; every other reply goes
 * as it always did: a NAK by true broadcast, the rest by IP unicast.
 */
static void broadcast_offer_and_ack_go_to_chaddr(void **state)
{
	struct dhcp_msg m;
	struct in_addr a;
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 26);
	p.b[10] = 0x80;			/* the broadcast flag, as Redox sets it */
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
	assert_true(fx.rep.to_chaddr);
	a = lease_for(26);		/* its SELECTING REQUEST's ACK */
	assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
	assert_true(fx.rep.to_chaddr);
	pkt_init(&p, DHCPDISCOVER, 27);
	pkt_opt(&p, 80, "", 0);
	assert_int_equal(handle(&p), DHCPACK);	/* rapid commit */
	assert_true(fx.rep.to_chaddr);
	/* A NAK stays a true broadcast. */
	pkt_init(&p, DHCPREQUEST, 28);
	pkt_addr_opt(&p, 50, inet_ntoa(a));
	assert_int_equal(handle(&p), DHCPNAK);
	assert_int_equal(fx.rep.dest, DHCP_DEST_BROADCAST);
	assert_false(fx.rep.to_chaddr);
	/* Replies to ciaddr and through a relay are IP unicast already. */
	pkt_init(&p, DHCPREQUEST, 26);
	pkt_set_addr(&p, 12, inet_ntoa(a));
	assert_int_equal(handle_at(&p, true, NOW + 1800), DHCPACK);
	assert_int_equal(fx.rep.dest, DHCP_DEST_CIADDR);
	assert_false(fx.rep.to_chaddr);
	pkt_init(&p, DHCPINFORM, 29);
	pkt_set_addr(&p, 12, "172.16.0.201");
	assert_int_equal(handle(&p), DHCPACK);
	assert_false(fx.rep.to_chaddr);
	fx.cfg.allow_relay = true;
	pkt_init(&p, DHCPDISCOVER, 30);
	pkt_set_addr(&p, 24, "10.9.9.9");
	assert_int_equal(handle(&p), DHCPOFFER);
	assert_int_equal(fx.rep.dest, DHCP_DEST_RELAY);
	assert_false(fx.rep.to_chaddr);
	/* No reply, no frame; and a chaddr that is not Ethernet never gets this far. */
	pkt_init(&p, DHCPDISCOVER, 0);
	p.b[28] = p.b[29] = 0;
	assert_int_equal(handle(&p), 0);
	assert_false(fx.rep.to_chaddr);
	pkt_init(&p, DHCPDISCOVER, 31);
	pkt_end(&p);
	p.b[1] = 6;			/* htype IEEE 802 */
	assert_int_equal(dhcp_parse(p.b, p.len, &m), DHCP_PARSE_BAD_HW);
	p.b[1] = 1;
	p.b[2] = 16;			/* hlen */
	assert_int_equal(dhcp_parse(p.b, p.len, &m), DHCP_PARSE_BAD_HW);
}

static void config_options_parsed_strictly(void **state)
{
	struct dhcp_config c;

	(void)state;
	dhcp_config_defaults(&c);
	assert_null(dhcp_config_set_option(&c, "static=52:54:00:12:34:56=172.16.0.9,redox"));
	assert_int_equal(c.n_statics, 1);	/* replaced the built-in one */
	assert_string_equal(c.statics[0].hostname, "redox");
	assert_non_null(dhcp_config_set_option(&c, "static=52:54:00:aa:aa:aa=172.16.0.9"));
	assert_non_null(dhcp_config_set_option(&c, "static=52:54:00:aa:aa:aa=172.16.0.10,-x"));
	assert_null(dhcp_config_set_option(&c, "dns=9.9.9.9,1.0.0.1"));
	assert_int_equal(c.n_dns, 2);
	assert_non_null(dhcp_config_set_option(&c, "dns=9.9.9"));
	assert_non_null(dhcp_config_set_option(&c, "pool=172.16.0.9-172.16.0.2"));
	assert_non_null(dhcp_config_set_option(&c, "lease-time=10"));
	assert_non_null(dhcp_config_set_option(&c, "mtu=1500x"));
	assert_non_null(dhcp_config_set_option(&c, "domain=bad..name"));
	assert_non_null(dhcp_config_set_option(&c, "interface=../x"));
	assert_non_null(dhcp_config_set_option(&c, "lease-dir=relative"));
	assert_non_null(dhcp_config_set_option(&c, "bogus=1"));
	assert_null(dhcp_config_check(&c));
	assert_null(dhcp_config_set_option(&c, "interface=br-redox"));
	assert_int_equal(c.n_ifaces, 1);
	assert_string_equal(c.ifaces[0], "br-redox");
	/* A new subnet moves the default pool along. */
	dhcp_config_defaults(&c);
	assert_null(dhcp_config_set_option(&c, "server=10.77.0.1/16"));
	assert_int_equal(c.pool_end.s_addr, ip("10.77.255.254").s_addr);
	assert_int_equal(c.n_statics, 0);
	assert_null(dhcp_config_check(&c));
	assert_non_null(dhcp_config_set_option(&c, "server=10.0.0.1/8"));
	assert_null(dhcp_config_set_option(&c, "static=52:54:00:12:34:56=10.77.255.255"));
	assert_non_null(dhcp_config_check(&c));		/* broadcast address */
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(redox_discover_gets_offer_by_broadcast),
		T(default_guest_gets_static_address),
		T(selecting_acks_and_commits),
		T(init_reboot_wrong_address_naked),
		T(renew_unicast_and_rebind_broadcast),
		T(rediscover_keeps_binding),
		T(release_frees_only_own_address),
		T(decline_takes_address_out_of_use),
		T(released_address_quarantined_for_others),
		T(expired_address_quarantined_for_others),
		T(inform_acks_without_lease),
		T(static_binding_protected),
		T(pool_exhaustion_never_takes_static_or_reserved),
		T(relay_ignored_unless_allowed),
		T(rapid_commit_acks_at_once),
		T(strange_requests_dropped),
		T(broadcast_offer_and_ack_go_to_chaddr),
		cmocka_unit_test(config_options_parsed_strictly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
