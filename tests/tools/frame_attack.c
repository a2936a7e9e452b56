// SPDX-License-Identifier: MIT
/*
 * frame_attack.c - test tool: a hostile stand-in VMM that writes raw frames on its TAP fd
 *
 * It takes the queue fd at 3 as redox-run-net or helper_client --exec leave it, sets the
 * 12-byte virtio-net header Cloud Hypervisor uses, and runs its arguments as a script:
 *
 *   mac M                      source MAC of what follows
 *   hwaddr M                   SIOCSIFHWADDR on its own fd: the TAP's MAC becomes M
 *   arp OP SPA TPA [THA]       ARP request (OP 1, broadcast) or reply (OP 2, to THA)
 *   dhcp TYPE CHADDR CIADDR [REQIP]
 *                              a DHCP message of TYPE (3 REQUEST, 4 DECLINE, 7 RELEASE)
 *                              from CIADDR (0.0.0.0 allowed) to 255.255.255.255, server id
 *                              172.16.0.1, option 50 REQIP when given
 *   randmac N                  N ARP requests, each from a random source MAC
 *   ip SRC DST                 an ICMP echo request from SRC to DST, to the broadcast MAC
 *   blast N SECONDS DSTMAC     up to N UDP frames to DSTMAC for at most SECONDS; prints
 *                              "blast FRAMES SECONDS"
 *   listen MS PORT             read for MS ms; prints "heard FRAMES syn SYNS" (TCP SYNs to
 *                              PORT) and "ack ADDR" for each DHCPACK it saw
 *   sleep MS
 *
 * Every step prints one line; a failing write or ioctl exits 1 with the reason.  When
 * redox-run-net execs it (CH_BIN) its arguments are Cloud Hypervisor's, so the script
 * comes from $FRAME_ATTACK instead, words separated by spaces.  With $FRAME_ATTACK_TAP
 * (root, bench/bench_port_filter.sh) it attaches to that existing TAP itself at fd 3.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/ether.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/dhcp_wire.h"

#define FD 3
#define VNET_HDR 12
#define ETH_HLEN 14

static uint8_t src[6];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

static void parse_mac(const char *text, uint8_t mac[6])
{
	struct ether_addr *e = ether_aton(text);

	if (!e) {
		printf("FAIL bad MAC %s\n", text);
		exit(2);
	}
	memcpy(mac, e, 6);
}

static uint32_t parse_ip(const char *text)
{
	struct in_addr a;

	if (inet_pton(AF_INET, text, &a) != 1) {
		printf("FAIL bad address %s\n", text);
		exit(2);
	}
	return a.s_addr;
}

/* send_frame() - write @len bytes of Ethernet frame after a zeroed virtio-net header */
static int send_frame(const uint8_t *frame, size_t len)
{
	uint8_t buf[VNET_HDR + 1600] = { 0 };

	memcpy(buf + VNET_HDR, frame, len);
	return write(FD, buf, VNET_HDR + len) == (ssize_t)(VNET_HDR + len) ? 0 : -1;
}

