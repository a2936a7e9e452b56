// SPDX-License-Identifier: MIT
/* nft_ruleset.c - redox-net's own nftables table: masquerade and forward rules */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/rtnetlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"
#include "nft/nft_ruleset.h"
#include "nft/nft_sock.h"

#define FORWARD_COMMENT "forward "
/* masquerade, from guest, to guest; with forwards also hairpin and DNAT accept */
#define BASE_RULES 3
#define MAX_RULES (BASE_RULES + 2 + 2 * RN_MAX_FORWARDS)

static struct nftnl_table *table_new(void)
{
	return nft_table_new(NFPROTO_IPV4, RN_NFT_TABLE);
}

static struct nftnl_chain *base_chain(const char *name, const char *type, uint32_t hook,
				      int32_t prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return NULL;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, RN_NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	return c;
}

static struct nftnl_rule *rule_new(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r) {
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, RN_NFT_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	}
	return r;
}

/* Each helper appends one expression; allocation failure is caught once, at
 * commit, because nftnl_rule_add_expr() with NULL is never reached. */
static int add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

/* REG_1 OP LEN bytes of VALUE */
static int cmp(struct nftnl_rule *r, enum nft_cmp_ops op, const void *value, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, value, len);
	}
	return add(r, e);
}

/* (REG_1 & mask) OP value, on a 4-byte register value. */
static int match_masked(struct nftnl_rule *r, uint32_t mask, enum nft_cmp_ops op, uint32_t value)
{
	struct nftnl_expr *bits = nftnl_expr_alloc("bitwise");
	uint32_t zero = 0;

	if (bits) {
		nftnl_expr_set_u32(bits, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(bits, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(bits, NFTNL_EXPR_BITWISE_LEN, 4);
		nftnl_expr_set(bits, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
		nftnl_expr_set(bits, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
	}
	return add(r, bits) | cmp(r, op, &value, 4);
}

/* REG_1 = LEN bytes at OFFSET of the BASE header */
static int load_payload(struct nftnl_rule *r, enum nft_payload_bases base, uint32_t offset,
			uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return add(r, e);
}

/* REG_1 = meta KEY */
static int load_meta(struct nftnl_rule *r, enum nft_meta_keys key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return add(r, e);
}

/* REG = LEN bytes of DATA */
static int load_immediate(struct nftnl_rule *r, enum nft_registers reg, const void *data,
			  uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	}
	return add(r, e);
}

static int match_ip_field(struct nftnl_rule *r, uint32_t offset, const struct rn_prefix *p,
			  enum nft_cmp_ops op)
{
	return load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, 4) |
	       match_masked(r, htonl(prefix_mask(p->len)), op, prefix_network(p).s_addr);
}

/* Interfaces are matched by name, not index, so the rules keep working when the
 * TAP is deleted and created again (by the helper, or a later `up`). */
static int match_ifname(struct nftnl_rule *r, enum nft_meta_keys key, const char *name)
{
	char padded[IFNAMSIZ] = { 0 };

	strncpy(padded, name, sizeof(padded) - 1);
	return load_meta(r, key) | cmp(r, NFT_CMP_EQ, padded, sizeof(padded));
}

/* ct KEY & BITS != 0, for KEY state or status */
static int match_ct(struct nftnl_rule *r, enum nft_ct_keys key, uint32_t bits)
{
	struct nftnl_expr *ct = nftnl_expr_alloc("ct");

	if (ct) {
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	return add(r, ct) | match_masked(r, bits, NFT_CMP_NEQ, 0);
}

static int match_ct_established(struct nftnl_rule *r)
{
	return match_ct(r, NFT_CT_STATE,
			NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED));
}

static int verdict_accept(struct nftnl_rule *r)
{
	struct nftnl_expr *imm = nftnl_expr_alloc("immediate");

	if (imm) {
		nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	}
	return add(r, imm);
}

/* fib daddr type local: only connections to the host's own addresses are
 * forwarded.  Without it, prerouting would also capture what the host merely
 * routes (a guest's connection to port 2222 of a server on the internet), and
 * output the host's own connections elsewhere. */
static int match_daddr_local(struct nftnl_rule *r)
{
	struct nftnl_expr *fib = nftnl_expr_alloc("fib");
	uint32_t local = RTN_LOCAL;

	if (fib) {
		nftnl_expr_set_u32(fib, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(fib, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(fib, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	return add(r, fib) | cmp(r, NFT_CMP_EQ, &local, sizeof(local));
}

/* dnat to REG_1:REG_2 */
static int dnat_to_registers(struct nftnl_rule *r)
{
	struct nftnl_expr *nat = nftnl_expr_alloc("nat");

	if (nat) {
		nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
		nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
		nftnl_expr_set_u32(nat, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	}
	return add(r, nat);
}

/* The comment is how `status` reads back what is installed, and what `nft
 * list` shows beside the rule. */
static int set_comment(struct nftnl_rule *r, const char *text)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	int err = 0;

	if (!ud)
		return -ENOMEM;
	if (nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, text))
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
	else
		err = -ENOMEM;
	nftnl_udata_buf_free(ud);
	return err;
}

/* fib daddr type local meta l4proto P th dport HP dnat to GUEST:GP  comment "forward ..." */
static struct nftnl_rule *rule_dnat(const char *chain, const struct port_forward *f)
{
	struct nftnl_rule *r = rule_new(chain);
	uint16_t host_port = htons(f->host_port), guest_port = htons(f->guest_port);
	char text[sizeof(FORWARD_COMMENT) + RN_FORWARD_STRLEN] = FORWARD_COMMENT;

	forward_format(f, text + strlen(text));
	/* The destination port is at offset 2 in tcp and udp alike. */
	if (r && (match_daddr_local(r) | load_meta(r, NFT_META_L4PROTO) |
		  cmp(r, NFT_CMP_EQ, &f->proto, 1) |
		  load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2) |
		  cmp(r, NFT_CMP_EQ, &host_port, 2) |
		  load_immediate(r, NFT_REG_1, &f->guest.s_addr, 4) |
		  load_immediate(r, NFT_REG_2, &guest_port, 2) | dnat_to_registers(r) |
		  set_comment(r, text))) {
		nftnl_rule_free(r);
		r = NULL;
	}
	return r;
}

/* ip saddr SUBNET ip daddr SUBNET ct status dnat masquerade: a guest reaching
 * another (or itself) through a host port must get the answer back through
 * the host, not straight from the guest, or the connection does not match. */
static struct nftnl_rule *rule_hairpin(const struct nft_ruleset *rs)
{
	struct nftnl_rule *r = rule_new("postrouting");

	if (r && (match_ip_field(r, offsetof(struct iphdr, saddr), &rs->subnet, NFT_CMP_EQ) |
		  match_ip_field(r, offsetof(struct iphdr, daddr), &rs->subnet, NFT_CMP_EQ) |
		  match_ct(r, NFT_CT_STATUS, IPS_DST_NAT) | add(r, nftnl_expr_alloc("masq")))) {
		nftnl_rule_free(r);
		r = NULL;
	}
	return r;
}

/* oifname IF ct status dnat accept: new connections to forwarded ports. */
static struct nftnl_rule *rule_dnat_to_guest(const struct nft_ruleset *rs)
{
	struct nftnl_rule *r = rule_new("forward");

	if (r && (match_ifname(r, NFT_META_OIFNAME, rs->ifname) | match_ct(r, NFT_CT_STATUS, IPS_DST_NAT) |
		  verdict_accept(r))) {
		nftnl_rule_free(r);
		r = NULL;
	}
	return r;
}

/* ip saddr SUBNET ip daddr != SUBNET [oifname UPLINK] masquerade */
static struct nftnl_rule *rule_masquerade(const struct nft_ruleset *rs)
{
	struct nftnl_rule *r = rule_new("postrouting");
	int err;

	if (!r)
		return NULL;
	err = match_ip_field(r, offsetof(struct iphdr, saddr), &rs->subnet, NFT_CMP_EQ) |
	      match_ip_field(r, offsetof(struct iphdr, daddr), &rs->subnet, NFT_CMP_NEQ);
	if (rs->uplink[0])
		err |= match_ifname(r, NFT_META_OIFNAME, rs->uplink);
	err |= add(r, nftnl_expr_alloc("masq"));
	if (err) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}

/* iifname IF accept: the guest may go anywhere the host routes to. */
static struct nftnl_rule *rule_from_guest(const struct nft_ruleset *rs)
{
	struct nftnl_rule *r = rule_new("forward");

	if (r && (match_ifname(r, NFT_META_IIFNAME, rs->ifname) | verdict_accept(r))) {
		nftnl_rule_free(r);
		r = NULL;
	}
	return r;
}

/* oifname IF ct state established,related accept: only answers come back in. */
static struct nftnl_rule *rule_to_guest(const struct nft_ruleset *rs)
{
	struct nftnl_rule *r = rule_new("forward");

	if (r && (match_ifname(r, NFT_META_OIFNAME, rs->ifname) | match_ct_established(r) |
		  verdict_accept(r))) {
		nftnl_rule_free(r);
		r = NULL;
	}
	return r;
}

/**
 * nft_ruleset_digest() - fingerprint what the table would contain
 * @rs:		ruleset parameters
 * @out:	16 hex digits
 *
 * `up` journals this, so a second `up` with the same settings can see that
 * the installed table is already right and leave it alone (FNV-1a, 64 bit).
 */
void nft_ruleset_digest(const struct nft_ruleset *rs, char out[RN_NFT_DIGEST_LEN])
{
	char canon[128], net[RN_PREFIX_STRLEN], fwd[RN_FORWARD_STRLEN + 1];
	uint64_t h = 0xcbf29ce484222325ull;

	prefix_format(&rs->subnet, true, net);
	snprintf(canon, sizeof(canon), "v1 if=%s net=%s uplink=%s", rs->ifname, net, rs->uplink);
	for (const char *p = canon; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	/* Without forwards the digest is what it was before they existed, so an
	 * upgrade does not rebuild an unchanged table. */
	for (size_t i = 0; i < rs->n_forwards; i++) {
		fwd[0] = ' ';
		forward_format(&rs->forwards[i], fwd + 1);
		for (const char *p = fwd; *p; p++)
			h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	}
	snprintf(out, RN_NFT_DIGEST_LEN, "%016llx", (unsigned long long)h);
}

/**
 * nft_ruleset_rule_total() - Return: how many rules nft_ruleset_apply() installs
 * @rs:		ruleset parameters
 */
unsigned int nft_ruleset_rule_total(const struct nft_ruleset *rs)
{
	return BASE_RULES + (rs->n_forwards ? 2 + 2 * (unsigned int)rs->n_forwards : 0);
}

/**
 * nft_ruleset_apply() - install or replace the table in one atomic batch
 * @rs:		ruleset parameters
 *
 * A missing table is simply created (NLM_F_EXCL).  An existing one is
 * replaced in the same batch that builds the new one: create-if-missing,
 * delete, create.  Either way the kernel applies all of it or none of it, so
 * there is never a moment without NAT or with two copies, and no other table
 * is touched.  The plain create is tried first, without asking whether the
 * table exists: `up` replaces a table only when its settings changed (it
 * leaves one that matches its journal alone), so the usual answer is no and
 * the question would cost a round trip every time; EEXIST then costs one
 * refused batch.  It is preferred because a batch that deletes objects costs
 * an RCU grace period (about 15 ms) when its socket closes.
 *
 * Return: 0 or a negative errno.
 */
int nft_ruleset_apply(const struct nft_ruleset *rs)
{
	static struct nft_batch b;
	struct nftnl_chain *chains[] = {
		base_chain("postrouting", "nat", NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC),
		base_chain("forward", "filter", NF_INET_FORWARD, NF_IP_PRI_FILTER),
		base_chain("prerouting", "nat", NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST),
		base_chain("output", "nat", NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST),
	};
	/* The DNAT chains exist only when there is something to forward. */
	size_t nchains = rs->n_forwards ? 4 : 2, nrules = 0;
	struct nftnl_rule *rules[MAX_RULES];
	struct nftnl_table *t = table_new();
	bool replace = false;
	int err = -ENOMEM;

	rules[nrules++] = rule_masquerade(rs);
	rules[nrules++] = rule_from_guest(rs);
	rules[nrules++] = rule_to_guest(rs);
	if (rs->n_forwards) {
		rules[nrules++] = rule_hairpin(rs);
		rules[nrules++] = rule_dnat_to_guest(rs);
	}
	for (size_t i = 0; i < rs->n_forwards && i < RN_MAX_FORWARDS; i++) {
		rules[nrules++] = rule_dnat("prerouting", &rs->forwards[i]);
		rules[nrules++] = rule_dnat("output", &rs->forwards[i]);
	}
	if (!t)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++)
		if (!chains[i])
			goto out;
	for (size_t i = 0; i < nrules; i++)
		if (!rules[i])
			goto out;
	for (int attempt = 0; attempt < 2; attempt++) {
		nft_batch_begin(&b);
		if (replace) {
			nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, t);
			nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t);
		}
		nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, t);
		for (size_t i = 0; i < nchains; i++)
			nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, chains[i]);
		for (size_t i = 0; i < nrules; i++)
			nft_batch_rule(&b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, rules[i]);
		err = nft_batch_commit(&b);
		if (err != -EEXIST || replace)
			break;
		replace = true;	/* it exists: replace it in one batch */
	}
	if (err && b.refused[0])
		log_err("nf_tables refused %s: %s", b.refused, strerror(-err));
out:
	for (size_t i = 0; i < nrules; i++)
		if (rules[i])
			nftnl_rule_free(rules[i]);
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++)
		if (chains[i])
			nftnl_chain_free(chains[i]);
	if (t)
		nftnl_table_free(t);
	return err;
}

