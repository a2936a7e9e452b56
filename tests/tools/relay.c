// SPDX-License-Identifier: MIT
/*
 * relay.c - test tool: a stand-in VMM that carries frames between a host TAP and a
 * "guest" TAP in another network namespace.
 *
 * It opens the host TAP the way Cloud Hypervisor does (attach with IFF_VNET_HDR,
 * then TUNSETVNETHDRSZ 12), moves into the guest namespace, creates a TAP there
 * with the same header size, and copies frames both ways.  With no offloads
 * enabled the kernel never hands either side a GSO frame, so the 12-byte
 * virtio-net headers can be copied as they are.
 *
 * usage: relay HOST_TAP|fd:N GUEST_NETNS_PATH GUEST_TAP
 * fd:N takes an inherited queue fd (one the helper handed out) instead of a name.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tests/tools/guard.h"

static int tap_attach(const char *name, short extra)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), hdr = 12;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | extra;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The helper's TAP already has IFF_VNET_HDR; the VMM sets the header size itself. */
static int inherited_tap(const char *num)
{
	int fd = atoi(num), hdr = 12;

	if (fd < 3 || ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0)
		return -1;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

static int pump(int from, int to)
{
	char buf[65536 + 12];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (write(to, buf, (size_t)n) < 0 && errno != EIO)
		return -1;
	return 0;
}

int main(int argc, char *argv[])
{
	struct pollfd p[2];
	int host, guest, nsfd;

	if (argc != 4) {
		fprintf(stderr, "usage: relay HOST_TAP|fd:N GUEST_NETNS_PATH GUEST_TAP\n");
		return 2;
	}
	/* Tests must never touch the machine's own network. */
	if (guard_refuse_root_netns("relay"))
		return 2;
	host = strncmp(argv[1], "fd:", 3) ? tap_attach(argv[1], 0) : inherited_tap(argv[1] + 3);
	if (host < 0) {
		perror(argv[1]);
		return 1;
	}
	nsfd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		perror(argv[2]);
		return 1;
	}
	guest = tap_attach(argv[3], 0);
	if (guest < 0) {
		perror(argv[3]);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	p[0] = (struct pollfd){ .fd = host, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = guest, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		if ((p[0].revents & POLLIN) && pump(host, guest) < 0)
			return 1;
		if ((p[1].revents & POLLIN) && pump(guest, host) < 0)
			return 1;
	}
}
