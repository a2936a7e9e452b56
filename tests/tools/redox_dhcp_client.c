// SPDX-License-Identifier: MIT
/*
 * redox_dhcp_client.c - test tool: a DHCP client that behaves exactly like Redox OS's (netutils dhcpd).
 *
 * One DISCOVER with the broadcast flag and option 53 alone, never sent again;
 * the first reply for its transaction is the OFFER, whose address and options
 * 1, 3 and 6 (4 bytes each) it applies before it sends one REQUEST with flags
 * 0, ciaddr 0 and options 53, 50 and 54, from the applied address (kernel-side,
 * the address is set on IFACE); the answer to that is reported, not
 * checked (tests/tools/dhcp_wire.h, wire_redox_client()).  It prints
 *
 *   offer A server S
 *   applied A mask M router R dns D
 *   ack A | nak | no reply to the REQUEST
 *
 * Exit status: 0 when the one DISCOVER got an OFFER, 1 when it did not (the
 * guest would have no network), 2 when the client could not even start.
 *
 * usage: redox_dhcp_client [--wait MS] IFACE
 *	a kernel-side client: a UDP socket on port 68 bound to IFACE (a guest's
 *	NIC in its namespace)
 * usage: redox_dhcp_client [--wait MS] [--mac MAC] [--bridge BRIDGE] --tap TAP
 *	a VM: it attaches to TAP (creating it if there is none), puts it on
 *	BRIDGE and up, as the helper does for redox-run-net, and sends its
 *	DISCOVER in a frame the instant it holds the queue fd, as a guest that
 *	boots at once would; inside a test namespace only
 *
 * --wait is how long each reply is waited for: Redox waits 30 s; tests need less.
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

#include "lib/decimal.h"
#include "lib/inet.h"
#include "lib/netlink.h"
#include "tests/tools/dhcp_wire.h"
#include "tests/tools/guard.h"
#include "tests/tools/tap_open.h"

#define WAIT_MS_DEFAULT	5000
#define WAIT_MS_MAX	120000

/**
 * struct client - where the client's datagrams go
 * @fd:		UDP socket, or the TAP queue fd in VM mode
 * @tap:	@fd is a TAP: datagrams travel in Ethernet frames
 * @mac:	the client's MAC (the frames' source)
 * @wait_ms:	how long each reply is waited for
 * @ifname:	the NIC in kernel-side mode
 * @src:	the address applied from the OFFER: the source of the REQUEST
 */
struct client {
	int fd;
	bool tap;
	uint8_t mac[6];
	int wait_ms;
	const char *ifname;
	struct in_addr src;
};

/* Return: milliseconds on the monotonic clock. */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * open_udp() - the kernel-side client's socket: port 68 on @ifname, broadcasts allowed
 * @c:		client; @c->fd and @c->mac are set
 * @ifname:	the guest's NIC
 *
 * Return: 0, or -1 after saying why.
 */
static int open_udp(struct client *c, const char *ifname)
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
	memcpy(c->mac, ifr.ifr_hwaddr.sa_data, 6);
	c->fd = fd;
	return 0;
}

/**
 * open_vm() - a VM's queue fd: TAP @tap, on @bridge and up when @bridge is given
 * @c:		client; @c->fd is set
 * @tap:	the TAP, created when it does not exist
 * @bridge:	bridge to attach it to (an isolated port, as the helper makes), or NULL
 *
 * Return: 0, or -1 after saying why.
 */
static int open_vm(struct client *c, const char *tap, const char *bridge)
{
	struct link_state br, l;
	struct nl_sock *sk;
	int err;

	if (guard_refuse_root_netns("redox_dhcp_client"))
		return -1;
	c->fd = tap_open(tap, 0);
	if (c->fd < 0)
		return -1;
	c->tap = true;
	if (!bridge)
		return 0;
	sk = nl_route_open();
	err = sk ? link_query(sk, bridge, &br) : -1;
	if (!err)
		err = link_query(sk, tap, &l);
	if (!err)
		err = link_attach_isolated_up(sk, l.ifindex, 0, br.ifindex);
	if (sk)
		nl_route_close(sk);
	if (err)
		fprintf(stderr, "redox_dhcp_client: cannot put %s on %s and up\n", tap, bridge);
	return err ? -1 : 0;
}

