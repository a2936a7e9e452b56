// SPDX-License-Identifier: MIT
/* tap.c - persistent TAP devices through /dev/net/tun */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netlink/socket.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/netlink.h"
#include "netsetup/tap.h"

/**
 * tap_create_persistent() - create a TAP that outlives this process, in redox-net's group
 * @sk:		route socket
 * @name:	device name, validated
 * @queues:	1, or more for IFF_MULTI_QUEUE
 * @owner:	the user or group allowed to attach
 * @up:		also bring it up, in the request that puts it in the group
 * @ifindex:	set to the new device's index (may be NULL)
 *
 * IFF_TUN_EXCL makes the kernel refuse a name that exists already, so a TAP
 * someone else created first is never taken over.  IFF_VNET_HDR is needed by
 * Cloud Hypervisor, which sets a 12-byte virtio-net header itself.  The device
 * is made persistent last: until then it lives only as long as our fd, so if
 * this process dies half-way the kernel removes the TAP and nothing leaks.
 * Bringing it up in the same RTM_NEWLINK as the group saves `up` a round trip.
 *
 * Return: 0, or a negative errno (-EBUSY: the name exists).
 */
int tap_create_persistent(struct nl_sock *sk, const char *name, unsigned int queues,
			  const struct tap_owner *owner, bool up, int *ifindex)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* ifr_flags is a short and IFF_TUN_EXCL is its top bit. */
	ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL |
				(queues > 1 ? IFF_MULTI_QUEUE : 0));
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(fd, owner->is_group ? TUNSETGROUP : TUNSETOWNER, (unsigned long)owner->id) < 0) {
		err = -errno;
		goto out;
	}
	/* The index, from the name TUNSETIFF left in ifr: any socket answers SIOCGIFINDEX,
	 * the route socket too, in one call instead of an RTM_GETLINK round trip. */
	if (ioctl(nl_socket_get_fd(sk), SIOCGIFINDEX, &ifr) < 0) {
		err = -errno;
		goto out;
	}
	if (ifindex)
		*ifindex = ifr.ifr_ifindex;
	err = link_set_group_up(sk, ifr.ifr_ifindex, RN_IFGROUP, up);
	if (!err && ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		err = -errno;
out:
	close(fd);
	return err;
}

/**
 * tap_open_hint() - Return: what to do about an error from tap_create_persistent()
 * @err:	negative errno
 */
const char *tap_open_hint(int err)
{
	switch (-err) {
	case ENOENT:
	case ENODEV:
		return "/dev/net/tun is missing: load the tun module with 'modprobe tun'";
	case EPERM:
	case EACCES:
		return "creating a TAP needs CAP_NET_ADMIN: run as root (sudo)";
	case EBUSY:
	case EEXIST:
		return "a device of that name exists already: pick another name with --tap";
	default:
		return "check 'dmesg' for the kernel's reason";
	}
}
