// SPDX-License-Identifier: MIT
/* dhcp_frame.c - the IPv4 and UDP headers of a reply sent as a frame to the client's MAC */
#include <netinet/ip.h>
#include <string.h>

#include "netsetup/dhcp/dhcp_frame.h"

#define IP_TTL_DEFAULT	64	/* what the kernel's own sockets use (net.ipv4.ip_default_ttl) */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/**
 * inet_sum() - add bytes to a one's complement sum of 16-bit words (RFC 1071)
 * @sum:	the sum so far, 0 to start
 * @p:		bytes, read as big-endian words
 * @len:	how many; an odd last byte counts as its word's high half
 *
 * The result is folded to at most 17 bits, so sums can be chained without
 * overflow.  Every chunk but the last must have an even length.
 *
 * Return: the new sum, for inet_fold() or another inet_sum().
 */
uint32_t inet_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	uint64_t s = sum;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

/**
 * inet_fold() - the Internet checksum of a sum: carries folded in, then complemented
 * @sum:	from inet_sum()
 *
 * Return: the checksum, host byte order.
 */
uint16_t inet_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * dhcp_frame_build() - an IPv4 packet carrying one UDP datagram, checksums included
 * @a:		addresses and ports
 * @payload:	the DHCP reply
 * @len:	its length
 * @pkt:	where the packet goes (it must not overlap @payload)
 * @size:	room in @pkt
 *
 * What an AF_PACKET SOCK_DGRAM socket sends below the Ethernet header the kernel
 * writes: the same packet the UDP socket's broadcast would be, so a client that
 * asked for broadcast replies still gets an IP broadcast (RFC 2131 §4.1).  No IP
 * options, TTL 64, DF set and identification 0, which RFC 6864 §4.1 allows for a
 * datagram that is never fragmented.  The UDP checksum covers the pseudo-header
 * (RFC 768); one that comes out 0 is sent as 0xffff, since 0 means "none".
 *
 * Return: the packet's length, or 0 if it does not fit in @size or in 64 KiB.
 */
size_t dhcp_frame_build(const struct dhcp_frame_addr *a, const uint8_t *payload, size_t len,
			uint8_t *pkt, size_t size)
{
	size_t udp_len = DHCP_FRAME_UDP_LEN + len, total = DHCP_FRAME_IP_LEN + udp_len;
	uint8_t *ip = pkt, *udp = pkt + DHCP_FRAME_IP_LEN, pseudo[12];
	uint16_t csum;

	if (len > size || total > size || total > 0xffff)
		return 0;
	memset(pkt, 0, DHCP_FRAME_IP_LEN + DHCP_FRAME_UDP_LEN);
	ip[0] = 0x45;			/* version 4, header of 5 words */
	put16(ip + 2, (uint16_t)total);
	put16(ip + 6, IP_DF);
	ip[8] = IP_TTL_DEFAULT;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &a->src.s_addr, 4);
	memcpy(ip + 16, &a->dst.s_addr, 4);
	put16(ip + 10, inet_fold(inet_sum(0, ip, DHCP_FRAME_IP_LEN)));

	put16(udp, a->sport);
	put16(udp + 2, a->dport);
	put16(udp + 4, (uint16_t)udp_len);
	memcpy(udp + DHCP_FRAME_UDP_LEN, payload, len);
	memcpy(pseudo, ip + 12, 8);	/* source and destination address */
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	put16(pseudo + 10, (uint16_t)udp_len);
	csum = inet_fold(inet_sum(inet_sum(0, pseudo, sizeof(pseudo)), udp, udp_len));
	put16(udp + 6, csum ? csum : 0xffff);
	return total;
}