static size_t eth(uint8_t *f, const uint8_t dst[6], const uint8_t *from, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, from, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return ETH_HLEN;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void arp(const uint8_t *from, int op, uint32_t spa, uint32_t tpa, const uint8_t tha[6])
{
	uint8_t f[60] = { 0 };
	size_t n = eth(f, op == 1 ? bcast : tha, from, 0x0806);
	static const uint8_t hdr[6] = { 0, 1, 8, 0, 6, 4 };

	memcpy(f + n, hdr, 6);
	f[n + 7] = (uint8_t)op;
	memcpy(f + n + 8, from, 6);
	memcpy(f + n + 14, &spa, 4);
	memcpy(f + n + 18, tha, 6);
	memcpy(f + n + 24, &tpa, 4);
	if (send_frame(f, sizeof(f)))
		die("arp write");
}

static uint16_t ip_sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* ipv4() - Ethernet + IPv4 header for @plen bytes of protocol @proto; Return: header length */
static size_t ipv4(uint8_t *f, const uint8_t dst[6], uint8_t proto, uint32_t s, uint32_t d,
		   size_t plen)
{
	size_t n = eth(f, dst, src, 0x0800);
	uint8_t *ip = f + n;
	uint16_t sum, total = htons((uint16_t)(20 + plen));

	memset(ip, 0, 20);
	ip[0] = 0x45;
	memcpy(ip + 2, &total, 2);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	sum = htons(ip_sum(ip, 20));
	memcpy(ip + 10, &sum, 2);
	return n + 20;
}

static void dhcp(int type, const uint8_t chaddr[6], uint32_t ciaddr, const char *reqip)
{
	uint8_t f[ETH_HLEN + 20 + 8 + sizeof(((struct wire *)0)->b)];
	uint32_t server = parse_ip("172.16.0.1");
	struct wire w;
	size_t n;
	uint16_t ports[2] = { htons(68), htons(67) }, ulen;

	wire_request(&w, (uint8_t)type, (uint32_t)random(), chaddr, ciaddr == 0);
	memcpy(w.b + 12, &ciaddr, 4);
	wire_opt(&w, 54, &server, 4);
	if (reqip) {
		uint32_t r = parse_ip(reqip);

		wire_opt(&w, 50, &r, 4);
	}
	wire_end(&w);
	n = ipv4(f, bcast, 17, ciaddr, INADDR_BROADCAST, 8 + w.len);
	ulen = htons((uint16_t)(8 + w.len));
	memcpy(f + n, ports, 4);
	memcpy(f + n + 4, &ulen, 2);
	memset(f + n + 6, 0, 2);	/* no UDP checksum: allowed over IPv4 */
	memcpy(f + n + 8, w.b, w.len);
	if (send_frame(f, n + 8 + w.len))
		die("dhcp write");
}

static void icmp(uint32_t s, uint32_t d)
{
	uint8_t f[ETH_HLEN + 20 + 8] = { 0 };
	size_t n = ipv4(f, bcast, 1, s, d, 8);
	uint16_t sum;

	f[n] = 8;
	sum = htons(ip_sum(f + n, 8));
	memcpy(f + n + 2, &sum, 2);
	if (send_frame(f, sizeof(f)))
		die("ip write");
}

static void blast(long count, double seconds, const uint8_t dst[6])
{
	uint8_t f[ETH_HLEN + 20 + 8 + 64] = { 0 };
	size_t n = ipv4(f, dst, 17, parse_ip("172.16.0.250"), parse_ip("172.16.0.1"), 8 + 64);
	double t0 = now(), t = t0;
	long sent = 0;

	f[n + 1] = 9;	/* sport 9, dport 9 (discard), length 72 */
	f[n + 3] = 9;
	f[n + 5] = 72;
	while (sent < count && (t = now()) - t0 < seconds) {
		for (int i = 0; i < 256 && sent < count; i++, sent++)
			if (send_frame(f, sizeof(f)) && errno != EAGAIN && errno != ENOBUFS)
				die("blast write");
	}
	printf("blast %ld %.6f\n", sent, t - t0);
}

static void listen_frames(int ms, int port)
{
	uint8_t buf[VNET_HDR + 65536];
	double end = now() + ms / 1000.0;
	long frames = 0, syns = 0;

	for (double left; (left = end - now()) > 0;) {
		struct pollfd p = { .fd = FD, .events = POLLIN };
		const uint8_t *f = buf + VNET_HDR, *ip = f + ETH_HLEN, *l4;
		ssize_t r;

		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		r = read(FD, buf, sizeof(buf));
		if (r < VNET_HDR + ETH_HLEN + 20)
			continue;
		frames++;
		if (f[12] != 8 || f[13] != 0)
			continue;
		l4 = ip + (ip[0] & 15) * 4;
		if (ip[9] == 6 && (l4[2] << 8 | l4[3]) == port && (l4[13] & 0x12) == 0x02)
			syns++;
		if (ip[9] == 17 && l4[1] == 67 && r >= VNET_HDR + ETH_HLEN + 28 + 240 &&
		    wire_type(l4 + 8, (size_t)(r - (l4 + 8 - buf))) == 5) {
			char a[INET_ADDRSTRLEN];

			printf("ack %s\n", inet_ntop(AF_INET, l4 + 8 + 16, a, sizeof(a)));
		}
	}
	printf("heard %ld syn %ld\n", frames, syns);
}

/* script_from_env() - split $FRAME_ATTACK into @argv[1..]; Return: the new argc */
static int script_from_env(char *argv[], int max)
{
	char *script = getenv("FRAME_ATTACK"), *save = NULL;
	int n = 1;

	for (char *w = strtok_r(script, " ", &save); w && n < max - 1; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return n;
}

int main(int argc, char *argv[])
{
	static char *words[256];
	int hdr = VNET_HDR;

	if (getenv("FRAME_ATTACK_TAP")) {
		struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", getenv("FRAME_ATTACK_TAP"));
		if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0 || (fd != FD && dup2(fd, FD) < 0))
			die("attach to $FRAME_ATTACK_TAP");
		if (fd != FD)
			close(fd);
	}
	if (getenv("FRAME_ATTACK")) {
		words[0] = argv[0];
		argc = script_from_env(words, 256);
		argv = words;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	srandom((unsigned int)getpid());
	if (ioctl(FD, TUNSETVNETHDRSZ, &hdr) < 0)
		die("TUNSETVNETHDRSZ on fd 3");
	for (int i = 1; i < argc; i++) {
		const char *c = argv[i];
		int left = argc - i - 1;

		if (!strcmp(c, "mac") && left >= 1) {
			parse_mac(argv[++i], src);
		} else if (!strcmp(c, "hwaddr") && left >= 1) {
			struct ifreq ifr = { 0 };

			ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
			parse_mac(argv[++i], (uint8_t *)ifr.ifr_hwaddr.sa_data);
			if (ioctl(FD, SIOCSIFHWADDR, &ifr) < 0)
				die("SIOCSIFHWADDR");
		} else if (!strcmp(c, "arp") && left >= 3) {
			uint8_t tha[6] = { 0 };
			int op = atoi(argv[i + 1]);
			uint32_t spa = parse_ip(argv[i + 2]), tpa = parse_ip(argv[i + 3]);

			i += 3;
			if (left >= 4 && strchr(argv[i + 1], ':'))
				parse_mac(argv[++i], tha);
			arp(src, op, spa, tpa, tha);
		} else if (!strcmp(c, "dhcp") && left >= 3) {
			uint8_t chaddr[6];
			int type = atoi(argv[i + 1]);
			uint32_t ciaddr;
			const char *req = NULL;

			parse_mac(argv[i + 2], chaddr);
			ciaddr = parse_ip(argv[i + 3]);
			i += 3;
			if (left >= 4 && strchr(argv[i + 1], '.'))
				req = argv[++i];
			dhcp(type, chaddr, ciaddr, req);
		} else if (!strcmp(c, "randmac") && left >= 1) {
			long n = atol(argv[++i]);

			for (long k = 0; k < n; k++) {
				uint8_t m[6];

				for (int b = 0; b < 6; b++)
					m[b] = (uint8_t)random();
				m[0] = (uint8_t)((m[0] & 0xfe) | 0x02);	/* unicast, local */
				arp(m, 1, parse_ip("172.16.0.250"), parse_ip("172.16.0.1"), bcast);
			}
		} else if (!strcmp(c, "ip") && left >= 2) {
			icmp(parse_ip(argv[i + 1]), parse_ip(argv[i + 2]));
			i += 2;
		} else if (!strcmp(c, "blast") && left >= 3) {
			uint8_t dst[6];

			parse_mac(argv[i + 3], dst);
			blast(atol(argv[i + 1]), atof(argv[i + 2]), dst);
			i += 3;
			continue;
		} else if (!strcmp(c, "listen") && left >= 2) {
			listen_frames(atoi(argv[i + 1]), atoi(argv[i + 2]));
			i += 2;
			continue;
		} else if (!strcmp(c, "sleep") && left >= 1) {
			usleep((useconds_t)atoi(argv[++i]) * 1000);
		} else {
			printf("FAIL unknown step or missing arguments: %s\n", c);
			return 2;
		}
		printf("done %s\n", c);
	}
	return 0;
}
