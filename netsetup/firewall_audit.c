// SPDX-License-Identifier: MIT
/* firewall_audit.c - find other tables' chains that would drop the guests' traffic */
#include <errno.h>
#include <netinet/in.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "netsetup/firewall_audit.h"
#include "nft/nft_ruleset.h"
#include "nft/nft_sock.h"

/**
 * struct audit - collection state for the chain and rule dumps
 * @items:	findings
 * @count:	number of findings
 * @docker_tables: bitmask of families (1 << NFPROTO_*) whose "filter" table has DOCKER-USER
 * @failed:	out of memory
 */
struct audit {
	struct fw_finding *items;
	unsigned int count;
	unsigned int docker_tables;
	bool failed;
};

static const char *family_name(uint32_t family)
{
	switch (family) {
	case NFPROTO_INET:	return "inet";
	case NFPROTO_IPV4:	return "ip";
	default:		return NULL;	/* ip6, bridge, arp: not on the guest's IPv4 path */
	}
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct audit *a = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *fam, *table, *name;
	uint32_t hook;

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0)
		goto out;
	fam = family_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY));
	table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	if (!fam || !table || !name)
		goto out;
	if (!strcmp(name, "DOCKER-USER") && !strcmp(table, "filter"))
		a->docker_tables |= 1u << nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) ||
	    (!strcmp(fam, RN_NFT_FAMILY_NAME) && !strcmp(table, RN_NFT_TABLE)))
		goto out;
	hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	if (hook != NF_INET_FORWARD && hook != NF_INET_LOCAL_IN)
		goto out;
	if (!(a->count & 15)) {
		struct fw_finding *n = reallocarray(a->items, a->count + 16, sizeof(*n));

		if (!n) {
			a->failed = true;
			goto out;
		}
		a->items = n;
	}
	memset(&a->items[a->count], 0, sizeof(a->items[0]));
	snprintf(a->items[a->count].family, sizeof(a->items[0].family), "%s", fam);
	snprintf(a->items[a->count].table, sizeof(a->items[0].table), "%s", table);
	snprintf(a->items[a->count].chain, sizeof(a->items[0].chain), "%s", name);
	a->items[a->count].hook = hook;
	a->items[a->count].policy_drop = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
					 nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP;
	a->count++;
out:
	if (c)
		nftnl_chain_free(c);
	return MNL_CB_OK;
}

/**
 * struct rule_scan - what one rule's expressions amount to
 * @matches:	it has a condition (cmp, lookup, range)
 * @drops:	its verdict is drop, or it rejects
 */
struct rule_scan {
	bool matches, drops;
};

static int expr_cb(struct nftnl_expr *e, void *data)
{
	struct rule_scan *s = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (!strcmp(name, "cmp") || !strcmp(name, "lookup") || !strcmp(name, "range"))
		s->matches = true;
	else if (!strcmp(name, "reject") ||
		 (!strcmp(name, "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
		  nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == (uint32_t)NF_DROP))
		s->drops = true;
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fw_finding *f = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct rule_scan s = { 0 };

	if (r && nftnl_rule_nlmsg_parse(nlh, r) >= 0 &&
	    !strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), f->chain)) {
		nftnl_expr_foreach(r, expr_cb, &s);
		/* firewalld ends its chains with an unconditional reject; NixOS and
		 * hand-written rulesets often with a plain drop. */
		if (s.drops && !s.matches)
			f->rule_drop = true;
	}
	if (r)
		nftnl_rule_free(r);
	return MNL_CB_OK;
}

/**
 * firewall_audit() - list other tables' forward and input base chains that drop by default
 * @out:	findings (only chains that drop), to be freed by the caller
 * @count:	number of findings
 *
 * In nftables an accept is not final: a packet our forward chain accepts is
 * still dropped by any other table's chain on the same hook that drops it.
 *
 * Return: 0 or a negative errno.
 */
int firewall_audit(struct fw_finding **out, unsigned int *count)
{
	struct audit a = { 0 };
	unsigned int kept = 0;
	int err;

	err = nft_dump(NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NULL, chain_cb, &a);
	if (!err && a.failed)
		err = -ENOMEM;
	for (unsigned int i = 0; !err && i < a.count; i++) {
		struct fw_finding *f = &a.items[i];
		struct nftnl_table *t = nftnl_table_alloc();
		uint32_t family = strcmp(f->family, "inet") ? NFPROTO_IPV4 : NFPROTO_INET;

		if (!t) {
			err = -ENOMEM;
			break;
		}
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, family);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, f->table);
		nft_dump(NFT_MSG_GETRULE, (uint16_t)family, t, rule_cb, f);
		nftnl_table_free(t);
		f->has_docker_user = !strcmp(f->table, "filter") && (a.docker_tables & (1u << family));
		if (f->policy_drop || f->rule_drop)
			a.items[kept++] = *f;
	}
	if (err) {
		free(a.items);
		return err;
	}
	*out = a.items;
	*count = kept;
	return 0;
}

