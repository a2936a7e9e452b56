// SPDX-License-Identifier: MIT
/* netlink.c - rtnetlink through libnl-route-3: link queries, link changes, deletes */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <stdlib.h>
#include <string.h>

#include "lib/netlink.h"

/* glibc's <net/if.h> lacks it, and <linux/if.h> cannot be included beside it. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/*
 * libnl reports its own NLE_* codes; callers here speak errno, which is what
 * their messages and the kernel documentation use.
 */
/* Receive buffer: the largest datagram the kernel builds for a dump (32 KiB). */
#define RN_NL_RECV_BUF 32768

static int nle_to_errno(int nle)
{
	switch (abs(nle)) {
	case 0:			return 0;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:		return -ENODEV;
	case NLE_EXIST:		return -EEXIST;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_NOADDR:	return -EADDRNOTAVAIL;
	case NLE_BUSY:		return -EBUSY;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_INVAL:		return -EINVAL;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_RANGE:		return -ERANGE;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_DUMP_INTR:	return -EAGAIN;
	default:		return -EIO;
	}
}

/**
 * nl_route_open() - open and connect a NETLINK_ROUTE socket
 *
 * Return: the socket, or NULL with errno set.
 */
struct nl_sock *nl_route_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		errno = ENOMEM;
		return NULL;
	}
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0) {
		nl_socket_free(sk);
		errno = -nle_to_errno(err);
		return NULL;
	}
	/* libnl peeks at each datagram's size (MSG_PEEK|MSG_TRUNC) before reading it: two
	 * recvmsg() per answer.  The kernel never builds a datagram larger than 32 KiB
	 * (netlink_dump() caps its buffer there), so a buffer of that size reads it at once. */
	nl_socket_disable_msg_peek(sk);
	err = nl_socket_set_msg_buf_size(sk, RN_NL_RECV_BUF);
	if (err < 0) {
		nl_socket_free(sk);
		errno = -nle_to_errno(err);
		return NULL;
	}
	return sk;
}

/**
 * nl_route_close() - close a socket from nl_route_open(); NULL is allowed
 * @sk:		socket
 */
void nl_route_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

/**
 * nl_strerror() - Return: a message for a negative errno from this file
 * @err:	negative errno
 */
const char *nl_strerror(int err)
{
	return strerror(-err);
}

static void parse_tun(struct nlattr *data, struct link_tun *tun)
{
	struct nlattr *tb[IFLA_TUN_MAX + 1];

	if (nla_parse_nested(tb, IFLA_TUN_MAX, data, NULL) < 0)
		return;
	tun->valid = true;
	if (tb[IFLA_TUN_TYPE])
		tun->type = nla_get_u8(tb[IFLA_TUN_TYPE]);
	if (tb[IFLA_TUN_VNET_HDR])
		tun->vnet_hdr = nla_get_u8(tb[IFLA_TUN_VNET_HDR]);
	if (tb[IFLA_TUN_MULTI_QUEUE])
		tun->multi_queue = nla_get_u8(tb[IFLA_TUN_MULTI_QUEUE]);
	if (tb[IFLA_TUN_PERSIST])
		tun->persist = nla_get_u8(tb[IFLA_TUN_PERSIST]);
	if (tb[IFLA_TUN_NUM_QUEUES])
		tun->queues = nla_get_u32(tb[IFLA_TUN_NUM_QUEUES]);
	if (tb[IFLA_TUN_NUM_DISABLED_QUEUES])
		tun->disabled_queues = nla_get_u32(tb[IFLA_TUN_NUM_DISABLED_QUEUES]);
	/* The kernel omits owner and group when they were never set. */
	tun->has_owner = tb[IFLA_TUN_OWNER] != NULL;
	if (tun->has_owner)
		tun->owner = nla_get_u32(tb[IFLA_TUN_OWNER]);
	tun->has_group = tb[IFLA_TUN_GROUP] != NULL;
	if (tun->has_group)
		tun->group = nla_get_u32(tb[IFLA_TUN_GROUP]);
}

