// SPDX-License-Identifier: MIT
/* macvtap.c - macvtap devices on top of a host interface */
#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvtap.h>

#include "lib/netlink.h"
#include "netsetup/macvtap.h"

/**
 * macvtap_mode_parse() - parse "bridge", "vepa", "private" or "passthru"
 * @text:	mode name
 * @mode:	MACVLAN_MODE_* on success
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int macvtap_mode_parse(const char *text, uint32_t *mode)
{
	int m = rtnl_link_macvtap_str2mode(text);

	if (m < 0)
		return -EINVAL;
	*mode = (uint32_t)m;
	return 0;
}

/**
 * macvtap_create() - create a macvtap in redox-net's group, up, with the guest's MAC
 * @sk:		route socket
 * @name:	device name, validated
 * @lower_ifindex: the host interface it sits on
 * @mac:	the guest's MAC: a macvtap guest must use the device's own address
 * @mode:	MACVLAN_MODE_*; bridge lets guests on one lower device see each other
 *
 * The group is part of the creating RTM_NEWLINK, so there is no moment when
 * the device exists without the mark teardown recognises.
 *
 * Return: 0 or a negative errno (-EEXIST: the name exists).
 */
int macvtap_create(struct nl_sock *sk, const char *name, int lower_ifindex,
		   const uint8_t mac[6], uint32_t mode)
{
	struct rtnl_link *link = rtnl_link_macvtap_alloc();
	struct nl_addr *addr = nl_addr_build(AF_LLC, mac, 6);
	int err = -ENOMEM;

	if (link && addr) {
		rtnl_link_set_name(link, name);
		rtnl_link_set_link(link, lower_ifindex);
		rtnl_link_set_addr(link, addr);
		rtnl_link_set_group(link, RN_IFGROUP);
		rtnl_link_set_flags(link, IFF_UP);
		rtnl_link_macvtap_set_mode(link, mode);
		err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
		err = err == -NLE_EXIST ? -EEXIST : err < 0 ? -EIO : 0;
	}
	nl_addr_put(addr);
	rtnl_link_put(link);
	return err;
}
