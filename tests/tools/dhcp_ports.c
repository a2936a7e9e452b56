// SPDX-License-Identifier: MIT
/*
 * dhcp_ports.c - test tool: which ports of a bridge see the DHCP responder's replies.
 *
 * It creates TAPs A and B, puts them on BRIDGE and up, and holds them open, as
 * two VMs would.  On A, a client with MAC 52:54:00:0d:0c:01 then leases an
 * address exactly as Redox OS's client does (dhcp_wire.h: one DISCOVER with the
 * broadcast flag, one REQUEST with flags 0) and must get its ACK, and asks for 10.0.0.5 (INIT-REBOOT, off the
 * subnet), which must be NAKed.  Every BOOTREPLY that comes out of either TAP
 * until 300 ms after the NAK is printed as one line,
 *
 *   PORT TYPE eth=ETHERNET_DESTINATION ip=IP_DESTINATION
 *
 * for example "A OFFER eth=52:54:00:0d:0c:01 ip=255.255.255.255"; the test
 * judges them.  With BRIDGE "-", A is the existing TAP the responder serves
 * itself (TAP mode) and there is no B.
 *
 * usage: dhcp_ports BRIDGE TAP_A TAP_B | dhcp_ports - TAP
 * Exit 0 when the client got its ACK and the NAK arrived on A.
 */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lib/netlink.h"
#include "tests/tools/dhcp_wire.h"
#include "tests/tools/guard.h"
#include "tests/tools/tap_open.h"

#define WAIT_MS		5000	/* Redox waits 30 s; the test does not need that long */
#define DRAIN_MS	300	/* after the NAK, for replies still on their way */

static const uint8_t client[6] = { 0x52, 0x54, 0x00, 0x0d, 0x0c, 0x01 };

/**
 * struct ports - the TAPs and what the client waits for
 * @fd:		TAP queue of A, then B
 * @name:	"A", "B"
 * @n:		how many TAPs (1 in TAP mode)
 * @wait_ms:	how long first_reply() waits
 */
struct ports {
	int fd[2];
	const char *name[2];
	int n;
	int wait_ms;
};

/* sys_is() - Return: true if /sys/class/net/@dev/@attr holds @want (and a newline) */
static bool sys_is(const char *dev, const char *attr, const char *want)
{
	char path[128], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, attr);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return !strcmp(buf, want);
}

/* attach() - put @a and @b on @bridge and up; Return: 0, or -1 */
static int attach(const char *bridge, const char *a, const char *b)
{
	const char *const dev[2] = { a, b };
	struct link_state br, l;
	struct nl_sock *sk = nl_route_open();
	int err = sk ? link_query(sk, bridge, &br) : -1;

	for (int i = 0; i < 2 && !err; i++) {
		err = link_query(sk, dev[i], &l);
		if (!err)
			err = link_attach_up(sk, l.ifindex, 0, br.ifindex);
	}
	if (sk)
		nl_route_close(sk);
	if (err)
		fprintf(stderr, "dhcp_ports: cannot put %s and %s on %s\n", a, b, bridge);
	return err ? -1 : 0;
}

/*
 * wait_ready() - wait until the path to the responder is there: Redox's client
 * sends its DISCOVER once.  With @bridge NULL, until TAP @a is up; otherwise
 * until the bridge is up and @a and @b forward.  Return: 0, or -1 after 5 s.
 */
static int wait_ready(const char *bridge, const char *a, const char *b)
{
	for (int tries = 0; tries < 500; tries++) {
		if (bridge ? sys_is(bridge, "operstate", "up") && sys_is(a, "brport/state", "3") &&
			     sys_is(b, "brport/state", "3")
			   : sys_is(a, "operstate", "up"))
			return 0;
		usleep(10000);
	}
	fprintf(stderr, "dhcp_ports: %s never came up\n", bridge ? bridge : a);
	return -1;
}

