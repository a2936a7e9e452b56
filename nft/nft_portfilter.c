// SPDX-License-Identifier: MIT
/* nft_portfilter.c - the bridge redox_net table: what a VM port on the bridge may send */
#include <errno.h>
#include <arpa/inet.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"
#include "nft/nft_portfilter.h"
#include "nft/nft_sock.h"

/*
 * The layout, in nft's words (iifname "rn*" is every VM port, nothing else):
 *
 *   chain ports_in  { type filter hook prerouting priority -200; iifname "rn*" goto guest_in }
 *   chain guest_in  { iifname . ether saddr != @guest_mac counter drop
 *                     ether type arp goto guest_arp;  ether type ip goto guest_ip4;  counter drop }
 *   chain guest_arp { arp header is Ethernet/IPv4, iifname . arp saddr ether @guest_mac,
 *                     arp saddr ip 0.0.0.0 accept, or iifname . arp saddr ip @guest_ip accept
 *                     counter drop }
 *   chain guest_ip4 { a first fragment to udp port 67: counter drop
 *                     udp dport 67 jump guest_dhcp
 *                     ip saddr 0.0.0.0 udp sport 68 dport 67 accept
 *                     ip daddr 255.255.255.255 udp sport 68 dport 67 accept
 *                     iifname . ip saddr @guest_ip accept;  counter drop }
 *   chain guest_dhcp { iifname . @th,288,48 (chaddr) @guest_mac return;  counter drop }
 *   chain ports_out { type filter hook output priority -200; oifname "rn*" goto guest_out }
 *   chain guest_out { a DHCPACK the host itself sent, to a chaddr on this port:
 *                       update @guest_ip { oifname . yiaddr timeout LEASE }
 *                     ether daddr is group: accept
 *                     oifname . ether daddr @guest_mac accept;  counter drop }
 *
 * Without --dhcp (bind_ip false) the address rules give way to a plain accept: nothing would
 * ever fill @guest_ip, so binding addresses would cut every guest off.
 *
 * Everything is a positive match followed by a drop: a payload load that fails (a
 * truncated ARP or DHCP message, a later fragment) ends its rule without a match, and
 * falls through to the drop instead of past a "!= ... drop".
 */

/* nft's datatype numbers, so that `nft list` shows the keys by name (TYPE_BITS = 6). */
#define TYPE_IPADDR 7
#define TYPE_ETHERADDR 9
#define TYPE_IFNAME 41
#define CONCAT_TYPE(a, b) (((a) << 6) | (b))
#define SET_MAC_ID 1
#define SET_IP_ID 2
/* Dynamic elements are bounded: no more than one address per port is ever leased. */
#define SET_IP_SIZE 65536
#define MAX_PF_RULES 24

/* The fixed part of an ARP packet for Ethernet and IPv4: htype 1, ptype 0x0800, 6, 4. */
static const uint8_t arp_eth_ipv4[6] = { 0, 1, 8, 0, 6, 4 };
/* The DHCP magic cookie and option 53 = ACK: our responder puts option 53 first
 * (dhcp_msg.c), so one compare at a fixed offset recognises its ACKs. */
static const uint8_t cookie_ack[7] = { 99, 130, 83, 99, 53, 1, 5 };
/* UDP header offsets inside the transport header; BOOTP fields after the 8-byte UDP header. */
#define TH_PORTS 0
#define TH_DPORT 2
#define TH_BOOTP_OP 8
#define TH_YIADDR (8 + 16)
#define TH_CHADDR (8 + 28)
#define TH_COOKIE (8 + 236)
#define ETH_SADDR 6
#define ETH_TYPE 12

/**
 * struct rb - a rule being built; the first failed allocation is remembered
 * @r:		the rule
 * @err:	0 or -ENOMEM
 */
struct rb {
	struct nftnl_rule *r;
	int err;
};

static struct rb rb_new(const char *chain)
{
	struct rb b = { .r = nftnl_rule_alloc() };

	if (!b.r) {
		b.err = -ENOMEM;
		return b;
	}
	nftnl_rule_set_u32(b.r, NFTNL_RULE_FAMILY, NFPROTO_BRIDGE);
	nftnl_rule_set_str(b.r, NFTNL_RULE_TABLE, RN_PF_TABLE);
	nftnl_rule_set_str(b.r, NFTNL_RULE_CHAIN, chain);
	return b;
}

