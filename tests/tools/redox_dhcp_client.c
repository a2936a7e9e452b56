// SPDX-License-Identifier: MIT
/*
 * redox_dhcp_client.c - test tool: a DHCP client that behaves like Redox OS's.
 *
 * It sends one DISCOVER carrying only option 53 and the broadcast flag, never
 * retransmits, takes the first reply for its transaction as the OFFER,
 * requests it, and then checks the ACK the way Redox's client reads it:
 * option 53 comes first, and options 1, 3 and 6 are there and exactly four
 * bytes long (Redox ignores them otherwise).  It prints what it got and
 * exits 0 only if every check held.
 *
 * usage: redox_dhcp_client IFACE
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/dhcp_wire.h"

#define WAIT_MS 5000	/* Redox waits 30 s; the test does not need that long */

static int open_client(const char *ifname, uint8_t mac[6])
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(68) };
	struct ifreq ifr = { 0 };
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) ||
	    bind(fd, (struct sockaddr *)&any, sizeof(any))) {
		perror(ifname);
		return -1;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return fd;
}

/* sock_send() - broadcast @w to port 67; there is no second try */
static int sock_send(void *ctx, struct wire *w)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67),
				  .sin_addr.s_addr = htonl(INADDR_BROADCAST) };

	return sendto(*(int *)ctx, w->b, w->len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 0;
}

/* sock_reply() - Return: length of the first BOOTREPLY for @xid within WAIT_MS, or -1 */
static ssize_t sock_reply(void *ctx, uint32_t xid, uint8_t *buf, size_t size)
{
	struct pollfd p = { .fd = *(int *)ctx, .events = POLLIN };

	while (poll(&p, 1, WAIT_MS) > 0) {
		ssize_t n = recv(p.fd, buf, size, 0);

		if (n >= WIRE_OPTIONS && buf[0] == 2 && wire_xid(buf) == xid)
			return n;
	}
	return -1;
}

int main(int argc, char *argv[])
{
	struct wire_link link = { sock_send, sock_reply, NULL };
	struct in_addr yiaddr;
	uint8_t mac[6];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: redox_dhcp_client IFACE\n");
		return 2;
	}
	fd = open_client(argv[1], mac);
	if (fd < 0)
		return 1;
	link.ctx = &fd;
	return wire_redox_client(&link, mac, (uint32_t)time(NULL) ^ (uint32_t)getpid(), &yiaddr);
}
