// SPDX-License-Identifier: MIT
/* fuzz_dhcp.c - libFuzzer harness: parse, decide on an in-memory lease store, build, parse again */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dhcp/dhcp_msg.h"
#include "netsetup/dhcp/dhcp_server.h"
#include "netsetup/dhcp/lease_record.h"
#include "netsetup/dhcp/lease_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * struct harness - one server kept across inputs, so sequences build up lease state
 * @cfg:	default configuration plus every optional option, so all builder paths run
 * @leases:	in-memory store
 * @srv:	server
 */
static struct harness {
	struct dhcp_config cfg;
	struct lease_store *leases;
	struct dhcp_server srv;
} h;

static void setup(void)
{
	static const char *opts[] = {
		"dns=9.9.9.9,1.1.1.1", "domain=vm.example", "mtu=1400",
		"route=10.0.0.0/8,172.16.0.5", "route=192.168.7.0/24,172.16.0.6",
		"static=52:54:00:00:00:01=172.16.0.200,guest", "pool=172.16.0.10-172.16.0.40",
		"allow-relay=yes",
	};
	struct in_addr base;
	uint32_t count;

	log_set_quiet(true);
	dhcp_config_defaults(&h.cfg);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (dhcp_config_set_option(&h.cfg, opts[i]))
			abort();
	if (dhcp_config_check(&h.cfg))
		abort();
	dhcp_subnet_range(&h.cfg, &base, &count);
	if (lease_store_open(&h.leases, NULL, base, count, 0))
		abort();
	dhcp_server_init(&h.srv, &h.cfg, h.leases);
}

/* check_record() - a journal line that parses must format and parse back to itself */
static void check_record(const uint8_t *data, size_t size)
{
	char line[LEASE_RECORD_MAX], again[LEASE_RECORD_MAX];
	struct lease_record r, back;

	if (size >= sizeof(line))
		return;
	memcpy(line, data, size);
	line[size] = '\0';
	if (lease_record_parse(line, &r))
		return;
	lease_record_format(&r, again);
	if (lease_record_parse(again, &back) || memcmp(&r, &back, sizeof(r)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[DHCP_REPLY_MAX];
	struct dhcp_msg req, back;
	struct dhcp_origin from;
	struct dhcp_reply rep;
	int64_t now;
	size_t n;

	if (!h.leases)
		setup();
	check_record(data, size);
	if (dhcp_parse(data, size, &req))
		return 0;
	/* Let the input move the clock too, so leases and offers expire. */
	now = 1700000000 + (int64_t)(req.secs * 60);
	/* And pick the interface, a TAP or a bridge, so the bounds (dhcp_bounds.c) run too. */
	from = (struct dhcp_origin){ .port = (int)(req.xid & 1), .one_guest = req.xid & 2 };
	dhcp_server_handle(&h.srv, &req, &from, req.flags & 1, now, &rep);
	if (!rep.answer.type)
		return 0;
	n = dhcp_build(&req, &rep.answer, out, sizeof(out));
	/* Every decided answer must build, fit the client's limit and parse back. */
	if (n < DHCP_BOOTP_MIN_LEN || n > dhcp_reply_limit(&req, sizeof(out)))
		abort();
	if (dhcp_parse(out, n, &back) || back.type != rep.answer.type || back.xid != req.xid ||
	    back.op != BOOTREPLY || back.client_id_len != req.client_id_len)
		abort();
	return 0;
}