static void parse_linkinfo(struct nlattr *info, struct link_state *l)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1];

	if (nla_parse_nested(tb, IFLA_INFO_MAX, info, NULL) < 0 || !tb[IFLA_INFO_KIND])
		return;
	nla_strlcpy(l->kind, tb[IFLA_INFO_KIND], sizeof(l->kind));
	if (!tb[IFLA_INFO_DATA])
		return;
	if (!strcmp(l->kind, "tun")) {
		parse_tun(tb[IFLA_INFO_DATA], &l->tun);
	} else if (!strcmp(l->kind, "macvtap")) {
		struct nlattr *mv[IFLA_MACVLAN_MAX + 1];

		if (nla_parse_nested(mv, IFLA_MACVLAN_MAX, tb[IFLA_INFO_DATA], NULL) >= 0 &&
		    mv[IFLA_MACVLAN_MODE])
			l->macvtap_mode = nla_get_u32(mv[IFLA_MACVLAN_MODE]);
	}
}

static int parse_link_msg(struct nl_msg *msg, struct link_state *l)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ifinfomsg *ifi = nlmsg_data(nlh);
	struct nlattr *tb[IFLA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_IFNAME])
		return -1;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	nla_strlcpy(l->name, tb[IFLA_IFNAME], sizeof(l->name));
	if (tb[IFLA_GROUP])
		l->group = nla_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_MTU])
		l->mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_LINK])
		l->link = (int)nla_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_MASTER])
		l->master = (int)nla_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(l->mac, nla_data(tb[IFLA_ADDRESS]), 6);
		l->has_mac = true;
	}
	if (tb[IFLA_IFALIAS])
		nla_strlcpy(l->alias, tb[IFLA_IFALIAS], sizeof(l->alias));
	if (tb[IFLA_LINKINFO])
		parse_linkinfo(tb[IFLA_LINKINFO], l);
	/* The kernel counts queues only for multi-queue TAPs; a single-queue TAP
	 * has carrier exactly while a process holds its one queue. */
	if (l->tun.valid && !l->tun.multi_queue)
		l->tun.queues = (l->flags & IFF_LOWER_UP) ? 1 : 0;
	return 0;
}

/**
 * struct link_collect - receive state for link_query() and link_list()
 * @items:	collected links
 * @count:	number used
 * @cap:	number allocated
 * @failed:	out of memory
 */
struct link_collect {
	struct link_state *items;
	size_t count, cap;
	bool failed;
};

static int collect_link(struct nl_msg *msg, void *arg)
{
	struct link_collect *c = arg;

	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct link_state *n = reallocarray(c->items, cap, sizeof(*n));

		if (!n) {
			c->failed = true;
			return NL_STOP;
		}
		c->items = n;
		c->cap = cap;
	}
	if (parse_link_msg(msg, &c->items[c->count]) == 0)
		c->count++;
	return NL_OK;
}

static int link_request(struct nl_sock *sk, const char *name, struct link_collect *c)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_cb *sock_cb = nl_socket_get_cb(sk);	/* takes a reference */
	struct nl_cb *cb = nl_cb_clone(sock_cb);
	struct nl_msg *msg;
	int err;

	nl_cb_put(sock_cb);
	msg = nlmsg_alloc_simple(RTM_GETLINK, name ? 0 : NLM_F_DUMP);
	if (!msg || !cb || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0) ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0) {
		err = -NLE_NOMEM;
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, collect_link, c);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs(sk, cb);
	/* libnl asks for an ACK on every request; a named GET's ACK follows its
	 * answer and must be read here, or the next request would take it as its own. */
	if (err >= 0 && name)
		err = nl_wait_for_ack(sk);
	if (err >= 0 && c->failed)
		err = -NLE_NOMEM;
out:
	nlmsg_free(msg);
	nl_cb_put(cb);
	return nle_to_errno(err < 0 ? err : 0);
}

/**
 * link_query() - look one device up by name
 * @sk:		route socket
 * @name:	device name (already validated)
 * @out:	filled on success
 *
 * Return: 0, -ENODEV if there is no such device, or another negative errno.
 */
int link_query(struct nl_sock *sk, const char *name, struct link_state *out)
{
	struct link_collect c = { 0 };
	int err = link_request(sk, name, &c);

	if (!err && c.count != 1)
		err = -ENODEV;
	if (!err)
		*out = c.items[0];
	free(c.items);
	return err;
}

