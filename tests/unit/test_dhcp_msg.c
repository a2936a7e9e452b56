// SPDX-License-Identifier: MIT
/* test_dhcp_msg.c - unit tests for the DHCP parser and reply builder, malformed input first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/escape.h"
#include "netsetup/dhcp/dhcp_msg.h"
#include "tests/unit/dhcp_packet.h"

/* parse_exact() - parse a heap copy of exactly @len bytes, so ASan sees any overread */
static int parse_exact(const uint8_t *b, size_t len, struct dhcp_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, b, len);
	r = dhcp_parse(copy, len, m);
	free(copy);
	return r;
}

static int parse_pkt(struct pkt *p, struct dhcp_msg *m)
{
	return parse_exact(p->b, p->len, m);
}

static void short_datagrams_refused(void **state)
{
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, 0, 1);
	for (size_t len = 0; len < 240; len++)
		assert_int_equal(parse_exact(p.b, len, &m), DHCP_PARSE_SHORT);
	/* 240 bytes is a header and cookie with no options at all: no END. */
	assert_int_equal(parse_exact(p.b, 240, &m), DHCP_PARSE_NO_END);
}

static void bad_cookie_refused(void **state)
{
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	p.b[239] ^= 1;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_COOKIE);
}

static void wrong_op_refused(void **state)
{
	static const uint8_t ops[] = { 0, 3, 4, 255 };
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_end(&p);
	for (size_t i = 0; i < sizeof(ops); i++) {
		p.b[0] = ops[i];
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_OP);
	}
}

static void odd_hardware_refused(void **state)
{
	static const uint8_t hlens[] = { 0, 7, 16, 17, 255 };
	static const uint8_t htypes[] = { 0, 6, 32, 255 };
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_end(&p);
	for (size_t i = 0; i < sizeof(hlens); i++) {
		p.b[2] = hlens[i];
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_HW);
	}
	p.b[2] = 6;
	for (size_t i = 0; i < sizeof(htypes); i++) {
		p.b[1] = htypes[i];
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_HW);
	}
}

static void option_past_end_refused(void **state)
{
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	/* A length that runs 1 byte past the datagram. */
	pkt_init(&p, DHCPDISCOVER, 1);
	p.b[p.len++] = 12;
	p.b[p.len++] = 5;
	memcpy(p.b + p.len, "abcd", 4);
	p.len += 4;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_TRUNCATED);
	/* A code as the very last byte, with no length byte. */
	pkt_init(&p, DHCPDISCOVER, 1);
	p.b[p.len++] = 12;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_TRUNCATED);
	/* The largest length. */
	pkt_init(&p, DHCPDISCOVER, 1);
	p.b[p.len++] = 61;
	p.b[p.len++] = 255;
	p.b[p.len++] = 1;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_TRUNCATED);
}

static void missing_end_and_only_pad_refused(void **state)
{
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 1);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_NO_END);
	pkt_init(&p, 0, 1);
	memset(p.b + p.len, 0, 300);
	p.len += 300;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_NO_END);
}

static void data_after_end_ignored(void **state)
{
	struct dhcp_msg m;
	struct pkt p;
	uint8_t request = DHCPREQUEST;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_end(&p);
	/* A second option 53 and a truncated option after END must not count. */
	pkt_opt(&p, 53, &request, 1);
	pkt_addr_opt(&p, 50, "172.16.0.99");
	p.b[p.len++] = 12;
	p.b[p.len++] = 200;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(m.type, DHCPDISCOVER);
	assert_false(m.has_requested_ip);
}

static void fixed_options_wrong_length_refused(void **state)
{
	static const uint8_t codes[] = { 50, 51, 54, 1 };
	static const uint8_t lens[] = { 0, 1, 3, 5, 8 };
	uint8_t junk[8] = { 0 };
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	for (size_t c = 0; c < sizeof(codes); c++) {
		for (size_t l = 0; l < sizeof(lens); l++) {
			pkt_init(&p, DHCPREQUEST, 1);
			pkt_opt(&p, codes[c], junk, lens[l]);
			pkt_end(&p);
			assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_LENGTH);
		}
	}
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 80, junk, 1);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_LENGTH);
}