/* send_once() - broadcast @w to port 67 once, from the socket or in a frame on the TAP */
static int send_once(void *ctx, struct wire *w)
{
	const struct client *c = ctx;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67),
				  .sin_addr.s_addr = htonl(INADDR_BROADCAST) };
	uint8_t f[WIRE_FRAME_HEADERS + sizeof(w->b)];

	if (c->tap)
		return write(c->fd, f, wire_frame_from(f, c->mac, c->src, w)) < 0 ? -1 : 0;
	return sendto(c->fd, w->b, w->len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 0;
}

/**
 * apply() - what Redox does with its OFFER before the REQUEST: the address goes on the NIC
 * @ctx:	client
 * @addr:	the offered address
 * @mask:	option 1, or 0.0.0.0 when it was not applied
 *
 * Redox writes "ADDR/LEN" to its interface; its REQUEST, from a socket bound to
 * 0.0.0.0, then leaves with ADDR as its IPv4 source.  In VM mode the frames
 * carry it; kernel-side, the address is set on the NIC (SIOCSIFADDR) and the
 * kernel picks it as the source.
 *
 * Return: 0, or -1 after saying why.
 */
static int apply(void *ctx, struct in_addr addr, struct in_addr mask)
{
	struct client *c = ctx;
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	c->src = addr;
	if (c->tap)
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr = addr;
	if (ioctl(c->fd, SIOCSIFADDR, &ifr) < 0) {
		perror("redox_dhcp_client: SIOCSIFADDR");
		return -1;
	}
	if (mask.s_addr) {
		sin->sin_addr = mask;
		if (ioctl(c->fd, SIOCSIFNETMASK, &ifr) < 0) {
			perror("redox_dhcp_client: SIOCSIFNETMASK");
			return -1;
		}
	}
	return 0;
}

/* first_reply() - Return: length of the first BOOTREPLY for @xid within the wait, or -1 */
static ssize_t first_reply(void *ctx, uint32_t xid, uint8_t *buf, size_t size)
{
	const struct client *c = ctx;
	long deadline = now_ms() + c->wait_ms;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	uint8_t f[2048];

	for (long left; (left = deadline - now_ms()) > 0;) {
		const uint8_t *b = f;
		size_t blen;
		ssize_t n;

		if (poll(&p, 1, (int)left) <= 0 || (n = read(c->fd, f, sizeof(f))) <= 0)
			continue;
		blen = (size_t)n;
		if (c->tap && !(b = wire_frame_reply(f, (size_t)n, &blen)))
			continue;
		if (blen >= WIRE_OPTIONS && b[0] == 2 && wire_xid(b) == xid) {
			blen = blen < size ? blen : size;
			memcpy(buf, b, blen);
			return (ssize_t)blen;
		}
	}
	return -1;
}

/* usage() - Return: 2, after printing how to call the tool */
static int usage(void)
{
	fprintf(stderr, "usage: redox_dhcp_client [--wait MS] IFACE\n"
		"       redox_dhcp_client [--wait MS] [--mac MAC] [--bridge BRIDGE] --tap TAP\n");
	return 2;
}

int main(int argc, char *argv[])
{
	struct client c = { .fd = -1, .wait_ms = WAIT_MS_DEFAULT,
			    .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
	struct wire_link link = { send_once, first_reply, &c, apply };
	const char *tap = NULL, *bridge = NULL, *iface = NULL;
	struct wire_lease lease;
	unsigned long long ms;
	int i, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--wait")) {
			err = decimal_parse(argv[++i], WAIT_MS_MAX, &ms);
			if (err || !ms) {
				fprintf(stderr, "redox_dhcp_client: --wait %s: %s (milliseconds, 1 to %d)\n",
					argv[i], err ? decimal_problem(err) : "zero", WAIT_MS_MAX);
				return 2;
			}
			c.wait_ms = (int)ms;
		} else if (i + 1 < argc && !strcmp(argv[i], "--mac")) {
			const char *why = mac_parse(argv[++i], c.mac);

			if (why) {
				fprintf(stderr, "redox_dhcp_client: --mac %s: %s\n", argv[i], why);
				return 2;
			}
		} else if (i + 1 < argc && !strcmp(argv[i], "--bridge")) {
			bridge = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--tap")) {
			tap = argv[++i];
		} else if (argv[i][0] != '-' && !iface && i == argc - 1) {
			iface = argv[i];
		} else {
			return usage();
		}
	}
	if (!tap == !iface || (bridge && !tap))
		return usage();
	c.ifname = iface;
	if (tap ? open_vm(&c, tap, bridge) : open_udp(&c, iface))
		return 2;
	return wire_redox_client(&link, c.mac, (uint32_t)now_ms() ^ (uint32_t)getpid() << 16, &lease);
}
