// SPDX-License-Identifier: MIT
/* test_dhcp_bounds.c - unit tests: one interface's flood cannot reserve the pool (dhcp_bounds.c) */
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

static const struct dhcp_origin tap_a = { .port = 0, .one_guest = true };
static const struct dhcp_origin tap_b = { .port = 1, .one_guest = true };
static const struct dhcp_origin bridge = { .port = 0, .one_guest = false };

/**
 * struct bench - a server on the default /24 (pool .2-.254) and its in-memory store
 * @cfg:	configuration
 * @leases:	store
 * @srv:	server
 * @rep:	last decision
 */
static struct bench {
	struct dhcp_config cfg;
	struct lease_store *leases;
	struct dhcp_server srv;
	struct dhcp_reply rep;
} b;

static int setup(void **state)
{
	struct in_addr base;
	uint32_t count;

	(void)state;
	dhcp_config_defaults(&b.cfg);
	assert_null(dhcp_config_check(&b.cfg));
	dhcp_subnet_range(&b.cfg, &base, &count);
	assert_int_equal(lease_store_open(&b.leases, NULL, base, count, NOW), 0);
	dhcp_server_init(&b.srv, &b.cfg, b.leases);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lease_store_close(b.leases);
	return 0;
}

/**
 * send_as() - a request of @type from MAC 52:54:00:ab:HI:LO (@id), decided at @now
 * @from:	interface
 * @type:	DHCPDISCOVER or DHCPREQUEST
 * @id:		16 bits of MAC
 * @rapid:	add option 80
 * @want:	for a REQUEST, option 50; NULL for none
 * @now:	wall clock
 *
 * Return: the reply type, 0 for none.
 */
static uint8_t send_as(const struct dhcp_origin *from, uint8_t type, uint16_t id, bool rapid,
		       const char *want, int64_t now)
{
	struct dhcp_msg m;
	struct pkt p;

	pkt_init(&p, type, (uint8_t)id);
	p.b[28 + 3] = 0xab;
	p.b[28 + 4] = (uint8_t)(id >> 8);
	if (rapid)
		pkt_opt(&p, 80, "", 0);
	if (want)
		pkt_addr_opt(&p, 50, want);
	pkt_end(&p);
	assert_int_equal(dhcp_parse(p.b, p.len, &m), DHCP_PARSE_OK);
	dhcp_server_handle(&b.srv, &m, from, false, now, &b.rep);
	return b.rep.answer.type;
}

/* held() - Return: pool addresses in @state, active at @now */
static unsigned int held(uint8_t state, int64_t now)
{
	unsigned int n = 0;

	for (uint32_t i = 2; i <= 254; i++) {
		struct in_addr a = { .s_addr = htonl(0xac100000u + i) };
		const struct lease *l = lease_store_by_ip(b.leases, a);

		n += l->state == state && lease_is_active(l, now);
	}
	return n;
}

/* quarantined() - Return: pool addresses free but kept from other MACs at @now */
static unsigned int quarantined(int64_t now)
{
	static const uint8_t nobody[6] = { 0x52, 0x54, 0, 0xff, 0xff, 0xff };
	unsigned int n = 0;

	for (uint32_t i = 2; i <= 254; i++) {
		struct in_addr a = { .s_addr = htonl(0xac100000u + i) };
		const struct lease *l = lease_store_by_ip(b.leases, a);

		n += l->state == LEASE_FREE && lease_in_quarantine(l, nobody, now);
	}
	return n;
}

/* lease_on() - DISCOVER then SELECTING REQUEST on @from; Return: the reply to the REQUEST */
static uint8_t lease_on(const struct dhcp_origin *from, uint16_t id, int64_t now)
{
	char a[INET_ADDRSTRLEN];

	if (send_as(from, DHCPDISCOVER, id, false, NULL, now) != DHCPOFFER)
		return 0;
	inet_ntop(AF_INET, &b.rep.answer.yiaddr, a, sizeof(a));
	return send_as(from, DHCPREQUEST, id, false, a, now);
}

/*
 * 300 rapid-commit DISCOVERs with made-up MACs on one TAP: the TAP never
 * holds more than 4 addresses, taking back its own oldest; another TAP, and
 * the next VM on the same TAP, get their lease at once.
 */
static void rapid_commit_flood_on_a_tap(void **state)
{
	unsigned int withdrew = 0;

	(void)state;
	for (uint16_t id = 1; id <= 300; id++) {
		assert_int_equal(send_as(&tap_a, DHCPDISCOVER, id, true, NULL, NOW), DHCPACK);
		withdrew += b.rep.bound == DHCP_BOUND_WITHDREW;
		assert_true(held(LEASE_BOUND, NOW) <= DHCP_DEFAULT_GUEST_LEASES);
	}
	assert_int_equal(withdrew, 300 - DHCP_DEFAULT_GUEST_LEASES);
	assert_int_equal(lease_on(&tap_b, 1000, NOW), DHCPACK);
	assert_int_equal(held(LEASE_BOUND, NOW), DHCP_DEFAULT_GUEST_LEASES + 1);
	assert_int_equal(lease_on(&tap_a, 1001, NOW), DHCPACK);
	/* A guest renewing what it holds costs nothing. */
	assert_int_equal(send_as(&tap_a, DHCPDISCOVER, 1001, true, NULL, NOW + 1), DHCPACK);
	assert_int_equal(b.rep.bound, DHCP_BOUND_OK);
}