/**
 * nft_table_remove() - delete the table, if it exists, and nothing else
 *
 * Return: 0 (also when it was already gone) or a negative errno.
 */
int nft_table_remove(void)
{
	return nft_table_delete(NFPROTO_IPV4, RN_NFT_TABLE);
}

/**
 * nft_table_rule_count() - check the table exists and count its rules
 * @rules:	number of rules, on success
 *
 * Return: 0, -ENOENT when the table does not exist, or another negative errno.
 */
int nft_table_rule_count(unsigned int *rules)
{
	return nft_table_rules(NFPROTO_IPV4, RN_NFT_TABLE, rules);
}

/**
 * struct forward_list - what forward_cb() collects
 * @out:	canonical forward texts
 * @max:	room in @out
 * @n:		how many were found
 */
struct forward_list {
	char (*out)[RN_FORWARD_STRLEN];
	size_t max, n;
};

static int forward_comment_cb(const struct nftnl_udata *attr, void *data)
{
	struct forward_list *l = data;
	const char *text = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) != NFTNL_UDATA_RULE_COMMENT || !len || text[len - 1] ||
	    strncmp(text, FORWARD_COMMENT, strlen(FORWARD_COMMENT)) || l->n == l->max)
		return MNL_CB_OK;
	snprintf(l->out[l->n++], RN_FORWARD_STRLEN, "%s", text + strlen(FORWARD_COMMENT));
	return MNL_CB_OK;
}

static int forward_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	const void *ud;
	uint32_t len;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    !strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), "prerouting") &&
	    (ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len)))
		nftnl_udata_parse(ud, len, forward_comment_cb, data);
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/**
 * nft_table_forwards() - the port forwards installed, read from the kernel
 * @out:	canonical texts ("tcp:2222:172.16.0.2:22")
 * @max:	room in @out
 * @n:		how many, on success
 *
 * Each prerouting DNAT rule carries its forward as its comment.
 *
 * Return: 0, -ENOENT when the table does not exist, or another negative errno.
 */
int nft_table_forwards(char (*out)[RN_FORWARD_STRLEN], size_t max, size_t *n)
{
	struct forward_list l = { .out = out, .max = max };
	struct nftnl_table *t = table_new();
	int err;

	if (!t)
		return -ENOMEM;
	err = nft_dump(NFT_MSG_GETRULE, NFPROTO_IPV4, t, forward_cb, &l);
	nftnl_table_free(t);
	*n = l.n;
	return err;
}
