// SPDX-License-Identifier: MIT
/*
 * rtlink.c - the few rtnetlink requests of the setuid helper and the runner, through libmnl alone
 *
 * Why not lib/netlink.c: that one is libnl-route, and libnl's library
 * constructors read NLSYSCONFDIR, NLDBG and NLCB and open files under a
 * directory the environment names, before main() of a setuid program can
 * wipe the environment (the CVE-2021-4034 class; docs/security.md).  libmnl
 * runs no code before main() that looks at the environment, so the setuid
 * image is built from this file and links no libnl at all (Makefile:
 * HELPER_LIBS).  redox-netsetup keeps libnl-route through lib/netlink.c; both
 * fill the same struct link_state (lib/link_state.h).
 */
#include <errno.h>
#include <limits.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/rtlink.h"

/* glibc's <net/if.h> lacks it, and <linux/if.h> cannot be included beside it. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/*
 * One RTM_NEWLINK answer without statistics is well under 4 KiB; a dump
 * packs several into each datagram, up to the socket's page-sized chunks.
 */
#define RTLINK_BUF 32768

/**
 * struct rtlink - a NETLINK_ROUTE socket and its receive buffer
 * @nl:		the socket
 * @portid:	its netlink port id, to match answers
 * @seq:	sequence number of the last request
 * @buf:	receive buffer
 */
struct rtlink {
	struct mnl_socket *nl;
	unsigned int portid, seq;
	char buf[RTLINK_BUF];
};

/**
 * rtlink_open() - open and bind a NETLINK_ROUTE socket
 *
 * Return: the handle, or NULL with errno set.
 */
struct rtlink *rtlink_open(void)
{
	struct rtlink *rt = malloc(sizeof(*rt));
	int one = 1;

