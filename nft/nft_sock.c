// SPDX-License-Identifier: MIT
/* nft_sock.c - nf_tables netlink plumbing: atomic batches and dumps through libmnl/libnftnl */
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nft/nft_sock.h"

/* Large enough for any dump message the kernel sends (MNL_SOCKET_DUMP_SIZE). */
#define NFT_RECV_BUFSZ 32768

/**
 * nft_batch_begin() - start an empty transaction
 * @b:		batch
 */
void nft_batch_begin(struct nft_batch *b)
{
	b->seq = (uint32_t)time(NULL);
	b->full = 0;
	b->last = NULL;
	b->refused[0] = '\0';
	b->mnl = mnl_nlmsg_batch_start(b->buf, sizeof(b->buf));
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->mnl), b->seq++);
	mnl_nlmsg_batch_next(b->mnl);
	b->first_seq = b->seq;
}

static const char *msg_verb(uint16_t type)
{
	switch (type) {
	case NFT_MSG_DELTABLE:
	case NFT_MSG_DELCHAIN:
	case NFT_MSG_DELRULE:
	case NFT_MSG_DELSET:
		return "deleting";
	default:
		return "adding";
	}
}

/*
 * The header of the next object message, labelled for error reports.  No
 * message asks for an ACK yet: the kernel reports a refused message whether
 * asked or not, so only the last one does (nft_batch_commit()), and a batch
 * costs one answer to read instead of one per message.
 */
static struct nlmsghdr *batch_hdr(struct nft_batch *b, uint16_t type, uint16_t family,
				  uint16_t flags, const char *what, const char *name)
{
	uint32_t i = b->seq - b->first_seq;

	if (i < NFT_BATCH_LABELS)
		snprintf(b->labels[i], NFT_LABEL_LEN, "%s %s %s", msg_verb(type), what,
			 name ? name : "?");
	b->last = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->mnl), type, family, flags,
					b->seq++);
	return b->last;
}

static void batch_next(struct nft_batch *b)
{
	if (!mnl_nlmsg_batch_next(b->mnl))
		b->full = 1;
}

/**
 * nft_batch_table() - queue a table message (NEWTABLE, DELTABLE)
 * @b:		batch
 * @type:	NFT_MSG_*
 * @flags:	NLM_F_CREATE etc.
 * @t:		table, with family and name set
 */
void nft_batch_table(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_table *t)
{
	uint16_t family = (uint16_t)nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);

	nftnl_table_nlmsg_build_payload(batch_hdr(b, type, family, flags, "table",
						  nftnl_table_get_str(t, NFTNL_TABLE_NAME)), t);
	batch_next(b);
}

/**
 * nft_batch_chain() - queue a chain message
 * @b:		batch
 * @type:	NFT_MSG_*
 * @flags:	NLM_F_CREATE etc.
 * @c:		chain, with family, table and name set
 */
void nft_batch_chain(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_chain *c)
{
	uint16_t family = (uint16_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);

	nftnl_chain_nlmsg_build_payload(batch_hdr(b, type, family, flags, "chain",
						  nftnl_chain_get_str(c, NFTNL_CHAIN_NAME)), c);
	batch_next(b);
}

/**
 * nft_batch_rule() - queue a rule message
 * @b:		batch
 * @type:	NFT_MSG_*
 * @flags:	NLM_F_CREATE|NLM_F_APPEND etc.
 * @r:		rule, with family, table and chain set
 */
void nft_batch_rule(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_rule *r)
{
	uint16_t family = (uint16_t)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);

	nftnl_rule_nlmsg_build_payload(batch_hdr(b, type, family, flags, "a rule in chain",
						 nftnl_rule_get_str(r, NFTNL_RULE_CHAIN)), r);
	batch_next(b);
}

/**
 * nft_batch_set() - queue a set message (NEWSET)
 * @b:		batch
 * @type:	NFT_MSG_*
 * @flags:	NLM_F_CREATE etc.
 * @s:		set, with family, table, name and key set
 */
