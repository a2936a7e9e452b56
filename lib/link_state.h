/* SPDX-License-Identifier: MIT */
/* link_state.h - one network device as rtnetlink describes it, shared by the libnl and libmnl readers */
#ifndef REDOX_NET_LINK_STATE_H
#define REDOX_NET_LINK_STATE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

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

/* Room for the aliases redox-net writes ("redox-net uid=4294967295"); longer ones are cut. */
#define LINK_ALIAS_MAX 32

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
 * @alias:	IFLA_IFALIAS, "" if none: the helper's record of whose a pool TAP is
 *		(link_alias_owner()), which only CAP_NET_ADMIN can write
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
	char alias[LINK_ALIAS_MAX];
};

bool link_is_tap(const struct link_state *l);
int link_alias_for(uint32_t uid, char out[LINK_ALIAS_MAX]);
bool link_alias_owner(const struct link_state *l, uint32_t *uid);

#endif