	if (!rt)
		return NULL;
	rt->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!rt->nl || mnl_socket_bind(rt->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		if (rt->nl)
			mnl_socket_close(rt->nl);
		free(rt);
		errno = err;
		return NULL;
	}
	/* Errors come back with the request's attributes trimmed, and with strict checks. */
	(void)mnl_socket_setsockopt(rt->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(rt->nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	rt->portid = mnl_socket_get_portid(rt->nl);
	rt->seq = (unsigned int)time(NULL);
	return rt;
}

/**
 * rtlink_close() - close a handle from rtlink_open(); NULL is allowed
 * @rt:		handle
 */
void rtlink_close(struct rtlink *rt)
{
	if (!rt)
		return;
	mnl_socket_close(rt->nl);
	free(rt);
}

/**
 * exchange() - send one request and run @cb over the answer until it is complete
 * @rt:		handle
 * @nlh:	the request, with its flags set
 * @cb:		called for each data message, or NULL
 * @data:	for @cb
 *
 * A request with NLM_F_ACK or NLM_F_DUMP ends with the kernel's ACK or
 * NLMSG_DONE; a plain GET ends with its one answer.
 *
 * Return: 0 or a negative errno (the kernel's, for a refused request).
 */
static int exchange(struct rtlink *rt, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	bool until_end = nlh->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP);
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = ++rt->seq;
	if (mnl_socket_sendto(rt->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(rt->nl, rt->buf, sizeof(rt->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(rt->buf, (size_t)n, nlh->nlmsg_seq, rt->portid, cb, data);
		if (ret == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
	} while (ret != MNL_CB_STOP && until_end);
	return 0;
}

/* tb[] filler for mnl_attr_parse(): known types only, the rest ignored. */
struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int put_attr(const struct nlattr *a, void *data)
{
	const struct attr_table *t = data;
	unsigned int type = mnl_attr_get_type(a);

	if (type <= t->max)
		t->tb[type] = a;
	return MNL_CB_OK;
}

/* Return: true with @v set if @a is present and exactly a u32 (or a u8, for @v8). */
static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(uint32_t))
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

static bool get_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || mnl_attr_get_payload_len(a) != sizeof(uint8_t))
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

/* Copy a NUL-terminated string attribute into @out; anything else, or too long, is "". */
static void get_str(const struct nlattr *a, char *out, size_t size)
{
	const char *s;
	size_t len;

	out[0] = '\0';
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return;
	s = mnl_attr_get_str(a);
	len = strnlen(s, mnl_attr_get_payload_len(a));
	if (len < size) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
}

static void parse_tun(const struct nlattr *data, struct link_tun *tun)
{
	const struct nlattr *tb[IFLA_TUN_MAX + 1] = { 0 };
	struct attr_table t = { tb, IFLA_TUN_MAX };
	uint8_t v;

	if (mnl_attr_parse_nested(data, put_attr, &t) < 0)
		return;
	tun->valid = true;
	(void)get_u8(tb[IFLA_TUN_TYPE], &tun->type);
	tun->vnet_hdr = get_u8(tb[IFLA_TUN_VNET_HDR], &v) && v;
	tun->multi_queue = get_u8(tb[IFLA_TUN_MULTI_QUEUE], &v) && v;
	tun->persist = get_u8(tb[IFLA_TUN_PERSIST], &v) && v;
	(void)get_u32(tb[IFLA_TUN_NUM_QUEUES], &tun->queues);
	(void)get_u32(tb[IFLA_TUN_NUM_DISABLED_QUEUES], &tun->disabled_queues);
	/* The kernel omits owner and group when they were never set. */
	tun->has_owner = get_u32(tb[IFLA_TUN_OWNER], &tun->owner);
	tun->has_group = get_u32(tb[IFLA_TUN_GROUP], &tun->group);
}

static void parse_linkinfo(const struct nlattr *info, struct link_state *l)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = { 0 };
	struct attr_table t = { tb, IFLA_INFO_MAX };

	if (mnl_attr_parse_nested(info, put_attr, &t) < 0)
		return;
	get_str(tb[IFLA_INFO_KIND], l->kind, sizeof(l->kind));
	if (!tb[IFLA_INFO_DATA])
		return;
	if (!strcmp(l->kind, "tun")) {
		parse_tun(tb[IFLA_INFO_DATA], &l->tun);
	} else if (!strcmp(l->kind, "macvtap")) {
		const struct nlattr *mv[IFLA_MACVLAN_MAX + 1] = { 0 };
		struct attr_table m = { mv, IFLA_MACVLAN_MAX };

		if (mnl_attr_parse_nested(tb[IFLA_INFO_DATA], put_attr, &m) >= 0)
			(void)get_u32(mv[IFLA_MACVLAN_MODE], &l->macvtap_mode);
	}
}

/**
 * parse_link() - fill @l from one RTM_NEWLINK message
 * @nlh:	the message
 * @l:		the result
 *
 * Every attribute's length is checked before it is read: an attribute of
 * the wrong size is treated as absent.
 *
 * Return: 0, or -1 if @nlh is not a usable link message.
 */
static int parse_link(const struct nlmsghdr *nlh, struct link_state *l)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct attr_table t = { tb, IFLA_MAX };
	const struct ifinfomsg *ifi;
	uint32_t v;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_SPACE(sizeof(*ifi)) ||
	    nlh->nlmsg_len > RTLINK_BUF ||
	    mnl_attr_parse(nlh, sizeof(*ifi), put_attr, &t) < 0)
		return -1;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(l, 0, sizeof(*l));
	get_str(tb[IFLA_IFNAME], l->name, sizeof(l->name));
	if (!l->name[0])
		return -1;
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	(void)get_u32(tb[IFLA_GROUP], &l->group);
	(void)get_u32(tb[IFLA_MTU], &l->mtu);
	if (get_u32(tb[IFLA_LINK], &v))
		l->link = (int)v;
	if (get_u32(tb[IFLA_MASTER], &v))
		l->master = (int)v;
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
		l->has_mac = true;
	}
	get_str(tb[IFLA_IFALIAS], l->alias, sizeof(l->alias));
	if (tb[IFLA_LINKINFO])
		parse_linkinfo(tb[IFLA_LINKINFO], l);
	/* The kernel counts queues only for multi-queue TAPs; a single-queue TAP
	 * has carrier exactly while a process holds its one queue. */
	if (l->tun.valid && !l->tun.multi_queue)
		l->tun.queues = (l->flags & IFF_LOWER_UP) ? 1 : 0;
	return 0;
}