static struct nftnl_expr *rb_expr(struct rb *b, const char *name)
{
	struct nftnl_expr *e = b->r ? nftnl_expr_alloc(name) : NULL;

	if (!e)
		b->err = -ENOMEM;
	else
		nftnl_rule_add_expr(b->r, e);
	return e;
}

/* REG = LEN bytes at OFFSET of the BASE header */
static void rb_payload(struct rb *b, uint32_t base, uint32_t offset, uint32_t len, uint32_t reg)
{
	struct nftnl_expr *e = rb_expr(b, "payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
}

/* REG = meta KEY */
static void rb_meta(struct rb *b, uint32_t key, uint32_t reg)
{
	struct nftnl_expr *e = rb_expr(b, "meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, reg);
	}
}

/* REG_1 OP the LEN bytes of VALUE (a shorter LEN on a name is a prefix match) */
static void rb_cmp(struct rb *b, uint32_t op, const void *value, uint32_t len)
{
	struct nftnl_expr *e = rb_expr(b, "cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, value, len);
	}
}

/* (REG_1 & MASK) != 0, on LEN bytes */
static void rb_any_bit(struct rb *b, const void *mask, uint32_t len)
{
	static const uint8_t zero[4];
	struct nftnl_expr *e = rb_expr(b, "bitwise");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	rb_cmp(b, NFT_CMP_NEQ, zero, len);
}

/* REG_1 . REG_2 [!]in @SET: the name fills REG_1, the address starts at REG_2 */
static void rb_lookup(struct rb *b, const char *set, uint32_t set_id, bool invert)
{
	struct nftnl_expr *e = rb_expr(b, "lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
		if (invert)
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	}
}

/* iifname/oifname . LEN bytes at OFFSET of BASE [!]in @SET */
static void rb_port_key(struct rb *b, uint32_t port_key, uint32_t base, uint32_t offset,
			uint32_t len, const char *set, uint32_t set_id, bool invert)
{
	rb_meta(b, port_key, NFT_REG_1);
	rb_payload(b, base, offset, len, NFT_REG_2);
	rb_lookup(b, set, set_id, invert);
}

/* counter, then the verdict (a goto or jump names CHAIN) */
static void rb_verdict(struct rb *b, int verdict, const char *chain)
{
	struct nftnl_expr *e;

	if (verdict == NF_DROP)
		rb_expr(b, "counter");
	e = rb_expr(b, "immediate");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
}

static void rb_udp(struct rb *b)
{
	uint8_t udp = IPPROTO_UDP;

	rb_meta(b, NFT_META_L4PROTO, NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, &udp, 1);
}

/* meta l4proto udp udp sport SPORT dport DPORT */
static void rb_udp_ports(struct rb *b, uint16_t sport, uint16_t dport)
{
	uint16_t ports[2] = { htons(sport), htons(dport) };

	rb_udp(b);
	rb_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_PORTS, 4, NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, ports, 4);
}

/* meta l4proto udp udp dport 67 */
static void rb_to_dhcp_server(struct rb *b)
{
	uint16_t port = htons(67);

	rb_udp(b);
	rb_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_DPORT, 2, NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, &port, 2);
}

static void rb_port_prefix(struct rb *b, uint32_t key)
{
	rb_meta(b, key, NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, RN_PF_PORT_PREFIX, sizeof(RN_PF_PORT_PREFIX) - 1);
}

/* arp htype 1 ptype ip hlen 6 plen 4, iifname . arp saddr ether @guest_mac */
static void rb_arp_sender_mac(struct rb *b)
{
	rb_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 0, sizeof(arp_eth_ipv4), NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, arp_eth_ipv4, sizeof(arp_eth_ipv4));
	rb_port_key(b, NFT_META_IIFNAME, NFT_PAYLOAD_NETWORK_HEADER, 8, 6, RN_PF_SET_MAC, SET_MAC_ID,
		    false);
}

/*
 * The DHCPACK learning rule.  Only a frame the host itself sent has a socket (meta skuid
 * loads); a packet the host merely routes from one guest to another has none, so a guest
 * cannot teach the set a binding for another port by sending it a forged ACK.  Binding
 * yiaddr 0 (an ACK to INFORM) would be pointless, so it is skipped.
 */