static void message_type_checked(void **state)
{
	static const uint8_t bad[] = { 0, 9, 13, 255 };
	uint8_t two[2] = { 1, 1 }, type = DHCPREQUEST;
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, 0, 1);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_TYPE);	/* absent */
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 53, &type, 1);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_TYPE);	/* repeated */
	pkt_init(&p, 0, 1);
	pkt_opt(&p, 53, two, 2);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_TYPE);	/* length 2 */
	for (size_t i = 0; i < sizeof(bad); i++) {
		pkt_init(&p, bad[i], 1);
		if (!bad[i])
			pkt_opt(&p, 53, bad, 1);
		pkt_end(&p);
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_TYPE);
	}
	for (uint8_t t = DHCPDISCOVER; t <= DHCPINFORM; t++) {
		pkt_init(&p, t, 1);
		pkt_end(&p);
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
		assert_int_equal(m.type, t);
	}
}

/* overloaded() - a request whose options field holds only option 52 = @value */
static void overloaded(struct pkt *p, uint8_t value)
{
	pkt_init(p, 0, 1);
	pkt_opt(p, 52, &value, 1);
	pkt_end(p);
}

static void overload_fields_read_once(void **state)
{
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	/* 1: the type lives in file (offset 108). */
	overloaded(&p, 1);
	memcpy(p.b + 108, "\x35\x01\x03\x0c\x02hi\xff", 8);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(m.type, DHCPREQUEST);
	assert_memory_equal(m.hostname, "hi", 2);
	/* 2: in sname (offset 44); file is not read. */
	overloaded(&p, 2);
	memcpy(p.b + 44, "\x35\x01\x01\xff", 4);
	memcpy(p.b + 108, "\x35\x01\x03\xff", 4);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(m.type, DHCPDISCOVER);
	/* 3: both, file before sname (RFC 2131 §4.1), so sname's second 53 is a repeat. */
	overloaded(&p, 3);
	memcpy(p.b + 108, "\x35\x01\x03\xff", 4);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_NO_END);	/* sname has no END */
	memcpy(p.b + 44, "\x35\x01\x03\xff", 4);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_TYPE);
	memcpy(p.b + 44, "\x32\x04\xac\x10\x00\x07\xff", 7);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(m.requested_ip.s_addr, ip("172.16.0.7").s_addr);
}

static void overload_malformed_and_loops_refused(void **state)
{
	static const uint8_t values[] = { 0, 4, 255 };
	uint8_t two[2] = { 1, 1 }, one = 1;
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(values); i++) {
		overloaded(&p, values[i]);
		memcpy(p.b + 108, "\x35\x01\x03\xff", 4);
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_OVERLOAD);
	}
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 52, two, 2);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_OVERLOAD);
	/* Repeated in the options field. */
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 52, &one, 1);
	pkt_opt(&p, 52, &one, 1);
	pkt_end(&p);
	memcpy(p.b + 108, "\xff", 1);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_OVERLOAD);
	/* A loop: file overloads again (to itself, then to sname). */
	for (uint8_t v = 1; v <= 3; v++) {
		overloaded(&p, 1);
		p.b[108] = 53, p.b[109] = 1, p.b[110] = 1;
		p.b[111] = 52, p.b[112] = 1, p.b[113] = v, p.b[114] = 255;
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_OVERLOAD);
	}
	/* sname overloads to file. */
	overloaded(&p, 2);
	memcpy(p.b + 44, "\x35\x01\x01\x34\x01\x01\xff", 7);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_OVERLOAD);
	/* An option in sname that would run on into file is truncated, not followed. */
	overloaded(&p, 2);
	p.b[44 + 62] = 12, p.b[44 + 63] = 10;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_TRUNCATED);
	/* And in file, into the magic cookie. */
	overloaded(&p, 1);
	p.b[108 + 126] = 12, p.b[108 + 127] = 3;
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_TRUNCATED);
}