/**
 * rtlink_parse() - fill @l from the first message in a buffer received from the kernel
 * @buf:	the buffer
 * @len:	its length
 * @l:		the result
 *
 * What rtlink_get() and rtlink_dump() apply to each message, for the fuzz
 * target (tests/fuzz/fuzz_rtlink.c): the kernel is trusted, but a parser in a
 * setuid program reads no byte it has not checked is there.
 *
 * Return: 0, or -1 if the buffer does not start with a usable link message.
 */
int rtlink_parse(const void *buf, size_t len, struct link_state *l)
{
	const struct nlmsghdr *nlh = buf;

	/* mnl_nlmsg_ok() compares the length as an int: one of 2^31 or more would pass. */
	if (len > INT_MAX || len < sizeof(*nlh) || nlh->nlmsg_len > len || !mnl_nlmsg_ok(nlh, (int)len))
		return -1;
	return parse_link(nlh, l);
}

/* struct get_one - rtlink_get()'s answer: the link, and whether it came */
struct get_one {
	struct link_state *out;
	bool found;
};

static int on_one(const struct nlmsghdr *nlh, void *data)
{
	struct get_one *g = data;

	if (!g->found && parse_link(nlh, g->out) == 0)
		g->found = true;
	return MNL_CB_OK;
}

/**
 * link_start() - start an RTM_GETLINK or RTM_NEWLINK in @rt's buffer
 * @rt:		handle
 * @type:	RTM_GETLINK or RTM_NEWLINK
 * @flags:	NLM_F_* besides NLM_F_REQUEST
 * @ifindex:	the device, 0 for none (a GET by name, a dump)
 * @up:		IFF_UP to set it, 0 to leave the flags alone
 *
 * A GET leaves statistics out: they are most of an answer.
 *
 * Return: the message, ready for attributes.
 */
static struct nlmsghdr *link_start(struct rtlink *rt, uint16_t type, uint16_t flags, int ifindex,
				   unsigned int up)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rt->buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = up;
	ifi->ifi_change = up;
	if (type == RTM_GETLINK)
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nlh;
}

/**
 * rtlink_get() - look one device up by name
 * @rt:		handle
 * @name:	device name (already validated)
 * @out:	filled on success
 *
 * Return: 0, -ENODEV if there is no such device, or another negative errno.
 */
int rtlink_get(struct rtlink *rt, const char *name, struct link_state *out)
{
	struct get_one g = { .out = out };
	struct nlmsghdr *nlh = link_start(rt, RTM_GETLINK, 0, 0, 0);
	int err;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	err = exchange(rt, nlh, on_one, &g);
	if (!err && (!g.found || strcmp(out->name, name)))
		err = -ENODEV;
	return err;
}

/* struct dump_each - rtlink_dump()'s caller's function */
struct dump_each {
	int (*each)(const struct link_state *l, void *arg);
	void *arg;
	int err;
};

static int on_each(const struct nlmsghdr *nlh, void *data)
{
	struct dump_each *d = data;
	struct link_state l;

	if (d->err || parse_link(nlh, &l))
		return MNL_CB_OK;
	d->err = d->each(&l, d->arg);
	return MNL_CB_OK;
}

/**
 * rtlink_dump() - call @each for every device in the namespace
 * @rt:		handle
 * @each:	returns 0 to go on; its first non-zero return is rtlink_dump()'s
 * @arg:	for @each
 *
 * The whole dump is read even after @each stopped, so the socket is clean
 * for the next request.
 *
 * Return: 0, @each's error, or a negative errno.
 */