/**
 * link_list() - list every device in the namespace
 * @sk:		route socket
 * @out:	array of devices, to be freed by the caller
 * @count:	number of devices in @out
 *
 * A device made or removed during the dump makes the kernel flag it as
 * interrupted (NLM_F_DUMP_INTR; libnl reads it to its end first): the dump
 * is taken again, so a list is one consistent view even while VMs come and go.
 *
 * Return: 0, -EAGAIN if every dump was interrupted, or another negative errno.
 */
int link_list(struct nl_sock *sk, struct link_state **out, size_t *count)
{
	struct link_collect c = { 0 };
	int err = link_request(sk, NULL, &c);

	for (int tries = 1; err == -EAGAIN && tries < 20; tries++) {
		free(c.items);
		memset(&c, 0, sizeof(c));
		err = link_request(sk, NULL, &c);
	}
	if (err) {
		free(c.items);
		return err;
	}
	*out = c.items;
	*count = c.count;
	return 0;
}

/* One RTM_NEWLINK that sets the group and, when asked, the master and IFF_UP. */
static int link_change(struct nl_sock *sk, int ifindex, uint32_t group, int master, bool up)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *change = rtnl_link_alloc();
	int err = -NLE_NOMEM;

	if (orig && change) {
		rtnl_link_set_ifindex(orig, ifindex);
		rtnl_link_set_group(change, group);
		if (master)
			rtnl_link_set_master(change, master);
		if (up)
			rtnl_link_set_flags(change, IFF_UP);
		err = rtnl_link_change(sk, orig, change, 0);
	}
	rtnl_link_put(orig);
	rtnl_link_put(change);
	return nle_to_errno(err);
}

/**
 * link_set_group_up() - put a device in a netdev group and optionally bring it up
 * @sk:		route socket
 * @ifindex:	device
 * @group:	netdev group
 * @up:		also set IFF_UP
 *
 * Return: 0 or a negative errno.
 */
int link_set_group_up(struct nl_sock *sk, int ifindex, uint32_t group, bool up)
{
	return link_change(sk, ifindex, group, 0, up);
}

/**
 * link_attach_up() - put a device in a netdev group, enslave it to a bridge and bring it up
 * @sk:		route socket
 * @ifindex:	device
 * @group:	netdev group
 * @master:	the bridge's ifindex
 *
 * One RTM_NEWLINK does all three, so the device is never seen in the group
 * without its bridge, which is what the helper's quota counts.
 *
 * Return: 0 or a negative errno.
 */
int link_attach_up(struct nl_sock *sk, int ifindex, uint32_t group, int master)
{
	return link_change(sk, ifindex, group, master, true);
}

/**
 * link_attach_isolated_up() - link_attach_up() for a bridge port that must not see its peers
 * @sk:		route socket
 * @ifindex:	device
 * @group:	netdev group
 * @master:	the bridge's ifindex
 *
 * An isolated bridge port exchanges frames only with the bridge's ports that
 * are not isolated, and with the bridge device itself: two VMs' TAPs never
 * see each other's frames, broadcasts included, and the host routes between
 * them (proxy_arp_pvlan on the bridge).  The kernel takes bridge-port
 * attributes only from a device that already has its bridge, so this is two
 * requests: the group and the bridge with the device still down, then
 * IFLA_BRPORT_ISOLATED and IFF_UP together, so the port never forwards a
 * frame before it is isolated (link_send_info()).
 *
 * Return: 0 or a negative errno.
 */
int link_attach_isolated_up(struct nl_sock *sk, int ifindex, uint32_t group, int master)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex,
				 .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
	struct nl_msg *msg;
	int err = link_change(sk, ifindex, group, master, false);

	if (err)
		return err;
	msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return nle_to_errno(link_send_info(sk, msg, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA,
					   IFLA_BRPORT_ISOLATED, 1));
}