static void rb_learn_ack(struct rb *b, uint32_t lease_time)
{
	static const uint32_t no_uid = UINT32_MAX, zero;
	uint8_t bootreply = 2;
	struct nftnl_expr *e;

	rb_udp_ports(b, 67, 68);
	rb_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_BOOTP_OP, 1, NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, &bootreply, 1);
	rb_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_COOKIE, sizeof(cookie_ack), NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, cookie_ack, sizeof(cookie_ack));
	rb_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_YIADDR, 4, NFT_REG_1);
	rb_cmp(b, NFT_CMP_NEQ, &zero, 4);
	rb_meta(b, NFT_META_SKUID, NFT_REG_1);
	rb_cmp(b, NFT_CMP_NEQ, &no_uid, 4);
	rb_port_key(b, NFT_META_OIFNAME, NFT_PAYLOAD_TRANSPORT_HEADER, TH_CHADDR, 6, RN_PF_SET_MAC,
		    SET_MAC_ID, false);
	rb_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, TH_YIADDR, 4, NFT_REG_2);
	e = rb_expr(b, "dynset");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
		nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, RN_PF_SET_IP);
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SET_ID, SET_IP_ID);
		nftnl_expr_set_u64(e, NFTNL_EXPR_DYNSET_TIMEOUT, (uint64_t)lease_time * 1000);
	}
}

/**
 * build_rules() - every rule of the table, in chain order
 * @pf:		settings
 * @out:	rules (NULL where allocation failed)
 *
 * Return: how many.
 */
static size_t build_rules(const struct port_filter *pf, struct rb *out)
{
	const uint16_t eth_arp = htons(0x0806), eth_ip = htons(0x0800);
	const uint16_t more_fragments = htons(0x2000);
	static const uint32_t any_addr, broadcast_addr = 0xffffffff;
	static const uint8_t group_bit = 1;
	size_t n = 0;
	struct rb *b;

	b = &out[n++], *b = rb_new("ports_in");
	rb_port_prefix(b, NFT_META_IIFNAME);
	rb_verdict(b, NFT_GOTO, "guest_in");

	b = &out[n++], *b = rb_new("guest_in");
	rb_port_key(b, NFT_META_IIFNAME, NFT_PAYLOAD_LL_HEADER, ETH_SADDR, 6, RN_PF_SET_MAC,
		    SET_MAC_ID, true);
	rb_verdict(b, NF_DROP, NULL);
	b = &out[n++], *b = rb_new("guest_in");
	rb_payload(b, NFT_PAYLOAD_LL_HEADER, ETH_TYPE, 2, NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, &eth_arp, 2);
	rb_verdict(b, NFT_GOTO, "guest_arp");
	b = &out[n++], *b = rb_new("guest_in");
	rb_payload(b, NFT_PAYLOAD_LL_HEADER, ETH_TYPE, 2, NFT_REG_1);
	rb_cmp(b, NFT_CMP_EQ, &eth_ip, 2);
	rb_verdict(b, NFT_GOTO, "guest_ip4");
	/* IPv6 and everything else: guests have no IPv6 on these ports (the helper turns it off). */
	b = &out[n++], *b = rb_new("guest_in");
	rb_verdict(b, NF_DROP, NULL);

	if (pf->bind_ip) {
		/* An address probe (RFC 5227) has sender address 0.0.0.0. */
		b = &out[n++], *b = rb_new("guest_arp");
		rb_arp_sender_mac(b);
		rb_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 14, 4, NFT_REG_1);
		rb_cmp(b, NFT_CMP_EQ, &any_addr, 4);
		rb_verdict(b, NF_ACCEPT, NULL);
	}
	b = &out[n++], *b = rb_new("guest_arp");
	rb_arp_sender_mac(b);
	if (pf->bind_ip)
		rb_port_key(b, NFT_META_IIFNAME, NFT_PAYLOAD_NETWORK_HEADER, 14, 4, RN_PF_SET_IP,
			    SET_IP_ID, false);
	rb_verdict(b, NF_ACCEPT, NULL);
	b = &out[n++], *b = rb_new("guest_arp");
	rb_verdict(b, NF_DROP, NULL);

	/* A DHCP message in fragments would reach the responder whole after reassembly,
	 * but its chaddr is not where guest_dhcp looks: no first fragment gets through. */
	b = &out[n++], *b = rb_new("guest_ip4");
	rb_udp(b);
	rb_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 6, 2, NFT_REG_1);
	rb_any_bit(b, &more_fragments, 2);
	rb_to_dhcp_server(b);
	rb_verdict(b, NF_DROP, NULL);
	b = &out[n++], *b = rb_new("guest_ip4");
	rb_to_dhcp_server(b);
	rb_verdict(b, NFT_JUMP, "guest_dhcp");
	if (pf->bind_ip) {
		b = &out[n++], *b = rb_new("guest_ip4");
		rb_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, NFT_REG_1);
		rb_cmp(b, NFT_CMP_EQ, &any_addr, 4);
		rb_udp_ports(b, 68, 67);
		rb_verdict(b, NF_ACCEPT, NULL);
		/* Redox's client writes the offered address to its NIC before it sends its
		 * REQUEST, so the REQUEST leaves from an address @guest_ip has not learned yet:
		 * the ACK it asks for is what teaches it.  Its chaddr is already the port's
		 * own (guest_dhcp), and a limited broadcast never leaves the host. */
		b = &out[n++], *b = rb_new("guest_ip4");
		rb_payload(b, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, NFT_REG_1);
		rb_cmp(b, NFT_CMP_EQ, &broadcast_addr, 4);
		rb_udp_ports(b, 68, 67);
		rb_verdict(b, NF_ACCEPT, NULL);
	}
	b = &out[n++], *b = rb_new("guest_ip4");
	if (pf->bind_ip)
		rb_port_key(b, NFT_META_IIFNAME, NFT_PAYLOAD_NETWORK_HEADER, 12, 4, RN_PF_SET_IP,
			    SET_IP_ID, false);
	rb_verdict(b, NF_ACCEPT, NULL);
	b = &out[n++], *b = rb_new("guest_ip4");
	rb_verdict(b, NF_DROP, NULL);

	/* DISCOVER, REQUEST, RELEASE, DECLINE, INFORM: only with the port's own chaddr. */
	b = &out[n++], *b = rb_new("guest_dhcp");
	rb_port_key(b, NFT_META_IIFNAME, NFT_PAYLOAD_TRANSPORT_HEADER, TH_CHADDR, 6, RN_PF_SET_MAC,
		    SET_MAC_ID, false);
	rb_verdict(b, NFT_RETURN, NULL);
	b = &out[n++], *b = rb_new("guest_dhcp");
	rb_verdict(b, NF_DROP, NULL);

	b = &out[n++], *b = rb_new("ports_out");
	rb_port_prefix(b, NFT_META_OIFNAME);
	rb_verdict(b, NFT_GOTO, "guest_out");
	if (pf->bind_ip) {
		b = &out[n++], *b = rb_new("guest_out");
		rb_learn_ack(b, pf->lease_time);
	}
	/* Broadcast and multicast from the host (ARP requests, a NAK) go to every port. */
	b = &out[n++], *b = rb_new("guest_out");
	rb_payload(b, NFT_PAYLOAD_LL_HEADER, 0, 1, NFT_REG_1);
	rb_any_bit(b, &group_bit, 1);
	rb_verdict(b, NF_ACCEPT, NULL);
	b = &out[n++], *b = rb_new("guest_out");
	rb_port_key(b, NFT_META_OIFNAME, NFT_PAYLOAD_LL_HEADER, 0, 6, RN_PF_SET_MAC, SET_MAC_ID,
		    false);
	rb_verdict(b, NF_ACCEPT, NULL);
	b = &out[n++], *b = rb_new("guest_out");
	rb_verdict(b, NF_DROP, NULL);
	return n;
}

