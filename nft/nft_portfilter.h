/* SPDX-License-Identifier: MIT */
/* nft_portfilter.h - the bridge redox_net table: what a VM port on the bridge may send */
#ifndef REDOX_NET_NFT_PORTFILTER_H
#define REDOX_NET_NFT_PORTFILTER_H

#include <stdbool.h>
#include <stdint.h>

#define RN_PF_FAMILY_NAME "bridge"
#define RN_PF_TABLE "redox_net"
#define RN_PF_JOURNAL_OBJECT RN_PF_FAMILY_NAME "/" RN_PF_TABLE
/* Port name . guest MAC, one element per VM port, added by the setuid helper. */
#define RN_PF_SET_MAC "guest_mac"
/* Port name . leased address, learned from the DHCPACKs the host sends out a port. */
#define RN_PF_SET_IP "guest_ip"
/* Every VM port's name starts with this (helper/bridge_tap.c bridge_tap_name()). */
#define RN_PF_PORT_PREFIX "rn"
/* Key lengths: a name is 16 bytes, an address is rounded up to 4-byte registers. */
#define RN_PF_MAC_KEY_LEN 24
#define RN_PF_IP_KEY_LEN 20
#define RN_PF_DIGEST_LEN 17

/**
 * struct port_filter - what the bridge table is built from
 * @bind_ip:	bind ARP and IPv4 sources to the addresses leased on the port
 *		(only with --dhcp: without a responder nothing is ever learned)
 * @lease_time:	seconds a learned address stays bound after its last DHCPACK
 */
struct port_filter {
	bool bind_ip;
	uint32_t lease_time;
};

void nft_portfilter_digest(const struct port_filter *pf, char out[RN_PF_DIGEST_LEN]);
unsigned int nft_portfilter_rule_total(const struct port_filter *pf);
int nft_portfilter_apply(const struct port_filter *pf);
int nft_portfilter_remove(void);
int nft_portfilter_rule_count(unsigned int *rules);

#endif
