// SPDX-License-Identifier: MIT
/* tap_queues.c - attach to the queues of an existing TAP and prove what the fds are */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/tap_queues.h"
#include "lib/link_state.h"

/**
 * tap_link_problem() - is this device a redox-net TAP that can carry @queues queues?
 * @l:		the device as rtnetlink reports it
 * @queues:	queues the caller wants
 *
 * The kind comes from the kernel (IFLA_INFO_KIND and IFLA_TUN_TYPE), never
 * from the name.  The netdev group is how a TAP made by redox-netsetup is told
 * from one that anybody else made under the same name (SECURITY.md attack 4).
 * A single-queue TAP takes exactly one queue and a multi-queue TAP refuses to
 * be opened single-queue (TUNSETIFF fails with EINVAL), so the count must
 * match the flags.  A down TAP would make Cloud Hypervisor stop at its first
 * transmit (EIO), so it is refused here rather than in the guest.
 *
 * Return: NULL if usable, otherwise what is wrong and how to fix it.
 */
const char *tap_link_problem(const struct link_state *l, unsigned int queues)
{
	if (!link_is_tap(l))
		return "it is not a TAP device";
	if (l->group != RN_IFGROUP)
		return "it was not created by redox-netsetup (wrong netdev group)";
	if (!l->tun.vnet_hdr)
		return "it lacks IFF_VNET_HDR, which Cloud Hypervisor needs";
	if (queues > 1 && !l->tun.multi_queue)
		return "it is single-queue: recreate it with 'redox-netsetup up --queues N'";
	if (queues == 1 && l->tun.multi_queue)
		return "it is multi-queue: ask for more than one queue";
	if (!(l->flags & IFF_UP))
		return "it is down: run 'sudo redox-netsetup up' again to bring it up";
	return NULL;
}

/**
 * fds_close() - close @n descriptors and mark the slots empty
 * @fds:	descriptors, -1 entries are skipped
 * @n:		number of slots
 */
void fds_close(int *fds, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/**
 * tap_fd_verify() - prove with TUNGETIFF that an fd is a queue of the named TAP
 * @fd:		descriptor
 * @name:	expected device name
 * @multi_queue: expected IFF_MULTI_QUEUE
 *
 * Return: 0, or -EBADF if the fd is no such queue.
 */
int tap_fd_verify(int fd, const char *name, bool multi_queue)
{
	struct ifreq ifr = { 0 };
	unsigned int f;

	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		return -EBADF;
	f = (unsigned short)ifr.ifr_flags;
	if ((f & (IFF_TUN | IFF_TAP)) != IFF_TAP || !(f & IFF_NO_PI) || !(f & IFF_VNET_HDR) ||
	    !!(f & IFF_MULTI_QUEUE) != multi_queue ||
	    strncmp(ifr.ifr_name, name, IFNAMSIZ) != 0)
		return -EBADF;
	return 0;
}

/**
 * tap_queues_attach() - open @queues queues of an existing TAP, never creating one
 * @name:	device name, validated
 * @queues:	number of queues
 * @multi_queue: the device's IFF_MULTI_QUEUE, from tap_link_problem()'s checks
 * @fds:	@queues slots, filled on success
 *
 * TUNSETIFF on a name creates the device when it does not exist.  Callers
 * have seen it exist a moment before; if it vanished since, a TAP created here
 * would die with our fds, but it is still not what was asked for, so every fd
 * is checked with TUNGETIFF and the caller compares the ifindex afterwards.
 * On any failure every queue opened so far is closed: all or none.
 *
 * Return: 0, or a negative errno.
 */
int tap_queues_attach(const char *name, unsigned int queues, bool multi_queue, int *fds)
{
	for (unsigned int i = 0; i < queues; i++)
		fds[i] = -1;
	for (unsigned int i = 0; i < queues; i++) {
		struct ifreq ifr = { 0 };
		int err;

		fds[i] = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fds[i] < 0) {
			err = -errno;
			fds_close(fds, queues);
			return err;
		}
		ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
					(multi_queue ? IFF_MULTI_QUEUE : 0));
		memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
		err = ioctl(fds[i], TUNSETIFF, &ifr) < 0 ? -errno : 0;
		if (!err)
			err = tap_fd_verify(fds[i], name, multi_queue);
		if (err) {
			fds_close(fds, queues);
			return err;
		}
	}
	return 0;
}
