// SPDX-License-Identifier: MIT
/*
 * ch_restore_check.c - test tool: a stand-in Cloud Hypervisor for `--restore`
 *
 * Run as CH_BIN by redox-run-net --restore.  It checks what a restoring VMM
 * gets: its --restore value is exactly $RXN_EXPECT_RESTORE; net_fds=[ID@[a,b]]
 * parses the way Cloud Hypervisor reads it; each listed fd is open, inherited
 * (no FD_CLOEXEC) and a queue of a TAP with IFF_VNET_HDR (and IFF_MULTI_QUEUE
 * for several); the fd after the last is closed.  Then, as the restored guest
 * would, it sends an ARP request for 172.16.0.1 on the first fd and waits for
 * the host's reply on any queue.  It prints one "ok: ..." line per check.
 *
 * usage: CH_BIN [--api-socket path=P] --restore source_url=file://DIR,net_fds=[ID@[3,4]]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/decimal.h"

#define VNET_HDR 12	/* what Cloud Hypervisor sets with TUNSETVNETHDRSZ */
#define MAX_FDS 16

static const unsigned char guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const unsigned char guest_ip[4] = { 172, 16, 0, 2 }, host_ip[4] = { 172, 16, 0, 1 };

/* Return: 0 if this runs inside a namespace the suite made, else 1 with a message. */
static int refuse_root_netns(void)
{
	unsigned long long root;
	struct stat self;
	const char *v = getenv("RXN_ROOT_NETNS_INO");

	if (v && !decimal_parse(v, ~0ULL, &root) && stat("/proc/self/ns/net", &self) == 0 &&
	    root != (unsigned long long)self.st_ino)
		return 0;
	fprintf(stderr, "ch_restore_check: refusing to run outside a test network namespace\n");
	return 1;
}

/* Parse "net_fds=[ID@[3,4]]" at the end of @value into @fds; return their count or -1. */
static int parse_net_fds(const char *value, int *fds)
{
	const char *p = strstr(value, ",net_fds=["), *at;
	char num[16];
	int n = 0;

	if (!p || !(at = strchr(p, '@')) || at[1] != '[')
		return -1;
	for (p = at + 2;;) {
		size_t len = strspn(p, "0123456789");
		unsigned long long v;

		if (!len || len >= sizeof(num) || n == MAX_FDS)
			return -1;
		memcpy(num, p, len);
		num[len] = '\0';
		if (decimal_parse(num, 1023, &v) || v < 3)
			return -1;
		fds[n++] = (int)v;
		p += len;
		if (*p == ',') {
			p++;
			continue;
		}
		return strcmp(p, "]]") ? -1 : n;
	}
}

/* Check one queue fd and give it Cloud Hypervisor's header size. */
static int check_fd(int fd, int n)
{
	short want = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (n > 1 ? IFF_MULTI_QUEUE : 0);
	struct ifreq ifr;
	int flags = fcntl(fd, F_GETFD), hdr = VNET_HDR;

	if (flags < 0 || (flags & FD_CLOEXEC)) {
		fprintf(stderr, "fd %d is %s\n", fd, flags < 0 ? "not open" : "close-on-exec");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0 || (ifr.ifr_flags & want) != want ||
	    ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) {
		fprintf(stderr, "fd %d is not a TAP queue with flags 0x%x (%s)\n", fd,
			(unsigned int)want, strerror(errno));
		return -1;
	}
	printf("ok: fd %d is a queue of %s, flags 0x%x\n", fd, ifr.ifr_name,
	       (unsigned int)(unsigned short)ifr.ifr_flags);
	return 0;
}

/* Write a broadcast ARP request from the guest for 172.16.0.1 on @fd. */
static int send_arp(int fd)
{
	unsigned char f[VNET_HDR + 42] = { 0 }, *e = f + VNET_HDR, *a = e + 14;

	memset(e, 0xff, 6);
	memcpy(e + 6, guest_mac, 6);
	e[12] = 0x08, e[13] = 0x06;
	a[1] = 1, a[2] = 0x08, a[4] = 6, a[5] = 4, a[7] = 1;	/* Ethernet, IPv4, request */
	memcpy(a + 8, guest_mac, 6);
	memcpy(a + 14, guest_ip, 4);
	memcpy(a + 24, host_ip, 4);
	return write(fd, f, sizeof(f)) == (ssize_t)sizeof(f) ? 0 : -1;
}

/* Wait on every queue for the host's ARP reply, asking again each second. */
static int arp_exchange(const int *fds, int n)
{
	struct pollfd p[MAX_FDS];

	for (int i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	for (int tries = 0; tries < 5; tries++) {
		if (send_arp(fds[0]) < 0)
			return -1;
		while (poll(p, (nfds_t)n, 1000) > 0) {
			for (int i = 0; i < n; i++) {
				unsigned char f[2048], *a = f + VNET_HDR + 14;
				ssize_t len = (p[i].revents & POLLIN) ? read(fds[i], f, sizeof(f)) : 0;

				if (len < VNET_HDR + 42 || f[VNET_HDR + 12] != 0x08 ||
				    f[VNET_HDR + 13] != 0x06 || a[7] != 2 || memcmp(a + 14, host_ip, 4) ||
				    memcmp(a + 24, guest_ip, 4))
					continue;
				printf("ok: arp reply on fd %d: 172.16.0.1 is at "
				       "%02x:%02x:%02x:%02x:%02x:%02x\n", fds[i], a[8], a[9], a[10],
				       a[11], a[12], a[13]);
				return 0;
			}
		}
	}
	fprintf(stderr, "no ARP reply from 172.16.0.1\n");
	return -1;
}

int main(int argc, char *argv[])
{
	const char *want = getenv("RXN_EXPECT_RESTORE"), *got = NULL;
	int fds[MAX_FDS], n;

	if (refuse_root_netns())
		return 2;
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--restore"))
			got = argv[i + 1];
	if (!got || !want || strcmp(got, want)) {
		fprintf(stderr, "--restore is '%s', expected '%s'\n", got ? got : "(none)",
			want ? want : "(RXN_EXPECT_RESTORE unset)");
		return 1;
	}
	printf("ok: --restore %s\n", got);
	n = parse_net_fds(got, fds);
	if (n < 1) {
		fprintf(stderr, "net_fds in '%s' does not parse\n", got);
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (fds[i] != 3 + i || check_fd(fds[i], n))
			return 1;
	if (fcntl(3 + n, F_GETFD) >= 0) {
		fprintf(stderr, "fd %d is open: the runner left a stray descriptor\n", 3 + n);
		return 1;
	}
	printf("ok: %d queue fds from fd 3, fd %d is closed\n", n, 3 + n);
	return arp_exchange(fds, n) ? 1 : 0;
}
