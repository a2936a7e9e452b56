// SPDX-License-Identifier: MIT
/* port_filter.c - the setuid helper's one write to the bridge port filter: a port's guest MAC */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include "helper/port_filter.h"
#include "nft/nft_portfilter.h"

/* Room for the batch: begin, one element, end; and for the kernel's answers. */
#define PF_BUFSZ 4096

/*
 * build_batch() - NEWSETELEM for @key into @buf, between batch begin and end
 * Return: the batch's length, or 0 if it does not fit or allocation fails.
 */
static size_t build_batch(char *buf, size_t size, const uint8_t key[RN_PF_MAC_KEY_LEN],
			  uint32_t seq)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	struct mnl_nlmsg_batch *b;
	struct nlmsghdr *nlh;
	size_t len = 0;

	if (!s || !e)
		goto out;
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_BRIDGE);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, RN_PF_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, RN_PF_SET_MAC);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, RN_PF_MAC_KEY_LEN);
	nftnl_set_elem_add(s, e);
	e = NULL;	/* the set owns it now */
	b = mnl_nlmsg_batch_start(buf, size);
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq++);
	mnl_nlmsg_batch_next(b);
	/* NLM_F_CREATE without NLM_F_EXCL: an element that is there already is fine (a
	 * VM restarting in its slot, or a stale element, which is the same one). */
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWSETELEM, NFPROTO_BRIDGE,
				    NLM_F_CREATE | NLM_F_ACK, seq++);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	mnl_nlmsg_batch_next(b);
	nftnl_batch_end(mnl_nlmsg_batch_current(b), seq);
	if (mnl_nlmsg_batch_next(b))
		len = mnl_nlmsg_batch_size(b);
	mnl_nlmsg_batch_stop(b);
out:
	if (e)
		nftnl_set_elem_free(e);
	if (s)
		nftnl_set_free(s);
	return len;
}

/**
 * port_filter_bind() - let @port send with source @mac: add "port . mac" to @guest_mac
 * @port:	the VM's TAP, a port of the bridge
 * @mac:	the guest MAC the helper hands to the VMM for it
 *
 * One nf_tables batch over a NETLINK_NETFILTER socket of its own, with libmnl and
 * libnftnl only: nothing here reads the environment or a file.  The table belongs to
 * `redox-netsetup up --bridge`; the helper only ever adds to one set of it.  Name and
 * MAC are both functions of (uid, slot), so an element left behind by a VM that has
 * exited grants nothing to anyone but the next VM of that user in that slot.
 *
 * Return: 0 (also when the element existed), -ENOENT when the table or the set is
 * missing, -EINVAL for a name that is not a device name, or another negative errno.
 */
int port_filter_bind(const char *port, const uint8_t mac[6])
{
	uint8_t key[RN_PF_MAC_KEY_LEN] = { 0 };
	char buf[PF_BUFSZ] = { 0 };	/* netlink padding goes out as zeroes */
	size_t namelen = strnlen(port, IFNAMSIZ), len;
	uint32_t seq = (uint32_t)time(NULL);
	struct mnl_socket *nl;
	ssize_t n;
	int err;

	if (!namelen || namelen >= IFNAMSIZ)
		return -EINVAL;
	/* The key as the rules build it: the name in 16 bytes, the MAC in the next register. */
	memcpy(key, port, namelen);
	memcpy(key + IFNAMSIZ, mac, 6);
	len = build_batch(buf, sizeof(buf), key, seq);
	if (!len)
		return -ENOMEM;
	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || mnl_socket_sendto(nl, buf, len) < 0) {
		err = -errno;
		goto out;
	}
	/*
	 * The kernel runs the batch inside sendmsg() and has queued its answer by now: the
	 * ACK of the element, or the error of whichever message failed (sequence numbers
	 * are not checked, so a refused batch header counts too).
	 */
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		err = -errno;
	else
		err = mnl_cb_run(buf, (size_t)n, 0, mnl_socket_get_portid(nl), NULL, NULL) < 0 ?
		      -errno : 0;
out:
	mnl_socket_close(nl);
	return err;
}
