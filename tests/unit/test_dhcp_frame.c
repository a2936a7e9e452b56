// SPDX-License-Identifier: MIT
/* test_dhcp_frame.c - unit tests for the IPv4/UDP headers of replies sent to the client's MAC */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netsetup/dhcp/dhcp_frame.h"

/*
 * The kernel's own UDP broadcast, captured from a TAP with no checksum offload
 * (IFF_TAP, no TUNSETOFFLOAD): 172.16.0.1:67 -> 255.255.255.255:68, payload
 * bytes 0..249 then "redox" (255 bytes, an odd length).  Its identification was
 * 0xa4d0; dhcp_frame_build() writes 0, so its header checksum is 0xe8f0 + 0xa4d0
 * taken back out, 0x8dc1 (worked out by hand, and with Python).
 */
static const uint8_t kernel_ip[DHCP_FRAME_IP_LEN] = {
	0x45, 0x00, 0x01, 0x1b, 0xa4, 0xd0, 0x40, 0x00, 0x40, 0x11, 0xe8, 0xf0,
	0xac, 0x10, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff,
};
static const uint8_t want_headers[DHCP_IP_UDP_HEADERS] = {
	0x45, 0x00, 0x01, 0x1b, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x8d, 0xc1,
	0xac, 0x10, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff,
	0x00, 0x43, 0x00, 0x44, 0x01, 0x07, 0x39, 0x2d,	/* UDP checksum as the kernel sent it */
};

static struct dhcp_frame_addr broadcast_reply(void)
{
	struct dhcp_frame_addr a = { .sport = 67, .dport = 68 };

	inet_pton(AF_INET, "172.16.0.1", &a.src);
	a.dst.s_addr = htonl(INADDR_BROADCAST);
	return a;
}

static void sum_follows_rfc1071(void **state)
{
	/* RFC 1071 §3's example: the words sum to 0x2ddf0, which folds to 0xddf2. */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };

	(void)state;
	assert_int_equal(inet_sum(0, rfc, sizeof(rfc)), 0xddf2);
	assert_int_equal(inet_fold(0x2ddf0), 0x220d);
	assert_int_equal(inet_fold(inet_sum(0, rfc, sizeof(rfc))), 0x220d);
	/* Chained in even-sized chunks, the sum is the same. */
	assert_int_equal(inet_sum(inet_sum(0, rfc, 2), rfc + 2, 6), inet_sum(0, rfc, sizeof(rfc)));
	/* An odd last byte is the high half of a word padded with zero. */
	assert_int_equal(inet_sum(0, odd, sizeof(odd)), 0x0102 + 0x0300);
	assert_int_equal(inet_fold(0), 0xffff);
	assert_int_equal(inet_fold(0xffff), 0);
}

static void ip_checksum_matches_the_kernels(void **state)
{
	uint8_t ip[DHCP_FRAME_IP_LEN];

	(void)state;
	/* Over a header with its checksum in place, the sum checks out as 0. */
	assert_int_equal(inet_fold(inet_sum(0, kernel_ip, sizeof(kernel_ip))), 0);
	memcpy(ip, kernel_ip, sizeof(ip));
	ip[10] = ip[11] = 0;
	assert_int_equal(inet_fold(inet_sum(0, ip, sizeof(ip))), 0xe8f0);
}

static void headers_match_the_kernels_broadcast(void **state)
{
	struct dhcp_frame_addr a = broadcast_reply();
	uint8_t payload[255], pkt[DHCP_FRAME_MAX];

	(void)state;
	for (size_t i = 0; i < 250; i++)
		payload[i] = (uint8_t)i;
	memcpy(payload + 250, "redox", 5);
	assert_int_equal(dhcp_frame_build(&a, payload, sizeof(payload), pkt, sizeof(pkt)),
			 DHCP_IP_UDP_HEADERS + sizeof(payload));
	assert_memory_equal(pkt, want_headers, sizeof(want_headers));
	assert_memory_equal(pkt + DHCP_IP_UDP_HEADERS, payload, sizeof(payload));
}

/* A receiver's checks: the header sums to 0, and so do pseudo-header + UDP datagram. */
static void frame_verifies(const uint8_t *pkt, size_t total)
{
	uint8_t pseudo[12] = { 0 };
	size_t udp_len = total - DHCP_FRAME_IP_LEN;

	assert_int_equal(pkt[0], 0x45);
	assert_int_equal(pkt[8], 64);
	assert_int_equal(pkt[9], 17);
	assert_int_equal((size_t)(pkt[2] << 8 | pkt[3]), total);
	assert_int_equal(inet_fold(inet_sum(0, pkt, DHCP_FRAME_IP_LEN)), 0);
	memcpy(pseudo, pkt + 12, 8);
	pseudo[9] = 17;
	pseudo[10] = (uint8_t)(udp_len >> 8);
	pseudo[11] = (uint8_t)udp_len;
	assert_int_equal((size_t)(pkt[24] << 8 | pkt[25]), udp_len);
	assert_int_equal(inet_fold(inet_sum(inet_sum(0, pseudo, sizeof(pseudo)),
					    pkt + DHCP_FRAME_IP_LEN, udp_len)), 0);
}

static void every_length_verifies(void **state)
{
	struct dhcp_frame_addr a = broadcast_reply();
	uint8_t payload[DHCP_REPLY_MAX], pkt[DHCP_FRAME_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 151 + 7);
	for (size_t len = 0; len <= sizeof(payload); len += len < 300 ? 1 : 97) {
		size_t n = dhcp_frame_build(&a, payload, len, pkt, sizeof(pkt));

		assert_int_equal(n, DHCP_IP_UDP_HEADERS + len);
		frame_verifies(pkt, n);
	}
}

static void zero_udp_checksum_is_sent_as_all_ones(void **state)
{
	/* With this payload the UDP sum is 0xffff, so its checksum computes to 0. */
	static const uint8_t payload[2] = { 0x53, 0x42 };
	struct dhcp_frame_addr a = broadcast_reply();
	uint8_t pkt[64];

	(void)state;
	assert_int_equal(dhcp_frame_build(&a, payload, sizeof(payload), pkt, sizeof(pkt)), 30);
	assert_int_equal(pkt[26], 0xff);
	assert_int_equal(pkt[27], 0xff);
	frame_verifies(pkt, 30);
}

static void too_long_is_refused(void **state)
{
	static uint8_t payload[70000], pkt[70000];
	struct dhcp_frame_addr a = broadcast_reply();

	(void)state;
	assert_int_equal(dhcp_frame_build(&a, payload, 100, pkt, DHCP_IP_UDP_HEADERS + 99), 0);
	assert_int_equal(dhcp_frame_build(&a, payload, 100, pkt, DHCP_IP_UDP_HEADERS + 100), 128);
	assert_int_equal(dhcp_frame_build(&a, payload, 0xffff - 27, pkt, sizeof(pkt)), 0);
	assert_int_equal(dhcp_frame_build(&a, payload, 0xffff - 28, pkt, sizeof(pkt)), 0xffff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sum_follows_rfc1071),
		cmocka_unit_test(ip_checksum_matches_the_kernels),
		cmocka_unit_test(headers_match_the_kernels_broadcast),
		cmocka_unit_test(every_length_verifies),
		cmocka_unit_test(zero_udp_checksum_is_sent_as_all_ones),
		cmocka_unit_test(too_long_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
