/* SPDX-License-Identifier: MIT */
/* tap_open.h - test tools: attach to a plain TAP (no vnet header), creating it if there is none */
#ifndef REDOX_NET_TESTS_TAP_OPEN_H
#define REDOX_NET_TESTS_TAP_OPEN_H

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

/**
 * tap_open() - attach to TAP @name, creating it if there is none
 * @name:	the TAP
 * @flags:	extra open(2) flags, such as O_NONBLOCK
 *
 * Return: its fd, or -1 after saying why on stderr.
 */
static inline int tap_open(const char *name, int flags)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | flags);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror(name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

#endif
