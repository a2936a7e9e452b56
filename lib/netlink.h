/* SPDX-License-Identifier: MIT */
/* netlink.h - rtnetlink through libnl-route-3: link queries, link changes, deletes */
#ifndef REDOX_NET_NETLINK_H
#define REDOX_NET_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/inet.h"

struct nl_msg;
struct nl_sock;

/*
 * Every device redox-net creates carries this netdev group (IFLA_GROUP).  It is
 * how teardown recognises its own devices without trusting names alone, and it
 * lets `down --all` delete them all in one RTM_DELLINK, which costs the kernel
 * one RCU grace period instead of one per device.  The value spells "rxn".
 */
#define RN_IFGROUP 0x72786eu

/**
 * struct link_tun - what the kernel reports about a TUN/TAP device (IFLA_TUN_*)
 * @valid:	the device is a tun device and the kernel sent IFLA_INFO_DATA
 * @type:	IFF_TUN or IFF_TAP
 * @vnet_hdr:	IFF_VNET_HDR is set
 * @multi_queue: IFF_MULTI_QUEUE is set
 * @persist:	TUNSETPERSIST was set
 * @has_owner:	@owner is meaningful (TUNSETOWNER was used)
 * @owner:	uid allowed to attach
 * @has_group:	@group is meaningful (TUNSETGROUP was used)
 * @group:	gid allowed to attach
 * @queues:	attached queues
 * @disabled_queues: queues whose fd is open but detached (TUNSETQUEUE IFF_DETACH_QUEUE)
 */
struct link_tun {
	bool valid;
	uint8_t type;
	bool vnet_hdr, multi_queue, persist;
	bool has_owner, has_group;
	uint32_t owner, group;
	uint32_t queues, disabled_queues;
};

/**
 * struct link_state - one network device as rtnetlink describes it
 * @ifindex:	interface index
 * @name:	interface name
 * @kind:	IFLA_INFO_KIND ("tun", "macvtap", "bridge", "veth"...), "" if none
 * @flags:	IFF_* flags (IFF_UP...)
 * @group:	netdev group
 * @mac:	hardware address, when @has_mac
 * @has_mac:	the device has a 6-byte hardware address
 * @link:	IFLA_LINK: the lower device of a macvtap, 0 if none
 * @master:	IFLA_MASTER: the bridge it is enslaved to, 0 if none
 * @mtu:	MTU
 * @macvtap_mode: IFLA_MACVLAN_MODE for macvtap devices
 * @tun:	tun details
 */
struct link_state {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[16];
	unsigned int flags;
	uint32_t group;
	uint8_t mac[6];
	bool has_mac;
	int link;
	int master;
	uint32_t mtu;
	uint32_t macvtap_mode;
	struct link_tun tun;
};

struct nl_sock *nl_route_open(void);
void nl_route_close(struct nl_sock *sk);
const char *nl_strerror(int err);

int link_query(struct nl_sock *sk, const char *name, struct link_state *out);
int link_list(struct nl_sock *sk, struct link_state **out, size_t *count);
int link_set_group_up(struct nl_sock *sk, int ifindex, uint32_t group, bool up);
int link_attach_up(struct nl_sock *sk, int ifindex, uint32_t group, int master);
int link_attach_isolated_up(struct nl_sock *sk, int ifindex, uint32_t group, int master);
int link_send_info(struct nl_sock *sk, struct nl_msg *msg, int kind_attr, int data_attr,
		   int attr, uint8_t value);
int link_delete(struct nl_sock *sk, int ifindex);
int link_delete_group(struct nl_sock *sk, uint32_t group);
bool link_is_tap(const struct link_state *l);

int addr_present(struct nl_sock *sk, int ifindex, const struct rn_prefix *p);
int addr_add(struct nl_sock *sk, int ifindex, const struct rn_prefix *p);
int addr_delete(struct nl_sock *sk, int ifindex, const struct rn_prefix *p);

/**
 * struct route_conflict - a route that already claims part of a subnet
 * @ifindex:	its output interface
 * @dst:	its destination prefix
 */
struct route_conflict {
	int ifindex;
	struct rn_prefix dst;
};
int route_find_conflict(struct nl_sock *sk, const struct rn_prefix *subnet, int own_ifindex,
			struct route_conflict *out);

#endif
