// SPDX-License-Identifier: MIT
/* macvtap_open.c - open the queues of a macvtap through its /dev/tap<ifindex> node */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helper/macvtap_open.h"
#include "lib/tap_queues.h"
#include "lib/decimal.h"
#include "lib/link_state.h"

/**
 * macvtap_link_problem() - is this device a redox-net macvtap?
 * @l:		the device as rtnetlink reports it
 *
 * Return: NULL if usable, otherwise what is wrong.
 */
const char *macvtap_link_problem(const struct link_state *l)
{
	if (strcmp(l->kind, "macvtap"))
		return "it is not a macvtap device";
	if (l->group != RN_IFGROUP)
		return "it was not created by redox-netsetup (wrong netdev group)";
	if (!(l->flags & IFF_UP))
		return "it is down: run 'sudo redox-netsetup up --macvtap NAME' again";
	return NULL;
}

/* Return: the device number sysfs gives for the macvtap's character device, or 0. */
static dev_t macvtap_devnum(const struct link_state *l)
{
	char path[128], buf[32] = "", *minor, *newline;
	unsigned long long maj, min;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/macvtap/tap%d/dev", l->name, l->ifindex);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	/* The kernel writes "MAJOR:MINOR\n" (print_dev_t()); anything else is not that file. */
	newline = strchr(buf, '\n');
	if (newline)
		*newline = '\0';
	minor = strchr(buf, ':');
	if (!minor)
		return 0;
	*minor++ = '\0';
	if (decimal_parse(buf, UINT_MAX, &maj) || decimal_parse(minor, UINT_MAX, &min))
		return 0;
	return makedev((unsigned int)maj, (unsigned int)min);
}

/**
 * macvtap_open_queues() - open /dev/tap<ifindex> once per queue and prove each is that device
 * @l:		the macvtap, checked by macvtap_link_problem()
 * @queues:	number of queues
 * @fds:	@queues slots, filled on success
 *
 * A node under /dev is only a name.  The opened fd is accepted when fstat
 * shows a character device with exactly the number the kernel lists for this
 * macvtap in sysfs (its major is the macvtap driver's), and TUNGETIFF on it
 * names the device and reports a TAP.  Any failure closes every queue.
 *
 * Return: 0, or a negative errno.
 */
int macvtap_open_queues(const struct link_state *l, unsigned int queues, int *fds)
{
	dev_t want = macvtap_devnum(l);
	char path[32];

	if (!want)
		return -ENODEV;
	snprintf(path, sizeof(path), "/dev/tap%d", l->ifindex);
	for (unsigned int i = 0; i < queues; i++)
		fds[i] = -1;
	for (unsigned int i = 0; i < queues; i++) {
		struct ifreq ifr = { 0 };
		struct stat st;
		int err;

		fds[i] = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
		err = fds[i] < 0 ? -errno : 0;
		if (!err && (fstat(fds[i], &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != want ||
			     ioctl(fds[i], TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP) ||
			     strncmp(ifr.ifr_name, l->name, IFNAMSIZ)))
			err = -EBADF;
		if (err) {
			fds_close(fds, queues);
			return err;
		}
	}
	return 0;
}
