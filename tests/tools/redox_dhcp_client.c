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

/* send_once() - broadcast @w to port 67; there is no second try */
static int send_once(int fd, struct wire *w)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67),
				  .sin_addr.s_addr = htonl(INADDR_BROADCAST) };

	wire_end(w);
	return sendto(fd, w->b, w->len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 0;
}

/* first_reply() - Return: length of the first BOOTREPLY for @xid within WAIT_MS, or -1 */
static ssize_t first_reply(int fd, uint32_t xid, uint8_t *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, WAIT_MS) > 0) {
		ssize_t n = recv(fd, buf, size, 0);

		if (n >= WIRE_OPTIONS && buf[0] == 2 && wire_xid(buf) == xid)
			return n;
	}
	return -1;
}

/* check_addr_opt() - Redox uses an option only when it is exactly 4 bytes; print it */
static int check_addr_opt(const uint8_t *b, size_t len, uint8_t code, const char *name)
{
	uint8_t olen;
	const uint8_t *v = wire_find(b, len, code, &olen);
	char text[INET_ADDRSTRLEN];

	if (!v || olen != 4) {
		printf("FAIL: option %u (%s) is %s\n", code, name, v ? "not 4 bytes long" : "missing");
		return 1;
	}
	inet_ntop(AF_INET, v, text, sizeof(text));
	printf(" %s %s", name, text);
	return 0;
}

int main(int argc, char *argv[])
{
	uint8_t mac[6], buf[1500], olen;
	const uint8_t *server;
	struct in_addr yiaddr;
	struct wire w;
	uint32_t xid;
	ssize_t n;
	int fd, bad = 0;
	size_t first;

	if (argc != 2) {
		fprintf(stderr, "usage: redox_dhcp_client IFACE\n");
		return 2;
	}
	fd = open_client(argv[1], mac);
	if (fd < 0)
		return 1;
	xid = (uint32_t)time(NULL) ^ (uint32_t)getpid();
	wire_request(&w, 1, xid, mac, true);	/* DISCOVER: option 53 and nothing else */
	if (send_once(fd, &w) || (n = first_reply(fd, xid, buf, sizeof(buf))) < 0) {
		printf("FAIL: no reply to the one DISCOVER\n");
		return 1;
	}
	server = wire_find(buf, (size_t)n, 54, &olen);
	if (wire_type(buf, (size_t)n) != 2 || !server || olen != 4) {
		printf("FAIL: the first reply is not an OFFER with a server identifier\n");
		return 1;
	}
	memcpy(&yiaddr, buf + 16, 4);
	printf("offer %s\n", inet_ntoa(yiaddr));
	wire_request(&w, 3, xid, mac, true);
	wire_opt(&w, 50, &yiaddr, 4);
	wire_opt(&w, 54, server, 4);
	if (send_once(fd, &w) || (n = first_reply(fd, xid, buf, sizeof(buf))) < 0) {
		printf("FAIL: no reply to the one REQUEST\n");
		return 1;
	}
	for (first = WIRE_OPTIONS; first < (size_t)n && buf[first] == 0; first++)
		;
	if (first >= (size_t)n || buf[first] != 53) {
		printf("FAIL: option 53 is not the first option\n");
		bad++;
	}
	if (wire_type(buf, (size_t)n) != 5) {
		printf("FAIL: the reply to the REQUEST is not an ACK (type %u)\n", wire_type(buf, (size_t)n));
		return 1;
	}
	memcpy(&yiaddr, buf + 16, 4);
	printf("ack %s", inet_ntoa(yiaddr));
	bad += check_addr_opt(buf, (size_t)n, 1, "mask");
	bad += check_addr_opt(buf, (size_t)n, 3, "router");
	bad += check_addr_opt(buf, (size_t)n, 6, "dns");
	printf("\n");
	return bad ? 1 : 0;
}