/* Return: milliseconds since some fixed point. */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* mac_text() - "xx:xx:xx:xx:xx:xx" of @m into @out (18 bytes) */
static void mac_text(const uint8_t *m, char *out)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* send_once() - the DISCOVER or REQUEST, in the client's frame, out of A */
static int send_once(void *ctx, struct wire *w)
{
	const struct ports *p = ctx;
	uint8_t f[WIRE_FRAME_HEADERS + sizeof(w->b)];

	return write(p->fd[0], f, wire_frame(f, client, w)) < 0 ? -1 : 0;
}

/*
 * first_reply() - print every BOOTREPLY either TAP gives within p->wait_ms, and
 * return the first one on A for @xid.  Return: its length, or -1.
 */
static ssize_t first_reply(void *ctx, uint32_t xid, uint8_t *buf, size_t size)
{
	static const char *const types[] = { [2] = "OFFER", [5] = "ACK", [6] = "NAK" };
	const struct ports *p = ctx;
	long deadline = now_ms() + p->wait_ms;
	struct pollfd pfd[2];
	uint8_t f[2048];

	for (int i = 0; i < p->n; i++)
		pfd[i] = (struct pollfd){ .fd = p->fd[i], .events = POLLIN };
	for (long left; (left = deadline - now_ms()) > 0;) {
		if (poll(pfd, (nfds_t)p->n, (int)left) <= 0)
			continue;
		for (int i = 0; i < p->n; i++) {
			char eth[18], ip[INET_ADDRSTRLEN];
			const uint8_t *bootp;
			ssize_t n;
			size_t blen;
			uint8_t t;

			if (!(pfd[i].revents & POLLIN) || (n = read(p->fd[i], f, sizeof(f))) <= 0)
				continue;
			bootp = wire_frame_reply(f, (size_t)n, &blen);
			if (!bootp)
				continue;
			t = wire_type(bootp, blen);
			mac_text(f, eth);
			inet_ntop(AF_INET, f + 14 + 16, ip, sizeof(ip));
			printf("%s %s eth=%s ip=%s\n", p->name[i],
			       t < 7 && types[t] ? types[t] : "OTHER", eth, ip);
			if (i == 0 && wire_xid(bootp) == xid) {
				memcpy(buf, bootp, blen < size ? blen : size);
				return (ssize_t)(blen < size ? blen : size);
			}
		}
	}
	return -1;
}

int main(int argc, char *argv[])
{
	static const uint8_t off_subnet[4] = { 10, 0, 0, 5 };
	struct ports p = { .fd = { -1, -1 }, .name = { "A", "B" }, .wait_ms = WAIT_MS };
	struct wire_link link = { send_once, first_reply, &p, NULL };
	bool tap_mode = argc == 3 && !strcmp(argv[1], "-");
	uint8_t buf[1500];
	struct wire_lease lease;
	struct wire w;
	ssize_t n;
	int bad;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (guard_refuse_root_netns("dhcp_ports"))
		return 2;
	if (argc != 4 && !tap_mode) {
		fprintf(stderr, "usage (inside a test namespace): dhcp_ports BRIDGE TAP_A TAP_B | dhcp_ports - TAP\n");
		return 2;
	}
	p.n = tap_mode ? 1 : 2;
	for (int i = 0; i < p.n; i++)
		if ((p.fd[i] = tap_open(argv[2 + i], 0)) < 0)
			return 1;
	if ((!tap_mode && attach(argv[1], argv[2], argv[3])) ||
	    wait_ready(tap_mode ? NULL : argv[1], argv[2], tap_mode ? NULL : argv[3]))
		return 1;
	bad = wire_redox_client(&link, client, (uint32_t)getpid(), &lease) || lease.reply != 5;
	wire_request(&w, 3, (uint32_t)getpid() + 1, client, true);	/* INIT-REBOOT */
	wire_opt(&w, 50, off_subnet, 4);
	wire_end(&w);
	n = send_once(&p, &w) ? -1 : first_reply(&p, (uint32_t)getpid() + 1, buf, sizeof(buf));
	if (n < 0 || wire_type(buf, (size_t)n) != 6) {
		printf("FAIL: no NAK on A for 10.0.0.5\n");
		bad = 1;
	}
	p.wait_ms = DRAIN_MS;
	first_reply(&p, 0, buf, sizeof(buf));
	return bad;
}