static void huge_param_list_capped(void **state)
{
	uint8_t list[255];
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < sizeof(list); i++)
		list[i] = (uint8_t)(i + 1);
	pkt_init(&p, DHCPDISCOVER, 1);
	for (int i = 0; i < 5; i++)
		pkt_opt(&p, 55, list, 255);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(m.prl_len, 255);
	assert_memory_equal(m.prl, list, 255);
	/* RFC 3396: split instances are concatenated. */
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 55, "\x01\x03", 2);
	pkt_opt(&p, 55, "\x06\x0f", 2);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(m.prl_len, 4);
	assert_true(dhcp_msg_asks_for(&m, 15));
	assert_false(dhcp_msg_asks_for(&m, 28));
}

static void max_size_below_576_ignored(void **state)
{
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 57, "\x01\xf4", 2);	/* 500 */
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(m.max_size, 0);
	assert_int_equal(dhcp_reply_limit(&m, 4096), 576 - 28);
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 57, "\x00\x00", 2);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(dhcp_reply_limit(&m, 4096), 576 - 28);
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 57, "\x03\xe8", 2);	/* 1000 */
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(dhcp_reply_limit(&m, 4096), 1000 - 28);
	assert_int_equal(dhcp_reply_limit(&m, 600), 600);
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 57, "\xff\xff", 2);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
	assert_int_equal(dhcp_reply_limit(&m, 65535), DHCP_REPLY_MAX);
	pkt_init(&p, DHCPDISCOVER, 1);
	pkt_opt(&p, 57, "\x03", 1);
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_BAD_LENGTH);
}

static void hostile_hostname_kept_raw_and_escapable(void **state)
{
	static const char *names[] = { "%n%n%s", "-rf", "a\nb\x1b[31m", "x\0y", "\r\n" };
	static const size_t lens[] = { 6, 3, 8, 3, 2 };
	char out[4 * DHCP_OPT_DATA_MAX + 1];
	struct dhcp_msg m;
	struct pkt p;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		pkt_init(&p, DHCPDISCOVER, 1);
		pkt_opt(&p, 12, names[i], (uint8_t)lens[i]);
		pkt_end(&p);
		assert_int_equal(parse_pkt(&p, &m), DHCP_PARSE_OK);
		assert_int_equal(m.hostname_len, lens[i]);
		assert_memory_equal(m.hostname, names[i], lens[i]);
		escape_text(out, sizeof(out), m.hostname, m.hostname_len);
		assert_null(strpbrk(out, "%\n\r\x1b "));
		assert_true(out[0] != '-');
	}
}

/* discover() - parse a Redox-style DISCOVER (option 53 only, broadcast flag) into @m */
static void discover(struct dhcp_msg *m, const void *extra, size_t extra_len)
{
	struct pkt p;

	pkt_init(&p, DHCPDISCOVER, 0x56);
	p.b[10] = 0x80;
	if (extra_len) {
		memcpy(p.b + p.len, extra, extra_len);
		p.len += extra_len;
	}
	pkt_end(&p);
	assert_int_equal(parse_pkt(&p, m), DHCP_PARSE_OK);
}

static const struct in_addr test_dns[2] = { { 0x01010101 }, { 0x09090909 } };

/* offer() - the answer the server would give in 172.16.0.0/24 */
static struct dhcp_answer offer(uint8_t type)
{
	struct dhcp_answer a = {
		.type = type, .yiaddr = ip("172.16.0.2"), .server_id = ip("172.16.0.1"),
		.lease_time = 3600, .netmask = ip("255.255.255.0"),
		.router = ip("172.16.0.1"), .broadcast = ip("172.16.0.255"),
		.dns = test_dns, .n_dns = 2,
	};
	return a;
}

static void reply_round_trip(void **state)
{
	struct dhcp_answer a = offer(DHCPOFFER);
	uint8_t buf[DHCP_REPLY_MAX];
	struct dhcp_msg req, rep;
	size_t n;

	(void)state;
	discover(&req, NULL, 0);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_int_equal(n, DHCP_BOOTP_MIN_LEN);	/* short replies are padded to 300 */
	assert_int_equal(parse_exact(buf, n, &rep), DHCP_PARSE_OK);
	assert_int_equal(rep.op, BOOTREPLY);
	assert_int_equal(rep.type, DHCPOFFER);
	assert_int_equal(rep.xid, 0x11223344);
	assert_int_equal(rep.flags, DHCP_FLAG_BROADCAST);
	assert_memory_equal(rep.chaddr, req.chaddr, 6);
	assert_int_equal(rep.yiaddr.s_addr, ip("172.16.0.2").s_addr);
	assert_true(rep.has_server_id && rep.server_id.s_addr == ip("172.16.0.1").s_addr);
	assert_true(rep.has_lease_time && rep.lease_time == 3600);
	assert_int_equal(rep.ciaddr.s_addr, 0);
	assert_int_equal(rep.client_id_len, 0);
	assert_false(rep.rapid_commit);
}

