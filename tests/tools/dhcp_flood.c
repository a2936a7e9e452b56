// SPDX-License-Identifier: MIT
/*
 * dhcp_flood.c - test tool: a guest that floods the DHCP responder with DISCOVERs from made-up MACs.
 *
 * It attaches to TAP (creating it if there is none), puts it on BRIDGE and up
 * when BRIDGE is not "-", and writes COUNT DISCOVERs, each in its own frame
 * from a new random locally administered MAC, as fast as the TAP takes them;
 * with "rapid", each carries option 80 (rapid commit, RFC 4039).  It reads
 * the replies as they come, and for 500 ms after the last DISCOVER, and
 * prints one line:  sent N offers O acks A
 *
 * usage: dhcp_flood TAP BRIDGE|- COUNT plain|rapid
 */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "lib/netlink.h"
#include "tests/tools/dhcp_wire.h"
#include "tests/tools/guard.h"
#include "tests/tools/tap_open.h"

/* attach() - put @tap on @bridge and up, and wait until it forwards; Return: 0, or -1 */
static int attach(const char *bridge, const char *tap)
{
	struct link_state br, l;
	struct nl_sock *sk = nl_route_open();
	int err = sk ? link_query(sk, bridge, &br) : -1;
	char path[128], state[8] = "";

	if (!err)
		err = link_query(sk, tap, &l);
	if (!err)
		err = link_attach_up(sk, l.ifindex, 0, br.ifindex);
	if (sk)
		nl_route_close(sk);
	snprintf(path, sizeof(path), "/sys/class/net/%s/brport/state", tap);
	for (int tries = 0; !err && tries < 500 && state[0] != '3'; tries++) {
		FILE *f = fopen(path, "re");

		if (f) {
			if (!fgets(state, sizeof(state), f))
				state[0] = '\0';
			fclose(f);
		}
		if (state[0] != '3')
			usleep(10000);
	}
	if (err || state[0] != '3')
		fprintf(stderr, "dhcp_flood: cannot put %s on %s\n", tap, bridge);
	return err || state[0] != '3' ? -1 : 0;
}

/* drain() - count the OFFERs and ACKs out of @fd within @ms milliseconds */
static void drain(int fd, int ms, unsigned int *offers, unsigned int *acks)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint8_t f[2048];

	while (poll(&pfd, 1, ms) > 0) {
		ssize_t n;

		while ((n = read(fd, f, sizeof(f))) > 0) {
			size_t blen;
			const uint8_t *bootp = wire_frame_reply(f, (size_t)n, &blen);
			uint8_t t = bootp ? wire_type(bootp, blen) : 0;

			*offers += t == 2;
			*acks += t == 5;
		}
	}
}

int main(int argc, char *argv[])
{
	unsigned int offers = 0, acks = 0;
	long count = argc == 5 ? strtol(argv[3], NULL, 10) : 0;
	bool rapid = argc == 5 && !strcmp(argv[4], "rapid");
	int fd;

	if (guard_refuse_root_netns("dhcp_flood"))
		return 2;
	if (count <= 0 || (!rapid && strcmp(argv[4], "plain"))) {
		fprintf(stderr, "usage (inside a test namespace): dhcp_flood TAP BRIDGE|- COUNT plain|rapid\n");
		return 2;
	}
	fd = tap_open(argv[1], O_NONBLOCK);
	if (fd < 0 || (strcmp(argv[2], "-") && attach(argv[2], argv[1])))
		return 1;
	for (long i = 0; i < count; i++) {
		uint8_t mac[6], f[WIRE_FRAME_HEADERS + 576];
		struct wire w;

		if (getrandom(mac, sizeof(mac), 0) != (ssize_t)sizeof(mac))
			return 1;
		mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);	/* unicast, locally administered */
		wire_request(&w, 1, (uint32_t)i, mac, true);
		if (rapid)
			wire_opt(&w, 80, "", 0);
		wire_end(&w);
		while (write(fd, f, wire_frame(f, mac, &w)) < 0)
			drain(fd, 1, &offers, &acks);
		drain(fd, 0, &offers, &acks);
	}
	/* Replies still on their way: wait for them, 10 s at most (a hang guard, not a timing). */
	for (int waited = 0; offers + acks < (unsigned long)count && waited < 10000; waited += 100)
		drain(fd, 100, &offers, &acks);
	drain(fd, 100, &offers, &acks);
	printf("sent %ld offers %u acks %u\n", count, offers, acks);
	return 0;
}