void nft_batch_set(struct nft_batch *b, uint16_t type, uint16_t flags, struct nftnl_set *s)
{
	uint16_t family = (uint16_t)nftnl_set_get_u32(s, NFTNL_SET_FAMILY);

	nftnl_set_nlmsg_build_payload(batch_hdr(b, type, family, flags, "set",
						nftnl_set_get_str(s, NFTNL_SET_NAME)), s);
	batch_next(b);
}

/*
 * One nfnetlink socket serves the whole process.  Closing it makes the kernel
 * wait for nf_tables' deferred destruction of deleted objects, which includes
 * an RCU grace period (NETLINK_URELEASE flushes the destroy work).  Keeping it
 * open until nft_close() lets that wait overlap with other work, such as the
 * grace period of a device delete in `down`.
 */
static struct mnl_socket *nft_nl;

static struct mnl_socket *nft_socket_open(void)
{
	struct mnl_socket *nl;

	if (nft_nl)
		return nft_nl;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	nft_nl = nl;
	return nl;
}

/**
 * nft_close() - close the process's nfnetlink socket, if open
 *
 * Call it last: it may block for an RCU grace period after a delete.
 */
void nft_close(void)
{
	if (nft_nl)
		mnl_socket_close(nft_nl);
	nft_nl = NULL;
}

/*
 * The errors in one read: the first refusal is remembered with the label of
 * the message it answers.  Return: 0, or the negative errno of the first one.
 */
static int batch_errors(struct nft_batch *b, const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = (int)len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
		uint32_t i;

		if (nlh->nlmsg_type != NLMSG_ERROR ||
		    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)) || !e->error)
			continue;
		i = e->msg.nlmsg_seq - b->first_seq;
		snprintf(b->refused, sizeof(b->refused), "%s",
			 i < NFT_BATCH_LABELS && i < b->seq - b->first_seq ? b->labels[i] : "the batch");
		return e->error;
	}
	return 0;
}

/**
 * nft_batch_commit() - send the transaction and collect the kernel's answers
 * @b:		batch
 *
 * The kernel applies the whole batch inside sendmsg() and queues its answers
 * before it returns, so reading until the socket is empty collects them all:
 * an error for each refused message, and the ACK the last message asks for.
 * If any message fails, nothing of the batch is applied, and @b->refused names
 * the first message refused (the caller decides whether that is worth a word:
 * deleting a table that is gone is not).
 *
 * Return: 0, or the negative errno of the first message that failed.
 */
int nft_batch_commit(struct nft_batch *b)
{
	char rbuf[NFT_RECV_BUFSZ];
	struct mnl_socket *nl;
	int err = 0;
	ssize_t n;

	if (b->last)
		b->last->nlmsg_flags |= NLM_F_ACK;
	nftnl_batch_end(mnl_nlmsg_batch_current(b->mnl), b->seq++);
	batch_next(b);
	if (b->full)
		return -E2BIG;
	nl = nft_socket_open();
	if (!nl)
		return -errno;
	if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b->mnl), mnl_nlmsg_batch_size(b->mnl)) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };

		if (poll(&pfd, 1, 0) <= 0)
			break;
		n = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		if (n < 0) {
			err = err ? err : -errno;
			break;
		}
		if (!err)
			err = batch_errors(b, rbuf, (size_t)n);
	}
out:
	mnl_nlmsg_batch_stop(b->mnl);
	return err;
}

/**
 * nft_dump() - run a GET request and hand every answer to a callback
 * @type:	NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETRULE...
 * @family:	NFPROTO_* (NFPROTO_UNSPEC for all)
 * @filter:	for a single table or its rules: the table (family and name);
 *		NULL for a full dump
 * @cb:		called for each message
 * @data:	passed to @cb
 *
 * Return: 0, or a negative errno (-ENOENT when the filtered table is missing).
 */