static void redox_gets_type_first_and_four_byte_options(void **state)
{
	static const uint8_t order[] = { 53, 54, 51, 1, 3, 6, 58, 59, 255 };
	struct dhcp_answer a = offer(DHCPACK);
	uint8_t buf[DHCP_REPLY_MAX], olen;
	struct dhcp_msg req;
	size_t n, pos = 240;

	(void)state;
	discover(&req, NULL, 0);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_true(n >= 300);
	for (size_t i = 0; i < sizeof(order); i++) {
		assert_int_equal(buf[pos], order[i]);
		if (order[i] == 255)
			break;
		if (order[i] == 53)
			assert_int_equal(buf[pos + 1], 1);
		else
			assert_int_equal(buf[pos + 1], 4);	/* 6 too: one DNS server */
		pos += 2u + buf[pos + 1];
	}
	assert_non_null(reply_opt(buf, n, 6, &olen));
	assert_int_equal(olen, 4);
	assert_null(reply_opt(buf, n, 28, &olen));	/* not asked for */
	/* A client that lists 6 in option 55 gets both servers. */
	discover(&req, "\x37\x01\x06", 3);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_non_null(reply_opt(buf, n, 6, &olen));
	assert_int_equal(olen, 8);
}

static void extras_only_when_asked(void **state)
{
	struct dhcp_route routes[1] = { { ip("10.0.0.0"), 8, ip("172.16.0.5") } };
	struct dhcp_answer a = offer(DHCPACK);
	uint8_t buf[DHCP_REPLY_MAX], olen;
	const uint8_t *o;
	struct dhcp_msg req;
	size_t n;

	(void)state;
	a.domain = "vm.example";
	a.mtu = 1400;
	a.hostname = (const uint8_t *)"redox";
	a.hostname_len = 5;
	a.routes = routes;
	a.n_routes = 1;
	discover(&req, NULL, 0);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	for (uint8_t c = 0; c < 255; c++)
		if (c != 53 && c != 54 && c != 51 && c != 1 && c != 3 && c != 6 && c != 58 && c != 59)
			assert_null(reply_opt(buf, n, c, &olen));
	discover(&req, "\x37\x06\x1c\x0f\x1a\x0c\x77\x79", 8);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_non_null(o = reply_opt(buf, n, 28, &olen));
	assert_memory_equal(o, "\xac\x10\x00\xff", 4);
	assert_non_null(o = reply_opt(buf, n, 15, &olen));
	assert_int_equal(olen, 10);
	assert_non_null(o = reply_opt(buf, n, 26, &olen));
	assert_memory_equal(o, "\x05\x78", 2);
	assert_non_null(o = reply_opt(buf, n, 12, &olen));
	assert_memory_equal(o, "redox", 5);
	assert_non_null(o = reply_opt(buf, n, 119, &olen));
	assert_int_equal(olen, 12);
	assert_memory_equal(o, "\x02vm\x07" "example\x00", 12);
	/* 10.0.0.0/8 via 172.16.0.5, then the default route via the router. */
	assert_non_null(o = reply_opt(buf, n, 121, &olen));
	assert_int_equal(olen, 6 + 5);
	assert_memory_equal(o, "\x08\x0a\xac\x10\x00\x05\x00\xac\x10\x00\x01", 11);
}

static void client_id_echoed(void **state)
{
	struct dhcp_answer a = offer(DHCPOFFER);
	uint8_t extra[2 + 255], buf[DHCP_REPLY_MAX], olen;
	const uint8_t *o;
	struct dhcp_msg req, rep;
	size_t n;

	(void)state;
	extra[0] = 61;
	extra[1] = 255;
	for (int i = 0; i < 255; i++)
		extra[2 + i] = (uint8_t)(i ^ 0x5a);
	discover(&req, extra, sizeof(extra));
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_true(n > 0 && n <= 548);
	assert_non_null(o = reply_opt(buf, n, 61, &olen));
	assert_int_equal(olen, 255);
	assert_memory_equal(o, extra + 2, 255);
	assert_int_equal(parse_exact(buf, n, &rep), DHCP_PARSE_OK);
	assert_int_equal(rep.client_id_len, 255);
}