/**
 * explain_input() - the fix for an input-hook chain that drops what the host serves guests
 * @f:		the finding
 * @ifname:	the guest-facing device
 * @dns:	the DNS forwarder is on: 53/udp and 53/tcp besides DHCP's 67/udp
 */
static void explain_input(const struct fw_finding *f, const char *ifname, bool dns)
{
	if (!strcmp(f->table, "filter")) {
		log_hint("iptables -I %s -i %s -p udp -m multiport --dports %s -j ACCEPT", f->chain,
			 ifname, dns ? "53,67" : "67");
		if (dns)
			log_hint("iptables -I %s -i %s -p tcp --dport 53 -j ACCEPT", f->chain, ifname);
	} else if (!strcmp(f->table, "firewalld")) {
		log_hint("firewall-cmd --zone=trusted --change-interface=%s (add --permanent to keep it)",
			 ifname);
	} else if (!strcmp(f->table, "nixos-fw")) {
		log_hint("in configuration.nix: networking.firewall.interfaces.\"%s\".allowedUDPPorts = [ %s ];",
			 ifname, dns ? "53 67" : "67");
		if (dns)
			log_hint("in configuration.nix: networking.firewall.interfaces.\"%s\".allowedTCPPorts = [ 53 ];",
				 ifname);
	} else {
		log_hint("nft insert rule %s %s %s iifname \"%s\" udp dport %s accept", f->family,
			 f->table, f->chain, ifname, dns ? "{ 53, 67 }" : "67");
		if (dns)
			log_hint("nft insert rule %s %s %s iifname \"%s\" tcp dport 53 accept", f->family,
				 f->table, f->chain, ifname);
	}
}

static void explain(const struct fw_finding *f, const char *ifname, unsigned int services)
{
	bool fwd = f->hook == NF_INET_FORWARD;

	log_warn("%s %s %s %s (%s): %s", f->family, f->table, f->chain,
		 f->policy_drop ? "has policy drop" : "ends in an unconditional drop",
		 fwd ? "forward hook" : "input hook",
		 fwd ? "guests on this host cannot reach anything beyond it" :
		 services & FW_DNS ? "DHCP and DNS requests from guests to this host are dropped" :
		 "DHCP requests from guests to this host are dropped");
	if (!fwd) {
		explain_input(f, ifname, services & FW_DNS);
	} else if (!strcmp(f->table, "filter") && (f->has_docker_user || !strcmp(f->chain, "FORWARD"))) {
		const char *chain = f->has_docker_user ? "DOCKER-USER" : f->chain;

		log_hint("iptables -I %s -i %s -j ACCEPT", chain, ifname);
		log_hint("iptables -I %s -o %s -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
			 chain, ifname);
	} else if (!strcmp(f->table, "firewalld")) {
		log_hint("firewall-cmd --zone=trusted --change-interface=%s (add --permanent to keep it)",
			 ifname);
	} else if (!strcmp(f->table, "nixos-fw")) {
		log_hint("in configuration.nix: networking.firewall.trustedInterfaces = [ \"%s\" ];", ifname);
	} else {
		log_hint("nft insert rule %s %s %s iifname \"%s\" accept", f->family, f->table, f->chain,
			 ifname);
		log_hint("nft insert rule %s %s %s oifname \"%s\" ct state established,related accept",
			 f->family, f->table, f->chain, ifname);
	}
}

/**
 * firewall_warn() - print a warning and the exact fix for each chain that would drop
 * @ifname:	the guest-facing device, named in the fixes
 * @services:	what the host serves the guests (enum fw_service): with any,
 *		input-hook drops are reported too, and their fixes open those ports
 *
 * Return: the number of problems reported.
 */
unsigned int firewall_warn(const char *ifname, unsigned int services)
{
	struct fw_finding *f;
	unsigned int n, reported = 0;

	if (firewall_audit(&f, &n)) {
		log_warn("could not inspect the other nftables tables");
		return 1;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (f[i].hook != NF_INET_FORWARD && !services)
			continue;
		explain(&f[i], ifname, services);
		reported++;
	}
	free(f);
	return reported;
}