int nft_dump(uint16_t type, uint16_t family, const struct nftnl_table *filter,
	     mnl_cb_t cb, void *data)
{
	char buf[NFT_RECV_BUFSZ];
	uint32_t seq = (uint32_t)time(NULL), portid;
	struct mnl_socket *nl = nft_socket_open();
	struct nlmsghdr *nlh;
	int ret;

	if (!nl)
		return -errno;
	/* A named table is fetched with a plain GET; rules of a table need a dump. */
	nlh = nftnl_nlmsg_build_hdr(buf, type, family,
				    filter && type == NFT_MSG_GETTABLE ? NLM_F_ACK : NLM_F_DUMP,
				    seq);
	if (filter && type == NFT_MSG_GETTABLE) {
		nftnl_table_nlmsg_build_payload(nlh, (struct nftnl_table *)filter);
	} else if (filter) {
		mnl_attr_put_strz(nlh, NFTA_RULE_TABLE,
				  nftnl_table_get_str(filter, NFTNL_TABLE_NAME));
	}
	portid = mnl_socket_get_portid(nl);
	ret = (int)mnl_socket_sendto(nl, nlh, nlh->nlmsg_len);
	while (ret >= 0) {
		ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(buf, (size_t)ret, seq, portid, cb, data);
		if (ret <= MNL_CB_STOP)
			break;
	}
	return ret < 0 ? -errno : 0;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(unsigned int *)data)++;
	return MNL_CB_OK;
}

/**
 * nft_table_new() - a table object naming one of our tables
 * @family:	NFPROTO_IPV4, NFPROTO_BRIDGE...
 * @name:	its name
 *
 * Return: the object, or NULL when out of memory.
 */
struct nftnl_table *nft_table_new(uint16_t family, const char *name)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (t) {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, family);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	}
	return t;
}

/**
 * nft_table_rules() - ask the kernel for one table and, if @rules, count its rules
 * @family:	NFPROTO_IPV4, NFPROTO_BRIDGE...
 * @name:	the table
 * @rules:	number of rules on success, or NULL
 *
 * Return: 0, -ENOENT when the table does not exist, or another negative errno.
 */
int nft_table_rules(uint16_t family, const char *name, unsigned int *rules)
{
	struct nftnl_table *t = nft_table_new(family, name);
	unsigned int tables = 0;
	int err;

	if (!t)
		return -ENOMEM;
	err = nft_dump(NFT_MSG_GETTABLE, family, t, count_cb, &tables);
	if (!err && rules) {
		*rules = 0;
		err = nft_dump(NFT_MSG_GETRULE, family, t, count_cb, rules);
	}
	nftnl_table_free(t);
	return err;
}

/**
 * nft_table_delete() - delete one table, if it exists, and nothing else, in a batch of its own
 * @family:	NFPROTO_IPV4, NFPROTO_BRIDGE...
 * @name:	the table
 *
 * Return: 0 (also when it was already gone) or a negative errno.
 */
int nft_table_delete(uint16_t family, const char *name)
{
	static struct nft_batch b;
	struct nftnl_table *t = nft_table_new(family, name);
	int err;

	if (!t)
		return -ENOMEM;
	nft_batch_begin(&b);
	nft_batch_table(&b, NFT_MSG_DELTABLE, 0, t);
	err = nft_batch_commit(&b);
	nftnl_table_free(t);
	return err == -ENOENT ? 0 : err;
}

/**
 * nft_probe() - check that the kernel speaks nf_tables at all
 *
 * Return: 0, or a negative errno: -EPROTONOSUPPORT when the kernel lacks
 * nf_tables, -EPERM without CAP_NET_ADMIN.
 */
int nft_probe(void)
{
	unsigned int n = 0;
	int err = nft_dump(NFT_MSG_GETTABLE, NFPROTO_UNSPEC, NULL, count_cb, &n);

	/* Without nfnetlink the socket cannot be opened; without nf_tables the
	 * subsystem is unknown and the request fails with EINVAL or ENOENT. */
	if (err == -EINVAL || err == -ENOENT)
		err = -EPROTONOSUPPORT;
	return err;
}
