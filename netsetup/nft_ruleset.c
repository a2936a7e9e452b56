// SPDX-License-Identifier: MIT
/* nft_ruleset.c - redox-net's own nftables table: masquerade and forward rules */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "netsetup/nft_ruleset.h"
#include "netsetup/nft_sock.h"

static struct nftnl_table *table_new(void)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (t) {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_IPV4);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, RN_NFT_TABLE);
	}
	return t;
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

/* (REG_1 & mask) OP value, on a 4-byte register value. */
static int match_masked(struct nftnl_rule *r, uint32_t mask, enum nft_cmp_ops op, uint32_t value)
{
	struct nftnl_expr *bits = nftnl_expr_alloc("bitwise");
	struct nftnl_expr *cmp = nftnl_expr_alloc("cmp");
	uint32_t zero = 0;

	if (bits) {
		nftnl_expr_set_u32(bits, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(bits, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(bits, NFTNL_EXPR_BITWISE_LEN, 4);
		nftnl_expr_set(bits, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
		nftnl_expr_set(bits, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
	}
	if (cmp) {
		nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(cmp, NFTNL_EXPR_CMP_DATA, &value, 4);
	}
	return add(r, bits) | add(r, cmp);
}

static int match_ip_field(struct nftnl_rule *r, uint32_t offset, const struct rn_prefix *p,
			  enum nft_cmp_ops op)
{
	struct nftnl_expr *load = nftnl_expr_alloc("payload");

	if (load) {
		nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
		nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_LEN, 4);
	}
	return add(r, load) |
	       match_masked(r, htonl(prefix_mask(p->len)), op, prefix_network(p).s_addr);
}

/* Interfaces are matched by name, not index, so the rules keep working when the
 * TAP is deleted and created again (by the helper, or a later `up`). */
static int match_ifname(struct nftnl_rule *r, enum nft_meta_keys key, const char *name)
{
	struct nftnl_expr *meta = nftnl_expr_alloc("meta");
	struct nftnl_expr *cmp = nftnl_expr_alloc("cmp");
	char padded[IFNAMSIZ] = { 0 };

	strncpy(padded, name, sizeof(padded) - 1);
	if (meta) {
		nftnl_expr_set_u32(meta, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(meta, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	if (cmp) {
		nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(cmp, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
		nftnl_expr_set(cmp, NFTNL_EXPR_CMP_DATA, padded, sizeof(padded));
	}
	return add(r, meta) | add(r, cmp);
}

static int match_ct_established(struct nftnl_rule *r)
{
	struct nftnl_expr *ct = nftnl_expr_alloc("ct");

	if (ct) {
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	return add(r, ct) |
	       match_masked(r, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED),
			    NFT_CMP_NEQ, 0);
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
	char canon[128], net[RN_PREFIX_STRLEN];
	uint64_t h = 0xcbf29ce484222325ull;

	prefix_format(&rs->subnet, true, net);
	snprintf(canon, sizeof(canon), "v1 if=%s net=%s uplink=%s", rs->ifname, net, rs->uplink);
	for (const char *p = canon; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	snprintf(out, RN_NFT_DIGEST_LEN, "%016llx", (unsigned long long)h);
}

static int table_exists(void);

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(unsigned int *)data)++;
	return MNL_CB_OK;
}

/**
 * nft_ruleset_apply() - install or replace the table in one atomic batch
 * @rs:		ruleset parameters
 *
 * A missing table is simply created (NLM_F_EXCL).  An existing one is
 * replaced in the same batch that builds the new one: create-if-missing,
 * delete, create.  Either way the kernel applies all of it or none of it, so
 * there is never a moment without NAT or with two copies, and no other table
 * is touched.  The plain create is preferred because a batch that deletes
 * objects costs an RCU grace period (about 15 ms) when its socket closes.
 *
 * Return: 0 or a negative errno.
 */
int nft_ruleset_apply(const struct nft_ruleset *rs)
{
	static struct nft_batch b;
	struct nftnl_chain *post = base_chain("postrouting", "nat", NF_INET_POST_ROUTING,
					      NF_IP_PRI_NAT_SRC);
	struct nftnl_chain *fwd = base_chain("forward", "filter", NF_INET_FORWARD,
					     NF_IP_PRI_FILTER);
	struct nftnl_rule *rules[] = { rule_masquerade(rs), rule_from_guest(rs), rule_to_guest(rs) };
	struct nftnl_table *t = table_new();
	bool replace = table_exists() != 0;
	int err = -ENOMEM;

	if (!post || !fwd || !t || !rules[0] || !rules[1] || !rules[2])
		goto out;
	for (int attempt = 0; attempt < 2; attempt++) {
		nft_batch_begin(&b);
		if (replace) {
			nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, t);
			nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t);
		}
		nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, t);
		nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, post);
		nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, fwd);
		for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
			nft_batch_rule(&b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, rules[i]);
		err = nft_batch_commit(&b);
		if (err != -EEXIST || replace)
			break;
		replace = true;	/* someone created it since we looked */
	}
out:
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i])
			nftnl_rule_free(rules[i]);
	if (post)
		nftnl_chain_free(post);
	if (fwd)
		nftnl_chain_free(fwd);
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
	static struct nft_batch b;
	struct nftnl_table *t = table_new();
	int err;

	if (!t)
		return -ENOMEM;
	nft_batch_begin(&b);
	nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t);
	err = nft_batch_commit(&b);
	nftnl_table_free(t);
	return err == -ENOENT ? 0 : err;
}

/*
 * table_lookup() - ask the kernel for the table and, if @rules, count its rules
 * Return: 0, -ENOENT when the table does not exist, or another negative errno.
 */
static int table_lookup(unsigned int *rules)
{
	struct nftnl_table *t = table_new();
	unsigned int tables = 0;
	int err;

	if (!t)
		return -ENOMEM;
	err = nft_dump(NFT_MSG_GETTABLE, NFPROTO_IPV4, t, count_cb, &tables);
	if (!err && rules) {
		*rules = 0;
		err = nft_dump(NFT_MSG_GETRULE, NFPROTO_IPV4, t, count_cb, rules);
	}
	nftnl_table_free(t);
	return err;
}

/* Return: 1 if the table exists, 0 if not, or a negative errno. */
static int table_exists(void)
{
	int err = table_lookup(NULL);

	return err == -ENOENT ? 0 : err ? err : 1;
}

/**
 * nft_table_rule_count() - check the table exists and count its rules
 * @rules:	number of rules, on success
 *
 * Return: 0, -ENOENT when the table does not exist, or another negative errno.
 */
int nft_table_rule_count(unsigned int *rules)
{
	return table_lookup(rules);
}
