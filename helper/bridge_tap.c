// SPDX-License-Identifier: MIT
/* bridge_tap.c - per-VM TAPs on a redox-net bridge: names, guest MACs, creation */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper/bridge_tap.h"
#include "lib/tap_queues.h"
#include "lib/rtlink.h"

/**
 * bridge_tap_slots() - which of a user's 256 TAP names are taken, and how many
 * @uid:	the user
 * @out:	the result
 *
 * This is what the bridge quota counts and where a free slot is found.  A
 * TAP's name is what ties it to its user: only the helper makes rn<uid>s<slot>
 * names, and renaming a device takes CAP_NET_ADMIN, whereas whoever holds a
 * TAP's fd can change its owner (TUNSETOWNER) without any capability.
 *
 * One SIOCGIFINDEX per name is a lookup in the kernel's name hash, so the cost
 * is the same with 10 VMs on the bridge or 1,000; a link dump costs the kernel
 * a full RTM_NEWLINK message (about 1.5 KB) for every device there.  The
 * caller lowers CAP_NET_ADMIN around this call: with it, the lookup of a name
 * that does not exist would make the kernel load a module "netdev-NAME".
 *
 * Return: 0 or a negative errno.
 */
int bridge_tap_slots(uid_t uid, struct bridge_slots *out)
{
	int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (sock < 0)
		return -errno;
	memset(out, 0, sizeof(*out));
	for (unsigned int s = 0; s < BRIDGE_TAP_SLOTS && !err; s++) {
		struct ifreq ifr = { 0 };

		err = bridge_tap_name(uid, s, ifr.ifr_name);
		if (err)
			break;
		if (ioctl(sock, SIOCGIFINDEX, &ifr) == 0) {
			out->used[s] = true;
			out->count++;
		} else if (errno != ENODEV) {
			err = -errno;
		}
	}
	close(sock);
	return err;
}

/**
 * bridge_link_problem() - is this device a bridge redox-netsetup made, and up?
 * @l:		the device as rtnetlink reports it
 *
 * The kind and the group come from the kernel: a bridge of the same name that
 * someone else made (a host's br0, a container runtime's) is never joined.
 *
 * Return: NULL if usable, otherwise what is wrong and how to fix it.
 */
const char *bridge_link_problem(const struct link_state *l)
{
	if (strcmp(l->kind, "bridge"))
		return "it is not a bridge";
	if (l->group != RN_IFGROUP)
		return "it was not created by redox-netsetup (wrong netdev group)";
	if (!(l->flags & IFF_UP))
		return "it is down: run 'sudo redox-netsetup up --bridge NAME' again";
	return NULL;
}

/**
 * bridge_tap_open() - create a TAP that lives only as long as its fds, owned by @owner
 * @name:	from bridge_tap_name()
 * @owner:	the caller
 * @queues:	queues; more than one makes it IFF_MULTI_QUEUE
 * @fds:	@queues slots, filled on success
 *
 * IFF_TUN_EXCL refuses a name that exists, so a slot in use by another VM, or
 * a device someone planted under the name, is never taken over.  The TAP is
 * not made persistent: when the VMM exits and its fds close, the kernel
 * removes it, and with it the quota it used.  IFF_VNET_HDR is what Cloud
 * Hypervisor needs.  Opening /dev/net/tun may need CAP_DAC_OVERRIDE, which
 * the caller raises around this call alone.
 *
 * Return: 0, or a negative errno (-EBUSY: the name exists); no fd stays open on failure.
 */
int bridge_tap_open(const char *name, uid_t owner, unsigned int queues, int *fds)
{
	bool mq = queues > 1;
	struct ifreq ifr = { 0 };
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* ifr_flags is a short and IFF_TUN_EXCL is its top bit. */
	ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL |
				(mq ? IFF_MULTI_QUEUE : 0));
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	/* The other queues attach to the device the first one created. */
	err = queues > 1 ? tap_queues_attach(name, queues - 1, true, fds + 1) : 0;
	if (err) {
		close(fd);
		return err;
	}
	fds[0] = fd;
	return 0;
}

/**
 * bridge_tap_no_ipv6() - turn IPv6 off on a fresh TAP, before it goes up
 * @name:	the TAP, held open by the caller
 *
 * A bridge port needs no address of its own: the host's addresses are on the
 * bridge, and guests' IPv6 is bridged like any other frame.  With IPv6 on, the
 * host would give every TAP a link-local address, a multicast route and DAD,
 * router and MLD messages towards the guest, and the kernel walks the whole
 * IPv6 routing table each time a device goes up or down (rt6_sync_up(),
 * rt6_sync_down_dev()), so every VM would make starting and stopping the next
 * ones slower.  Writing the sysctl takes CAP_NET_ADMIN in the namespace.
 *
 * Return: 0, also when the kernel has no IPv6 at all, or a negative errno.
 */
int bridge_tap_no_ipv6(const char *name)
{
	char path[64 + IFNAMSIZ];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = write(fd, "1\n", 2);
	if (n != 2)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

/**
 * bridge_tap_attach() - make a fresh TAP a locked-down guest port of the bridge, and up
 * @rt:		route socket
 * @name:	the TAP, held open by the caller
 * @bridge_ifindex: the bridge
 * @guest_mac:	the guest's MAC, bridge_tap_mac()
 * @out:	the TAP as the kernel shows it afterwards
 *
 * The TAP must be up before the VM starts: Cloud Hypervisor up to v53 stops
 * on EIO at its first transmit to a down TAP.  Its port is isolated, learns
 * nothing and gets no unknown unicast, and the guest MAC is pinned to it
 * (rtlink_port_attach() says why each), all before it goes up.  The change
 * goes by ifindex, found with one lookup in the kernel's name hash (the TAP
 * exists: the caller holds its fd); the one query is afterwards, to check.
 *
 * Return: 0 or a negative errno.
 */
int bridge_tap_attach(struct rtlink *rt, const char *name, int bridge_ifindex,
		      const uint8_t guest_mac[6], struct link_state *out)
{
	unsigned int ifindex = if_nametoindex(name);
	int err = ifindex ? 0 : -errno;

	if (!err)
		err = rtlink_port_attach(rt, (int)ifindex, RN_IFGROUP, bridge_ifindex, guest_mac);
	if (!err)
		err = rtlink_get(rt, name, out);
	if (!err && ((unsigned int)out->ifindex != ifindex || out->master != bridge_ifindex ||
		     out->group != RN_IFGROUP))
		err = -EAGAIN;
	return err;
}