/* Plain DISCOVERs churn through the TAP's 4 offers; REQUESTs for made-up MACs are bounded too. */
static void offer_and_request_flood_on_a_tap(void **state)
{
	unsigned int acks = 0;
	char a[INET_ADDRSTRLEN];

	(void)state;
	for (uint16_t id = 1; id <= 300; id++) {
		assert_int_equal(send_as(&tap_a, DHCPDISCOVER, id, false, NULL, NOW), DHCPOFFER);
		assert_true(held(LEASE_OFFERED, NOW) <= DHCP_DEFAULT_GUEST_LEASES);
	}
	assert_int_equal(b.rep.bound, DHCP_BOUND_WITHDREW);
	for (uint16_t id = 301; id <= 400; id++) {
		snprintf(a, sizeof(a), "172.16.0.%u", 100u + id % 100);
		acks += send_as(&tap_a, DHCPREQUEST, id, false, a, NOW) == DHCPACK;
	}
	assert_true(held(LEASE_BOUND, NOW) <= DHCP_DEFAULT_GUEST_LEASES);
	assert_int_equal(acks, 100);
	assert_int_equal(lease_on(&tap_b, 1000, NOW), DHCPACK);
}

/* A RELEASE leaves its address in quarantine, which the TAP still pays for. */
static void release_cycles_stay_bounded(void **state)
{
	(void)state;
	for (uint16_t id = 1; id <= 50; id++) {
		struct dhcp_msg m;
		struct pkt p;

		assert_int_equal(send_as(&tap_a, DHCPDISCOVER, id, true, NULL, NOW), DHCPACK);
		pkt_init(&p, DHCPRELEASE, (uint8_t)id);
		p.b[28 + 3] = 0xab;
		memcpy(p.b + 12, &b.rep.answer.yiaddr, 4);
		pkt_end(&p);
		assert_int_equal(dhcp_parse(p.b, p.len, &m), DHCP_PARSE_OK);
		dhcp_server_handle(&b.srv, &m, &tap_a, false, NOW, &b.rep);
		assert_true(b.rep.commit);
		assert_true(held(LEASE_BOUND, NOW) + quarantined(NOW) <= DHCP_DEFAULT_GUEST_LEASES);
	}
}

/* guest-leases is an option, checked like the others. */
static void guest_leases_option(void **state)
{
	(void)state;
	assert_null(dhcp_config_set_option(&b.cfg, "guest-leases=1"));
	assert_int_equal(b.cfg.guest_leases, 1);
	dhcp_server_init(&b.srv, &b.cfg, b.leases);
	assert_int_equal(send_as(&tap_a, DHCPDISCOVER, 1, true, NULL, NOW), DHCPACK);
	assert_int_equal(send_as(&tap_a, DHCPDISCOVER, 2, true, NULL, NOW), DHCPACK);
	assert_int_equal(b.rep.bound, DHCP_BOUND_WITHDREW);
	assert_int_equal(held(LEASE_BOUND, NOW), 1);
	assert_non_null(dhcp_config_set_option(&b.cfg, "guest-leases=0"));
	assert_non_null(dhcp_config_set_option(&b.cfg, "guest-leases=1025"));
	assert_non_null(dhcp_config_set_option(&b.cfg, "guest-leases=4x"));
}

/*
 * On a bridge nobody is refused, but open offers stay under a quarter of the
 * pool; a new VM still gets its lease on its first DISCOVER.  Leases there
 * are the port filter's to bound (one MAC per port).
 */
static void discover_flood_on_a_bridge(void **state)
{
	unsigned int withdrew = 0;

	(void)state;
	for (uint16_t id = 1; id <= 300; id++) {
		assert_int_equal(send_as(&bridge, DHCPDISCOVER, id, false, NULL, NOW), DHCPOFFER);
		withdrew += b.rep.bound == DHCP_BOUND_WITHDREW;
	}
	assert_int_equal(held(LEASE_OFFERED, NOW), 253 / DHCP_OFFER_SHARE);
	assert_int_equal(withdrew, 300 - 253 / DHCP_OFFER_SHARE);
	assert_int_equal(lease_on(&bridge, 1000, NOW), DHCPACK);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(rapid_commit_flood_on_a_tap),
		T(offer_and_request_flood_on_a_tap),
		T(release_cycles_stay_bounded),
		T(guest_leases_option),
		T(discover_flood_on_a_bridge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
