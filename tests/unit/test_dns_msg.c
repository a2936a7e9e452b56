// SPDX-License-Identifier: MIT
/* test_dns_msg.c - unit tests for the DNS forwarder's message checks, resolv.conf reader and default DNS */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dns/dns_msg.h"
#include "netsetup/dns/dns_upstream.h"

/* dig's query for WWW.Example.com A with EDNS (bufsize 1232), id 0x1234. */
static const uint8_t query[] = {
	0x12, 0x34, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	3, 'W', 'W', 'W', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* The answer: the question in lower case, one A record by pointer to it, 93.184.216.34. */
static const uint8_t answer[] = {
	0x56, 0x78, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 93, 184, 216, 34,
};

static void query_and_answer_match_across_case(void **state)
{
	struct dns_question q, a;

	(void)state;
	assert_int_equal(dns_parse_query(query, sizeof(query), &q), DNS_OK);
	assert_int_equal(q.name_len, 17);
	assert_int_equal(q.qtype, 1);
	assert_int_equal(dns_get_id(query), 0x1234);
	assert_int_equal(dns_parse_answer(answer, sizeof(answer), &a), DNS_OK);
	assert_true(dns_question_equal(&q, &a));
	assert_false(dns_truncated(answer));
}

static void bad_queries_are_refused(void **state)
{
	uint8_t m[sizeof(query) + 1];
	struct dns_question q;

	(void)state;
	assert_int_equal(dns_parse_query(query, 11, &q), DNS_E_SHORT);
	memcpy(m, query, sizeof(query));
	m[2] |= 0x80;
	assert_int_equal(dns_parse_query(m, sizeof(query), &q), DNS_E_DIRECTION);
	memcpy(m, query, sizeof(query));
	m[2] |= 0x28;	/* opcode 5, UPDATE */
	assert_int_equal(dns_parse_query(m, sizeof(query), &q), DNS_E_OPCODE);
	memcpy(m, query, sizeof(query));
	m[7] = 1;	/* an answer record in a query */
	assert_int_equal(dns_parse_query(m, sizeof(query), &q), DNS_E_COUNTS);
	memcpy(m, query, sizeof(query));
	m[12] = 0xc0;	/* a pointer in the question */
	assert_int_equal(dns_parse_query(m, sizeof(query), &q), DNS_E_NAME);
	memcpy(m, query, sizeof(query));
	m[12] = 60;	/* a label past the end */
	assert_int_equal(dns_parse_query(m, sizeof(query), &q), DNS_E_SHORT);
	memcpy(m, query, sizeof(query));
	m[sizeof(query)] = 0;
	assert_int_equal(dns_parse_query(m, sizeof(m), &q), DNS_E_TRAILING);
}

static void pointer_loops_and_forward_pointers_are_refused(void **state)
{
	uint8_t m[sizeof(answer)];
	struct dns_question a;

	(void)state;
	memcpy(m, answer, sizeof(m));
	m[34] = 33;	/* the record's name points at itself */
	assert_int_equal(dns_parse_answer(m, sizeof(m), &a), DNS_E_NAME);
	m[34] = 40;	/* forwards */
	assert_int_equal(dns_parse_answer(m, sizeof(m), &a), DNS_E_NAME);
	assert_int_equal(dns_parse_answer(answer, sizeof(answer) - 1, &a), DNS_E_SHORT);
}

static void truncated_answer_needs_only_its_question(void **state)
{
	uint8_t m[sizeof(answer)];
	struct dns_question a;

	(void)state;
	memcpy(m, answer, sizeof(m));
	m[2] |= 0x02;
	assert_int_equal(dns_parse_answer(m, 40, &a), DNS_OK);
	assert_true(dns_truncated(m));
}

static void servfail_repeats_the_question(void **state)
{
	struct dns_question q, a;
	uint8_t out[DNS_QUERY_MAX];
	size_t n;

	(void)state;
	assert_int_equal(dns_parse_query(query, sizeof(query), &q), DNS_OK);
	n = dns_build_servfail(query, sizeof(query), &q, out, sizeof(out));
	assert_int_equal(n, 12 + 17 + 4);
	assert_int_equal(dns_parse_answer(out, n, &a), DNS_OK);
	assert_true(dns_question_equal(&q, &a));
	assert_int_equal(out[3] & 0x0f, DNS_RCODE_SERVFAIL);
	assert_int_equal(dns_get_id(out), 0x1234);
	assert_int_equal(out[11], 0);	/* the EDNS record is not echoed */
}

static void resolv_conf_keeps_usable_servers_only(void **state)
{
	struct sockaddr_storage s[DNS_UPSTREAM_MAX];
	socklen_t len[DNS_UPSTREAM_MAX];
	struct in_addr self;

	(void)state;
	inet_pton(AF_INET, "172.16.0.1", &self);
	assert_int_equal(dns_upstream_parse("# comment\nsearch x\nnameserver 0.0.0.0\nnameserver 172.16.0.1\n"
					    "nameserver fe80::1%eth0\nnameserver 224.0.0.1\n", self, s, len,
					    DNS_UPSTREAM_MAX), 0);
	assert_int_equal(dns_upstream_parse("nameserver 127.0.0.53\noptions edns0\n  nameserver\t2001:db8::1\n"
					    "nameserver 10.0.0.1\nnameserver 10.0.0.2\n", self, s, len,
					    DNS_UPSTREAM_MAX), 3);
	assert_int_equal(s[0].ss_family, AF_INET);
	assert_int_equal(((struct sockaddr_in *)&s[0])->sin_addr.s_addr, htonl(0x7f000035));
	assert_int_equal(ntohs(((struct sockaddr_in *)&s[0])->sin_port), 53);
	assert_int_equal(s[1].ss_family, AF_INET6);
	assert_int_equal(len[1], sizeof(struct sockaddr_in6));
}

static void default_dns_is_the_router_unless_told(void **state)
{
	struct dhcp_config c;

	(void)state;
	dhcp_config_defaults(&c);
	assert_true(c.dns_forward);
	assert_int_equal(c.n_dns, 1);
	assert_int_equal(c.dns[0].s_addr, htonl(0xac100001));
	assert_null(dhcp_config_set(&c, "server", "10.7.0.1/24"));
	assert_int_equal(c.dns[0].s_addr, htonl(0x0a070001));
	assert_null(dhcp_config_set(&c, "dns-forward", "no"));
	assert_int_equal(c.dns[0].s_addr, htonl(0x01010101));
	assert_null(dhcp_config_set(&c, "dns-forward", "yes"));
	assert_null(dhcp_config_set(&c, "dns", "9.9.9.9"));
	assert_int_equal(c.dns[0].s_addr, htonl(0x09090909));
	assert_null(dhcp_config_set(&c, "server", "10.8.0.1/24"));
	assert_int_equal(c.dns[0].s_addr, htonl(0x09090909));
	assert_non_null(dhcp_config_set(&c, "dns-forward", "maybe"));
	assert_non_null(dhcp_config_set(&c, "resolv-conf", "relative/resolv.conf"));
	assert_null(dhcp_config_set_option(&c, "resolv-conf=/run/x/resolv.conf"));
	assert_string_equal(c.resolv_conf, "/run/x/resolv.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_and_answer_match_across_case),
		cmocka_unit_test(bad_queries_are_refused),
		cmocka_unit_test(pointer_loops_and_forward_pointers_are_refused),
		cmocka_unit_test(truncated_answer_needs_only_its_question),
		cmocka_unit_test(servfail_repeats_the_question),
		cmocka_unit_test(resolv_conf_keeps_usable_servers_only),
		cmocka_unit_test(default_dns_is_the_router_unless_told),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