/**
 * link_send_info() - end an RTM_NEWLINK with "bridge" link info holding one u8, and send it
 * @sk:		route socket
 * @msg:	the request so far (ifinfomsg and any attributes); always freed
 * @kind_attr:	IFLA_INFO_KIND (the bridge itself) or IFLA_INFO_SLAVE_KIND (a port)
 * @data_attr:	IFLA_INFO_DATA or IFLA_INFO_SLAVE_DATA, to match
 * @attr:	an IFLA_BR_* or IFLA_BRPORT_* attribute
 * @value:	its value
 *
 * libnl 3.7 has setters for neither the bridge's nor its ports' attributes,
 * so bridge_create() and link_attach_isolated_up() nest them with its message
 * API, here, and wait for the kernel's answer.
 *
 * Return: 0 or a negative libnl error (-NLE_NOMEM if the message did not fit).
 */
int link_send_info(struct nl_sock *sk, struct nl_msg *msg, int kind_attr, int data_attr,
		   int attr, uint8_t value)
{
	struct nlattr *info, *data;

	if (!(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, kind_attr, "bridge") < 0 ||
	    !(data = nla_nest_start(msg, data_attr)) ||
	    nla_put_u8(msg, attr, value) < 0) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return nl_send_sync(sk, msg);	/* frees @msg */
}

/**
 * link_delete() - delete one device
 * @sk:		route socket
 * @ifindex:	device
 *
 * Return: 0, -ENODEV if it was already gone, or another negative errno.
 */
int link_delete(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *link = rtnl_link_alloc();
	int err = -NLE_NOMEM;

	if (link) {
		rtnl_link_set_ifindex(link, ifindex);
		err = rtnl_link_delete(sk, link);
		rtnl_link_put(link);
	}
	return nle_to_errno(err);
}

/**
 * link_delete_group() - delete every device of a netdev group in one request
 * @sk:		route socket
 * @group:	netdev group
 *
 * The kernel unregisters the whole group as one batch (rtnl_group_dellink),
 * so the RCU grace period that dominates a device delete is paid once.
 * Callers must first make sure every member of the group is theirs.
 *
 * Return: 0 or a negative errno.
 */
int link_delete_group(struct nl_sock *sk, uint32_t group)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	int err;

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_GROUP, group) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = nl_send_sync(sk, msg);	/* frees msg, waits for the ACK */
	return nle_to_errno(err);
}

static struct rtnl_addr *addr_build(int ifindex, const struct rn_prefix *p)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET, &p->addr, sizeof(p->addr));
	struct in_addr bcast = {
		.s_addr = p->addr.s_addr | htonl(~prefix_mask(p->len)),
	};
	struct nl_addr *brd = nl_addr_build(AF_INET, &bcast, sizeof(bcast));

	if (a && local && brd) {
		nl_addr_set_prefixlen(local, (int)p->len);
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_broadcast(a, brd);
	} else {
		rtnl_addr_put(a);
		a = NULL;
	}
	nl_addr_put(local);
	nl_addr_put(brd);
	return a;
}

/**
 * addr_present() - check whether a device carries exactly this address/prefix
 * @sk:		route socket
 * @ifindex:	device
 * @p:		address and prefix length
 *
 * Return: 1 if present, 0 if not, or a negative errno.
 */
int addr_present(struct nl_sock *sk, int ifindex, const struct rn_prefix *p)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int found = 0, err;

	err = rtnl_addr_alloc_cache(sk, &cache);
	if (err < 0)
		return nle_to_errno(err);
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_ifindex(a) == ifindex && rtnl_addr_get_family(a) == AF_INET &&
		    local && nl_addr_get_len(local) == 4 &&
		    !memcmp(nl_addr_get_binary_addr(local), &p->addr, 4) &&
		    rtnl_addr_get_prefixlen(a) == (int)p->len)
			found = 1;
	}
	nl_cache_free(cache);
	return found;
}

/**
 * addr_add() - add an IPv4 address with its broadcast address to a device
 * @sk:		route socket
 * @ifindex:	device
 * @p:		address and prefix length
 *
 * Return: 0, -EEXIST if it is already there, or another negative errno.
 */
int addr_add(struct nl_sock *sk, int ifindex, const struct rn_prefix *p)
{
	struct rtnl_addr *a = addr_build(ifindex, p);
	int err;

	if (!a)
		return -ENOMEM;
	err = rtnl_addr_add(sk, a, NLM_F_EXCL);
	rtnl_addr_put(a);
	return nle_to_errno(err);
}