static void max_size_respected(void **state)
{
	static struct dhcp_route routes[8];
	struct dhcp_answer a = offer(DHCPACK);
	uint8_t extra[4 + 4 + 2 + 150] = "\x37\x02\x0c\x79" "\x39\x02\x02\x40", buf[DHCP_REPLY_MAX], olen;
	struct dhcp_msg req;
	size_t n, at = 8;

	(void)state;
	for (int i = 0; i < 8; i++) {
		routes[i].len = 32;
		routes[i].gw = ip("172.16.0.9");
	}
	a.routes = routes;
	a.n_routes = 8;
	a.hostname = (const uint8_t *)"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk";
	a.hostname_len = 63;
	extra[at++] = 61;
	extra[at++] = 150;
	memset(extra + at, 'c', 150);
	at += 150;
	/* 57 = 576: 548 bytes for DHCP; 12 and 121 together do not fit beside the id. */
	discover(&req, extra, at);
	assert_int_equal(req.max_size, 576);
	for (size_t room = 548; room <= DHCP_REPLY_MAX; room += 462) {
		req.max_size = (uint16_t)(room + 28);
		n = dhcp_build(&req, &a, buf, sizeof(buf));
		assert_true(n <= room);
		assert_non_null(reply_opt(buf, n, 61, &olen));	/* the echo always fits */
		assert_non_null(reply_opt(buf, n, 12, &olen));
		if (room == 548)
			assert_null(reply_opt(buf, n, 121, &olen));
		else
			assert_non_null(reply_opt(buf, n, 121, &olen));
	}
	/* A buffer smaller than the BOOTP minimum builds nothing. */
	assert_int_equal(dhcp_build(&req, &a, buf, 299), 0);
}

static void rapid_commit_only_when_asked(void **state)
{
	struct dhcp_answer a = offer(DHCPACK);
	uint8_t buf[DHCP_REPLY_MAX], olen;
	struct dhcp_msg req;
	size_t n;

	(void)state;
	a.rapid_commit = true;
	discover(&req, NULL, 0);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_null(reply_opt(buf, n, 80, &olen));
	discover(&req, "\x50\x00", 2);
	assert_true(req.rapid_commit);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_non_null(reply_opt(buf, n, 80, &olen));
	assert_int_equal(olen, 0);
	a.rapid_commit = false;
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_null(reply_opt(buf, n, 80, &olen));
	a = offer(DHCPOFFER);
	a.rapid_commit = true;
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_null(reply_opt(buf, n, 80, &olen));
}

static void echoes_always_fit_in_576(void **state)
{
	struct dhcp_answer a = offer(DHCPACK);
	uint8_t extra[3 + 2 + 2 + 255], buf[DHCP_REPLY_MAX], olen;
	struct dhcp_msg req;
	size_t n;

	(void)state;
	/* Found by fuzz_dhcp: rapid commit, a 255-byte client id and a request for every
	 * DNS server left one byte too few; the second server now gives way. */
	memcpy(extra, "\x37\x01\x06\x50\x00\x3d\xff", 7);
	memset(extra + 7, 'i', 255);
	discover(&req, extra, sizeof(extra));
	a.rapid_commit = true;
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_true(n > 0 && n <= 548);
	assert_non_null(reply_opt(buf, n, 61, &olen));
	assert_int_equal(olen, 255);
	assert_non_null(reply_opt(buf, n, 80, &olen));
	assert_non_null(reply_opt(buf, n, 6, &olen));
	assert_int_equal(olen, 4);
	assert_non_null(reply_opt(buf, n, 59, &olen));
}

