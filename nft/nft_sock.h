/* SPDX-License-Identifier: MIT */
/* nft_sock.h - nf_tables netlink plumbing: atomic batches and dumps through libmnl/libnftnl */
#ifndef REDOX_NET_NFT_SOCK_H
#define REDOX_NET_NFT_SOCK_H

#include <libmnl/libmnl.h>
#include <stdint.h>

struct nftnl_table;
struct nftnl_chain;
struct nftnl_rule;
struct nftnl_set;

/* Messages of a batch that a refusal can be reported against, by name. */
#define NFT_BATCH_LABELS	64
#define NFT_LABEL_LEN		64

/**
 * struct nft_batch - one nf_tables transaction: all of it is applied, or none
 * @mnl:	libmnl batch over @buf
 * @buf:	message buffer
 * @seq:	next sequence number
 * @first_seq:	sequence number of the first object message
 * @full:	a message did not fit; commit will fail
 * @last:	the last object message queued, the only one that asks for an ACK
 * @labels:	what each object message adds or deletes, by sequence from @first_seq
 * @refused:	after a failed commit: the label of the first message the kernel refused
 */
struct nft_batch {
	struct mnl_nlmsg_batch *mnl;
	char buf[65536];
	uint32_t seq, first_seq;
	int full;
	struct nlmsghdr *last;
	char labels[NFT_BATCH_LABELS][NFT_LABEL_LEN];
	char refused[NFT_LABEL_LEN];
};

void nft_batch_begin(struct nft_batch *b);
void nft_batch_table(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_table *t);
void nft_batch_chain(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_chain *c);
void nft_batch_rule(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_rule *r);
void nft_batch_set(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_set *s);
int nft_batch_commit(struct nft_batch *b);

int nft_dump(uint16_t type, uint16_t family, const struct nftnl_table *filter,
	     mnl_cb_t cb, void *data);
struct nftnl_table *nft_table_new(uint16_t family, const char *name);
int nft_table_rules(uint16_t family, const char *name, unsigned int *rules);
int nft_table_delete(uint16_t family, const char *name);
int nft_probe(void);
void nft_close(void);

#endif
