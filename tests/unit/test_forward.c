// SPDX-License-Identifier: MIT
/* test_forward.c - unit tests for port forwards: parsing, subnet checks, the ruleset digest */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/forward.h"
#include "nft/nft_ruleset.h"

static void forward_parse_accepts_and_round_trips(void **state)
{
	const char *good[] = { "tcp:2222:172.16.0.2:22", "udp:1:172.16.0.254:65535",
			       "tcp:65535:10.0.0.9:1" };
	char text[RN_FORWARD_STRLEN];
	struct port_forward f;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_null(forward_parse(good[i], &f));
		forward_format(&f, text);
		assert_string_equal(text, good[i]);
	}
	assert_null(forward_parse("tcp:2222:172.16.0.2:22", &f));
	assert_int_equal(f.proto, IPPROTO_TCP);
	assert_int_equal(f.host_port, 2222);
	assert_int_equal(f.guest_port, 22);
	assert_int_equal(f.guest.s_addr, htonl(0xac100002));
}

static void forward_parse_refuses(void **state)
{
	const char *bad[] = { "", "tcp", "tcp:2222:172.16.0.2", "tcp:2222:172.16.0.2:22:1",
			      "TCP:2222:172.16.0.2:22", "sctp:2222:172.16.0.2:22",
			      "tcp:0:172.16.0.2:22", "tcp:65536:172.16.0.2:22", "tcp:2222:172.16.0.2:0",
			      "tcp:02222:172.16.0.2:22", "tcp:+22:172.16.0.2:22", "tcp::172.16.0.2:22",
			      "tcp:2222:172.16.0:22", "tcp:2222:172.16.0.02:22", "tcp:2222::22",
			      "tcp:2222:172.16.0.2: 22", "tcp:2222:172.16.0.2:22 ",
			      "tcp:2222:172.16.000000000000000000000000.2:22" };
	struct port_forward f;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_non_null(forward_parse(bad[i], &f));
}

static void forward_guest_must_be_a_guest(void **state)
{
	struct rn_prefix net;
	struct port_forward f;

	(void)state;
	assert_null(prefix_parse("172.16.0.1/24", &net));
	assert_null(forward_parse("tcp:1:172.16.0.2:1", &f));
	assert_null(forward_subnet_problem(&f, &net));
	assert_null(forward_parse("tcp:1:172.16.0.254:1", &f));
	assert_null(forward_subnet_problem(&f, &net));
	const char *outside[] = { "tcp:1:172.16.0.1:1", "tcp:1:172.16.0.0:1", "tcp:1:172.16.0.255:1",
				  "tcp:1:172.16.1.2:1", "tcp:1:10.0.0.2:1" };
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		assert_null(forward_parse(outside[i], &f));
		assert_non_null(forward_subnet_problem(&f, &net));
	}
}

static void digest_follows_the_forward_list(void **state)
{
	struct port_forward fw[2];
	struct nft_ruleset rs = { .ifname = "tap0", .uplink = "" };
	char none[RN_NFT_DIGEST_LEN], one[RN_NFT_DIGEST_LEN], two[RN_NFT_DIGEST_LEN];
	char again[RN_NFT_DIGEST_LEN];

	(void)state;
	assert_null(prefix_parse("172.16.0.1/24", &rs.subnet));
	assert_null(forward_parse("tcp:2222:172.16.0.2:22", &fw[0]));
	assert_null(forward_parse("udp:5353:172.16.0.3:53", &fw[1]));
	nft_ruleset_digest(&rs, none);
	rs.forwards = fw;
	rs.n_forwards = 1;
	nft_ruleset_digest(&rs, one);
	rs.n_forwards = 2;
	nft_ruleset_digest(&rs, two);
	nft_ruleset_digest(&rs, again);
	assert_string_equal(two, again);
	assert_string_not_equal(none, one);
	assert_string_not_equal(one, two);
	fw[1].guest_port = 54;
	nft_ruleset_digest(&rs, again);
	assert_string_not_equal(two, again);
	assert_int_equal(nft_ruleset_rule_total(&rs), 3 + 2 + 4);
	rs.n_forwards = 0;
	assert_int_equal(nft_ruleset_rule_total(&rs), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forward_parse_accepts_and_round_trips),
		cmocka_unit_test(forward_parse_refuses),
		cmocka_unit_test(forward_guest_must_be_a_guest),
		cmocka_unit_test(digest_follows_the_forward_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
