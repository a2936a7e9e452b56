/* SPDX-License-Identifier: MIT */
/* dhcp_frame.h - the IPv4 and UDP headers of a reply sent as a frame to the client's MAC */
#ifndef REDOX_NET_DHCP_FRAME_H
#define REDOX_NET_DHCP_FRAME_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "netsetup/dhcp/dhcp_msg.h"

#define DHCP_FRAME_IP_LEN	20	/* IPv4 header without options */
#define DHCP_FRAME_UDP_LEN	8
#define DHCP_FRAME_MAX		(DHCP_IP_UDP_HEADERS + DHCP_REPLY_MAX)	/* 1500, one MTU */

/**
 * struct dhcp_frame_addr - the addresses and ports of one datagram
 * @src:	source address
 * @dst:	destination address
 * @sport:	source UDP port, host byte order
 * @dport:	destination UDP port, host byte order
 */
struct dhcp_frame_addr {
	struct in_addr src, dst;
	uint16_t sport, dport;
};

uint32_t inet_sum(uint32_t sum, const uint8_t *p, size_t len);
uint16_t inet_fold(uint32_t sum);
size_t dhcp_frame_build(const struct dhcp_frame_addr *a, const uint8_t *payload, size_t len,
			uint8_t *pkt, size_t size);

#endif
