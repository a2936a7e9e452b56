// SPDX-License-Identifier: MIT
/* bridge.c - the bridge that carries the router address in bridge mode */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lib/netlink.h"
#include "netsetup/bridge.h"
#include "lib/sysctl.h"

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
 * router would go stale with it.
 *
 * Multicast snooping is off: guests' multicast is flooded like broadcast,
 * which is what a small NAT network wants, and the kernel keeps no per-port
 * multicast state, which it would otherwise set up and tear down for every
 * VM's TAP (br_multicast_enable_port(), br_multicast_disable_port()).  libnl
 * 3.7 has no setter for it: link_send_info() adds it to the request.  The
 * bridge stays down; the link-up step brings it up.
 *
 * Return: 0 or a negative errno (-EEXIST: the name exists).
 */
int bridge_create(struct nl_sock *sk, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;
	uint8_t mac[6];
	int err;

	if (getrandom(mac, sizeof(mac), 0) != (ssize_t)sizeof(mac))
		return -EIO;
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);	/* unicast, locally administered */
	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0 ||
	    nla_put(msg, IFLA_ADDRESS, sizeof(mac), mac) < 0 ||
	    nla_put_u32(msg, IFLA_GROUP, RN_IFGROUP) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = link_send_info(sk, msg, IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_BR_MCAST_SNOOPING, 0);
	return err == -NLE_EXIST ? -EEXIST : err == -NLE_NOMEM ? -ENOMEM : err < 0 ? -EIO : 0;
}

/**
 * bridge_route_ports() - let the host route between the bridge's isolated ports
 * @name:	the bridge
 *
 * Every VM's TAP is an isolated port (link_attach_isolated_up()), so a guest's
 * ARP request for another guest reaches only the host.  proxy_arp_pvlan makes
 * the host answer it with the bridge's MAC, and the packets then go guest ->
 * host -> guest like any routed traffic (`iifname BRIDGE accept` in the forward
 * chain; the masquerade rule leaves the subnet alone).  send_redirects off: the
 * host would otherwise tell each guest to go direct, which isolation forbids.
 * Both are settings of the device and vanish with it.
 *
 * Return: how many of the two were changed (0: already so), or a negative errno.
 */
int bridge_route_ports(const char *name)
{
	static const struct { const char *key, *value; } want[] = {
		{ "proxy_arp_pvlan", "1" },
		{ "send_redirects", "0" },
	};
	int changed = 0;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char key[96], now[16];
		int err;

		if (snprintf(key, sizeof(key), "net/ipv4/conf/%s/%s", name, want[i].key) >= (int)sizeof(key))
			return -ENAMETOOLONG;
		err = sysctl_read(key, now, sizeof(now));
		if (!err && !strcmp(now, want[i].value))
			continue;
		err = err ? err : sysctl_write(key, want[i].value);
		if (err)
			return err;
		changed++;
	}
	return changed;
}