static struct nftnl_table *table_new(void)
{
	return nft_table_new(NFPROTO_BRIDGE, RN_PF_TABLE);
}

/* A base chain when @hook is not NULL, otherwise a regular one. */
static struct nftnl_chain *chain_new(const char *name, const uint32_t *hook)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return NULL;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_BRIDGE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, RN_PF_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (hook) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, *hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, NF_BR_PRI_FILTER_BRIDGED);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	return c;
}

static struct nftnl_set *set_new(const char *name, uint32_t id, uint32_t key_type,
				 uint32_t key_len, bool dynamic)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_BRIDGE);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, RN_PF_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, dynamic ? NFT_SET_TIMEOUT | NFT_SET_EVAL : 0);
	if (dynamic)
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, SET_IP_SIZE);
	return s;
}

/**
 * nft_portfilter_digest() - fingerprint what the table would contain
 * @pf:		settings
 * @out:	16 hex digits (FNV-1a, 64 bit), journaled by `up`
 */
void nft_portfilter_digest(const struct port_filter *pf, char out[RN_PF_DIGEST_LEN])
{
	char canon[64];
	uint64_t h = 0xcbf29ce484222325ull;

	snprintf(canon, sizeof(canon), "v1 bridge bind_ip=%d lease=%u", pf->bind_ip, pf->lease_time);
	for (const char *p = canon; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	snprintf(out, RN_PF_DIGEST_LEN, "%016llx", (unsigned long long)h);
}

/**
 * nft_portfilter_rule_total() - Return: how many rules nft_portfilter_apply() installs
 * @pf:		settings
 */
unsigned int nft_portfilter_rule_total(const struct port_filter *pf)
{
	struct rb rules[MAX_PF_RULES];
	size_t n = build_rules(pf, rules);

	for (size_t i = 0; i < n; i++)
		if (rules[i].r)
			nftnl_rule_free(rules[i].r);
	return (unsigned int)n;
}

/**
 * nft_portfilter_apply() - create or update the table in one atomic batch
 * @pf:		settings
 *
 * The table, its sets and chains are created if missing and kept if present, and the
 * chains are flushed and filled again in the same batch.  So a second `up`, or one with
 * other settings, keeps the elements the helper added for the VMs that run now and the
 * addresses learned for them, and there is never a moment without the filter.  No other
 * table is touched.
 *
 * Return: 0 or a negative errno.
 */
int nft_portfilter_apply(const struct port_filter *pf)
{
	static const uint32_t prerouting = NF_BR_PRE_ROUTING, output = NF_BR_LOCAL_OUT;
	static const char *const regular[] = { "guest_in", "guest_arp", "guest_ip4", "guest_dhcp",
					       "guest_out" };
	static struct nft_batch b;
	struct nftnl_chain *chains[2 + ARRAY_SIZE(regular)] = {
		chain_new("ports_in", &prerouting), chain_new("ports_out", &output),
	};
	struct nftnl_set *sets[2] = {
		set_new(RN_PF_SET_MAC, SET_MAC_ID, CONCAT_TYPE(TYPE_IFNAME, TYPE_ETHERADDR),
			RN_PF_MAC_KEY_LEN, false),
		set_new(RN_PF_SET_IP, SET_IP_ID, CONCAT_TYPE(TYPE_IFNAME, TYPE_IPADDR),
			RN_PF_IP_KEY_LEN, true),
	};
	struct nftnl_table *t = table_new();
	struct rb rules[MAX_PF_RULES];
	size_t nrules = build_rules(pf, rules);
	int err = -ENOMEM;

	for (size_t i = 0; i < ARRAY_SIZE(regular); i++)
		chains[2 + i] = chain_new(regular[i], NULL);
	if (!t || !sets[0] || !sets[1])
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++)
		if (!chains[i])
			goto out;
	for (size_t i = 0; i < nrules; i++)
		if (rules[i].err)
			goto out;
	nft_batch_begin(&b);
	nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, t);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		nft_batch_set(&b, NFT_MSG_NEWSET, NLM_F_CREATE, sets[i]);
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++)
		nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, chains[i]);
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++) {
		struct rb flush = rb_new(nftnl_chain_get_str(chains[i], NFTNL_CHAIN_NAME));

		if (flush.err)
			goto out;
		nft_batch_rule(&b, NFT_MSG_DELRULE, 0, flush.r);
		nftnl_rule_free(flush.r);
	}
	for (size_t i = 0; i < nrules; i++)
		nft_batch_rule(&b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, rules[i].r);
	err = nft_batch_commit(&b);
	if (err && b.refused[0])
		log_err("nf_tables refused %s: %s", b.refused, strerror(-err));
out:
	for (size_t i = 0; i < nrules; i++)
		if (rules[i].r)
			nftnl_rule_free(rules[i].r);
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++)
		if (chains[i])
			nftnl_chain_free(chains[i]);
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		if (sets[i])
			nftnl_set_free(sets[i]);
	if (t)
		nftnl_table_free(t);
	return err;
}

/**
 * nft_portfilter_remove() - delete the bridge redox_net table, if it exists, and nothing else
 *
 * Return: 0 (also when it was already gone) or a negative errno.
 */
int nft_portfilter_remove(void)
{
	return nft_table_delete(NFPROTO_BRIDGE, RN_PF_TABLE);
}

/**
 * nft_portfilter_rule_count() - check the table exists and count its rules
 * @rules:	number of rules, on success
 *
 * Return: 0, -ENOENT when the table does not exist, or another negative errno.
 */
int nft_portfilter_rule_count(unsigned int *rules)
{
	return nft_table_rules(NFPROTO_BRIDGE, RN_PF_TABLE, rules);
}