int rtlink_dump(struct rtlink *rt, int (*each)(const struct link_state *l, void *arg), void *arg)
{
	struct dump_each d = { .each = each, .arg = arg };
	int err = exchange(rt, link_start(rt, RTM_GETLINK, NLM_F_DUMP, 0, 0), on_each, &d);

	return err ? err : d.err;
}

/**
 * rtlink_set_alias() - write a device's alias (IFLA_IFALIAS)
 * @rt:		handle
 * @ifindex:	device
 * @alias:	the text; "" removes it
 *
 * Needs CAP_NET_ADMIN: that is what makes an alias a record the holder of
 * a TAP's fd cannot rewrite (link_alias_owner()).
 *
 * Return: 0 or a negative errno.
 */
int rtlink_set_alias(struct rtlink *rt, int ifindex, const char *alias)
{
	struct nlmsghdr *nlh = link_start(rt, RTM_NEWLINK, NLM_F_ACK, ifindex, 0);

	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return exchange(rt, nlh, NULL, NULL);
}

/**
 * fdb_add_local() - pin @mac to @port in the bridge's forwarding table, as a local entry
 * @rt:		handle
 * @port:	the bridge port
 * @mac:	the guest's MAC
 *
 * A "permanent" (NUD_PERMANENT) entry is a local one, added by us.  Whoever
 * holds a TAP's fd can give the TAP any hardware address (SIOCSIFHWADDR, no
 * capability), and the bridge then adds that address as the port's own
 * (fdb_add_local() in the kernel's br_fdb.c), deleting any static entry that
 * pointed elsewhere, but never replacing a local one.  So with the guest MAC
 * pinned this way, another VM taking it as its TAP's address buys nothing:
 * the host still sends that guest's frames to this port (br_dev_xmit()).
 * NLM_F_REPLACE moves an entry another port took first to this one.
 *
 * Return: 0 or a negative errno.
 */
static int fdb_add_local(struct rtlink *rt, int port, const uint8_t mac[6])
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(rt->buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = port;
	ndm->ndm_state = NUD_PERMANENT;
	ndm->ndm_flags = NTF_MASTER;
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return exchange(rt, nlh, NULL, NULL);
}

/**
 * rtlink_port_attach() - make a fresh TAP a guest's bridge port: grouped, enslaved, pinned, closed, up
 * @rt:		handle
 * @ifindex:	the TAP, down
 * @group:	netdev group
 * @master:	the bridge
 * @guest_mac:	the only source address the port may use
 *
 * Three requests, in an order that never lets the port forward a frame
 * before it is locked down:
 *  1. group and bridge, with the TAP still down (the kernel takes bridge-port
 *     attributes only from a device that has its bridge);
 *  2. the guest MAC pinned to the port (fdb_add_local());
 *  3. the port attributes, and IFF_UP in the same request:
 *     - isolated: the port exchanges frames only with the bridge itself, so
 *       guests meet only through the host, at layer 3;
 *     - learning off: a guest's frames never teach the bridge an address,
 *       so no foreign or random source MAC can move an entry or fill the
 *       table (the nft port filter drops such frames anyway);
 *     - unicast flood off: a frame for an address the bridge does not know
 *       is never copied to guests.
 *
 * Return: 0 or a negative errno.
 */
int rtlink_port_attach(struct rtlink *rt, int ifindex, uint32_t group, int master,
		       const uint8_t guest_mac[6])
{
	struct nlmsghdr *nlh = link_start(rt, RTM_NEWLINK, NLM_F_ACK, ifindex, 0);
	struct nlattr *info, *data;
	int err;

	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	err = exchange(rt, nlh, NULL, NULL);
	if (!err)
		err = fdb_add_local(rt, ifindex, guest_mac);
	if (err)
		return err;
	nlh = link_start(rt, RTM_NEWLINK, NLM_F_ACK, ifindex, IFF_UP);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_SLAVE_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_SLAVE_DATA);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_ISOLATED, 1);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_LEARNING, 0);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_UNICAST_FLOOD, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return exchange(rt, nlh, NULL, NULL);
}
