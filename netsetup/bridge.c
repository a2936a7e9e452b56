// SPDX-License-Identifier: MIT
/* bridge.c - the bridge that carries the router address in bridge mode */
#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <sys/random.h>

#include "lib/netlink.h"
#include "netsetup/bridge.h"

/**
 * bridge_create() - create a bridge in redox-net's group, with a fixed MAC
 * @sk:		route socket
 * @name:	device name, validated
 *
 * The group is part of the creating RTM_NEWLINK, as for a macvtap, so the
 * bridge is never without the mark teardown recognises.  The MAC is set
 * explicitly (random, locally administered): a bridge whose address was
 * assigned by the kernel takes the lowest MAC of its ports, so it would change
 * each time a VM's TAP comes or goes, and every guest's ARP entry for the
 * router would go stale with it.  The bridge stays down; the link-up step
 * brings it up.
 *
 * Return: 0 or a negative errno (-EEXIST: the name exists).
 */
int bridge_create(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *link = rtnl_link_bridge_alloc();
	uint8_t mac[6];
	struct nl_addr *addr;
	int err = -ENOMEM;

	if (getrandom(mac, sizeof(mac), 0) != (ssize_t)sizeof(mac)) {
		rtnl_link_put(link);
		return -EIO;
	}
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);	/* unicast, locally administered */
	addr = nl_addr_build(AF_LLC, mac, sizeof(mac));
	if (link && addr) {
		rtnl_link_set_name(link, name);
		rtnl_link_set_addr(link, addr);
		rtnl_link_set_group(link, RN_IFGROUP);
		err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
		err = err == -NLE_EXIST ? -EEXIST : err < 0 ? -EIO : 0;
	}
	nl_addr_put(addr);
	rtnl_link_put(link);
	return err;
}