/**
 * addr_delete() - remove an IPv4 address from a device
 * @sk:		route socket
 * @ifindex:	device
 * @p:		address and prefix length
 *
 * Return: 0, -EADDRNOTAVAIL or -ENODEV if it was not there, or another negative errno.
 */
int addr_delete(struct nl_sock *sk, int ifindex, const struct rn_prefix *p)
{
	struct rtnl_addr *a = addr_build(ifindex, p);
	int err;

	if (!a)
		return -ENOMEM;
	err = rtnl_addr_delete(sk, a, 0);
	rtnl_addr_put(a);
	return nle_to_errno(err);
}

/**
 * route_find_conflict() - find a route that already owns (part of) a subnet
 * @sk:		route socket
 * @subnet:	the guest subnet
 * @own_ifindex: our own device, whose routes are not conflicts (0 if none yet)
 * @out:	the first conflicting route
 *
 * A route in the main table that is as specific as the subnet or more, and
 * leaves through another device, means that addresses in the subnet already
 * belong to someone else: adding ours would break their traffic or ours.
 * Wider routes (a /12 VPN route, the default route) are not conflicts: the
 * more specific route we add simply wins for the guest subnet.
 *
 * Return: 1 if a conflict was found, 0 if none, or a negative errno.
 */
int route_find_conflict(struct nl_sock *sk, const struct rn_prefix *subnet, int own_ifindex,
			struct route_conflict *out)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int found = 0, err;

	err = rtnl_route_alloc_cache(sk, AF_INET, 0, &cache);
	if (err < 0)
		return nle_to_errno(err);
	for (obj = nl_cache_get_first(cache); obj && !found; obj = nl_cache_get_next(obj)) {
		struct rtnl_route *r = (struct rtnl_route *)obj;
		struct nl_addr *dst = rtnl_route_get_dst(r);
		struct rtnl_nexthop *nh;
		struct rn_prefix rp;

		if (rtnl_route_get_table(r) != (uint32_t)RT_TABLE_MAIN || !dst ||
		    nl_addr_get_len(dst) != 4 || nl_addr_get_prefixlen(dst) < subnet->len)
			continue;
		memcpy(&rp.addr, nl_addr_get_binary_addr(dst), 4);
		rp.len = (unsigned int)nl_addr_get_prefixlen(dst);
		nh = rtnl_route_nexthop_n(r, 0);
		if (!prefix_overlaps(&rp, subnet) || !nh ||
		    rtnl_route_nh_get_ifindex(nh) == own_ifindex)
			continue;
		out->ifindex = rtnl_route_nh_get_ifindex(nh);
		out->dst = rp;
		found = 1;
	}
	nl_cache_free(cache);
	return found;
}

/**
 * neigh_mac() - the hardware address of a neighbour the kernel has seen on a device
 * @sk:		route socket
 * @ifindex:	device
 * @mac:	the address, when one is found
 *
 * A guest on a TAP of its own is the only host behind it, so any IPv4
 * neighbour entry there carrying a 6-byte link-layer address is the guest's
 * MAC.  The first usable entry wins; entries that failed resolution have no
 * address and are passed over.
 *
 * Return: 1 if found, 0 if not, or a negative errno.
 */
int neigh_mac(struct nl_sock *sk, int ifindex, uint8_t mac[6])
{
	struct nl_cache *cache;
	struct nl_object *obj;
	int found = 0, err;

	err = rtnl_neigh_alloc_cache(sk, &cache);
	if (err < 0)
		return nle_to_errno(err);
	for (obj = nl_cache_get_first(cache); obj && !found; obj = nl_cache_get_next(obj)) {
		struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
		struct nl_addr *ll = rtnl_neigh_get_lladdr(n);

		if (rtnl_neigh_get_ifindex(n) == ifindex && rtnl_neigh_get_family(n) == AF_INET &&
		    ll && nl_addr_get_len(ll) == 6) {
			memcpy(mac, nl_addr_get_binary_addr(ll), 6);
			found = 1;
		}
	}
	nl_cache_free(cache);
	return found;
}