static void nak_and_inform_ack_carry_only_their_options(void **state)
{
	struct dhcp_answer a = {
		.type = DHCPNAK, .server_id = ip("172.16.0.1"), .yiaddr = ip("172.16.0.9"),
		.message = "requested address is not yours",
	};
	uint8_t buf[DHCP_REPLY_MAX], olen;
	const uint8_t *o;
	struct dhcp_msg req;
	size_t n;

	(void)state;
	discover(&req, "\x3d\x03\x01\x02\x03", 5);
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_int_equal(buf[240], 53);
	assert_int_equal(buf[242], DHCPNAK);
	assert_memory_equal(buf + 16, "\0\0\0\0", 4);	/* yiaddr */
	assert_non_null(reply_opt(buf, n, 54, &olen));
	assert_non_null(o = reply_opt(buf, n, 56, &olen));
	assert_memory_equal(o, a.message, strlen(a.message));
	assert_non_null(reply_opt(buf, n, 61, &olen));
	for (uint8_t c = 1; c < 255; c++)
		if (c != 53 && c != 54 && c != 56 && c != 61)
			assert_null(reply_opt(buf, n, c, &olen));
	/* INFORM's ACK: no lease time, no T1/T2 (RFC 2131 table 3), no yiaddr. */
	a = offer(DHCPACK);
	a.lease_time = 0;
	a.yiaddr.s_addr = 0;
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_null(reply_opt(buf, n, 51, &olen));
	assert_null(reply_opt(buf, n, 58, &olen));
	assert_null(reply_opt(buf, n, 59, &olen));
	assert_non_null(reply_opt(buf, n, 1, &olen));
	assert_memory_equal(buf + 16, "\0\0\0\0", 4);
}

static void nak_message_gives_way_to_client_id(void **state)
{
	struct dhcp_answer a = {
		.type = DHCPNAK, .server_id = ip("172.16.0.1"),
		.message = "address is the network or broadcast address",
	};
	uint8_t extra[2 + 255], buf[DHCP_REPLY_MAX], olen;
	const uint8_t *o;
	struct dhcp_msg req, back;
	size_t n;

	(void)state;
	/* Found by fuzz_dhcp: a 255-byte client id in a 576-byte client left room for
	 * only 39 bytes of option 56, and the whole NAK was dropped for its text. */
	memcpy(extra, "\x3d\xff", 2);
	memset(extra + 2, 'i', 255);
	discover(&req, extra, sizeof(extra));
	n = dhcp_build(&req, &a, buf, sizeof(buf));
	assert_true(n >= DHCP_BOOTP_MIN_LEN && n <= dhcp_reply_limit(&req, sizeof(buf)));
	assert_int_equal(parse_exact(buf, n, &back), DHCP_PARSE_OK);
	assert_int_equal(back.type, DHCPNAK);
	assert_int_equal(back.client_id_len, 255);
	assert_non_null(o = reply_opt(buf, n, 56, &olen));
	assert_in_range(olen, 1, strlen(a.message) - 1);
	assert_memory_equal(o, a.message, olen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_datagrams_refused),
		cmocka_unit_test(bad_cookie_refused),
		cmocka_unit_test(wrong_op_refused),
		cmocka_unit_test(odd_hardware_refused),
		cmocka_unit_test(option_past_end_refused),
		cmocka_unit_test(missing_end_and_only_pad_refused),
		cmocka_unit_test(data_after_end_ignored),
		cmocka_unit_test(fixed_options_wrong_length_refused),
		cmocka_unit_test(message_type_checked),
		cmocka_unit_test(overload_fields_read_once),
		cmocka_unit_test(overload_malformed_and_loops_refused),
		cmocka_unit_test(huge_param_list_capped),
		cmocka_unit_test(max_size_below_576_ignored),
		cmocka_unit_test(hostile_hostname_kept_raw_and_escapable),
		cmocka_unit_test(reply_round_trip),
		cmocka_unit_test(redox_gets_type_first_and_four_byte_options),
		cmocka_unit_test(extras_only_when_asked),
		cmocka_unit_test(client_id_echoed),
		cmocka_unit_test(max_size_respected),
		cmocka_unit_test(rapid_commit_only_when_asked),
		cmocka_unit_test(echoes_always_fit_in_576),
		cmocka_unit_test(nak_and_inform_ack_carry_only_their_options),
		cmocka_unit_test(nak_message_gives_way_to_client_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
