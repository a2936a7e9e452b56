// SPDX-License-Identifier: MIT
/* nft_hold.c - test tool: hold an nf_tables table that only this process may change */
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nft/nft_sock.h"

/*
 * A batch whose middle message the kernel refuses (a rule in a chain that does
 * not exist), between messages it accepts; only the last asks for an ACK.
 * Return: 0 if the commit failed with ENOENT and named that rule, and nothing
 * of the batch was applied.
 */
static int refuse_middle(const char *table)
{
	static struct nft_batch b;
	struct nftnl_table *t = nft_table_new(NFPROTO_IPV4, table);
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	int err = -1;

	if (t && c && r) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_IPV4);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "there");
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "missing");
		nft_batch_begin(&b);
		nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, t);
		nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, c);
		nft_batch_rule(&b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, r);
		nft_batch_chain(&b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, c);
		err = nft_batch_commit(&b);
		printf("commit: %s; refused: %s\n", strerror(-err), b.refused);
		err = err == -ENOENT && !strcmp(b.refused, "adding a rule in chain missing") &&
		      nft_table_rules(NFPROTO_IPV4, table, NULL) == -ENOENT ? 0 : 1;
	}
	nftnl_rule_free(r);
	nftnl_chain_free(c);
	nftnl_table_free(t);
	return err;
}

/*
 * nft_hold TABLE: create `table ip NAME` with NFT_TABLE_F_OWNER, say
 * "ready", and keep it until stdin closes.  The kernel refuses every other
 * process's change to an owned table and deletes it when its owner's socket
 * closes, so a test can make a redox-netsetup batch fail for real, and nothing
 * outlives the test.
 */
int main(int argc, char *argv[])
{
	static struct nft_batch b;
	struct nftnl_table *t;
	char c;
	int err;

	if (argc == 3 && !strcmp(argv[1], "--refuse-middle"))
		return refuse_middle(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: nft_hold [--refuse-middle] TABLE (in family ip)\n");
		return 2;
	}
	t = nft_table_new(NFPROTO_IPV4, argv[1]);
	if (!t)
		return 1;
	nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	nft_batch_begin(&b);
	nft_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, t);
	err = nft_batch_commit(&b);
	nftnl_table_free(t);
	if (err) {
		fprintf(stderr, "nft_hold: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	nft_close();
	return 0;
}
