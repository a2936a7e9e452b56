/* SPDX-License-Identifier: MIT */
/* nft_ruleset.h - redox-net's own nftables table: masquerade and forward rules */
#ifndef REDOX_NET_NFT_RULESET_H
#define REDOX_NET_NFT_RULESET_H

#include <net/if.h>
#include <stdbool.h>

#include "lib/inet.h"
#include "lib/forward.h"

#define RN_NFT_FAMILY_NAME "ip"
#define RN_NFT_TABLE "redox_net"
#define RN_NFT_JOURNAL_OBJECT RN_NFT_FAMILY_NAME "/" RN_NFT_TABLE
#define RN_NFT_DIGEST_LEN 17

/**
 * struct nft_ruleset - what the table is built from
 * @ifname:	the guest-facing device (TAP or bridge), matched by name
 * @subnet:	the guest subnet
 * @uplink:	limit masquerade to this output device; "" for any
 * @forwards:	DNAT port forwards
 * @n_forwards:	how many
 */
struct nft_ruleset {
	char ifname[IFNAMSIZ];
	struct rn_prefix subnet;
	char uplink[IFNAMSIZ];
	const struct port_forward *forwards;
	size_t n_forwards;
};

void nft_ruleset_digest(const struct nft_ruleset *rs, char out[RN_NFT_DIGEST_LEN]);
unsigned int nft_ruleset_rule_total(const struct nft_ruleset *rs);
int nft_ruleset_apply(const struct nft_ruleset *rs);
int nft_table_remove(void);
int nft_table_rule_count(unsigned int *rules);
int nft_table_forwards(char (*out)[RN_FORWARD_STRLEN], size_t max, size_t *n);

#endif
