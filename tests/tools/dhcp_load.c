// SPDX-License-Identifier: MIT
/*
 * dhcp_load.c - test tool: stream DHCP exchanges from many distinct MACs, acting as a relay.
 *
 * It binds GIADDR:67 as a relay agent would and keeps WINDOW exchanges in
 * flight, each a DISCOVER, an OFFER, a REQUEST and an ACK for the MAC
 * 02:00:00:xx:xx:xx of its index (FIRST, FIRST + 1, ...; -f, default 1).
 * An exchange that times out (a server that was killed, or one that could
 * not save the lease and stayed silent) starts again from DISCOVER.  Every ACK is printed as
 * "ACK MAC IP" and flushed at once, so a test can compare what clients were
 * promised with what the server kept.
 *
 * With RATE, exchanges start at that many per second whatever the answers
 * (an open loop, as independent clients would), and the time from each first
 * DISCOVER to its ACK is collected; the median and the 99th percentile go to
 * stderr.
 *
 * usage: dhcp_load [-f FIRST] GIADDR SERVER COUNT [WINDOW [RATE]]
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/dhcp_wire.h"
#include "tests/tools/guard.h"

#define TIMEOUT_MS	300
#define MAX_TRIES	100
#define RUN_LIMIT_MS	120000

enum { IDLE, DISCOVERING, REQUESTING, DONE, FAILED };

/**
 * struct exchange - one client
 * @state:	enum above
 * @tries:	DISCOVERs sent so far; part of the xid, so late replies to an
 *		abandoned try are ignored
 * @deadline:	when the current step times out (ms)
 * @started_us:	when its first DISCOVER left (us)
 * @latency_us:	first DISCOVER to ACK (us), once done
 */
struct exchange {
	int state, tries;
	long long deadline;
	long long started_us, latency_us;
};

static int sock;
static struct sockaddr_in server;
static struct in_addr giaddr;
static uint32_t first_mac = 1;	/* MAC index of exchange 1 */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* report_latency() - print the median and 99th percentile of the done exchanges */
static void report_latency(const struct exchange *ex, uint32_t count)
{
	long long *l = calloc(count + 1, sizeof(*l));
	uint32_t n = 0, retried = 0;

	if (!l)
		return;
	for (uint32_t i = 1; i <= count; i++) {
		if (ex[i].state == DONE)
			l[n++] = ex[i].latency_us;
		retried += ex[i].tries > 1;
	}
	qsort(l, n, sizeof(*l), cmp_ll);
	if (n)
		fprintf(stderr, "dhcp_load: latency median %.3f ms, p99 %.3f ms over %u exchanges, %u retried\n",
			(double)l[n / 2] / 1000, (double)l[n * 99 / 100] / 1000, n, retried);
	free(l);
}

/* mac_of() - the MAC of exchange @i: 02:00:00 and the 24-bit index */
static void mac_of(uint32_t i, uint8_t mac[6])
{
	i += first_mac - 1;
	mac[0] = 0x02, mac[1] = 0, mac[2] = 0;
	mac[3] = (uint8_t)(i >> 16), mac[4] = (uint8_t)(i >> 8), mac[5] = (uint8_t)i;
}

/* send_msg() - send a relayed message for client @i: giaddr set, hops 1 */
static void send_msg(uint32_t i, struct exchange *e, uint8_t type, const void *yiaddr,
		     const void *server_id)
{
	uint8_t mac[6];
	struct wire w;

	mac_of(i, mac);
	wire_request(&w, type, ((uint32_t)e->tries << 24) | i, mac, false);
	w.b[3] = 1;
	memcpy(w.b + 24, &giaddr, 4);
	if (yiaddr) {
		wire_opt(&w, 50, yiaddr, 4);
		wire_opt(&w, 54, server_id, 4);
	}
	wire_end(&w);
	sendto(sock, w.b, w.len, 0, (struct sockaddr *)&server, sizeof(server));
	e->deadline = now_ms() + TIMEOUT_MS;
}

static void discover(uint32_t i, struct exchange *e)
{
	if (e->tries == 0)
		e->started_us = now_us();
	if (++e->tries > MAX_TRIES) {
		e->state = FAILED;
		return;
	}
	e->state = DISCOVERING;
	send_msg(i, e, 1, NULL, NULL);
}

/* receive() - move the exchange a reply belongs to one step on */
static int receive(struct exchange *ex, uint32_t count)
{
	uint8_t b[1500], olen;
	ssize_t n = recv(sock, b, sizeof(b), MSG_DONTWAIT);
	uint32_t xid, i;
	struct exchange *e;
	const uint8_t *sid;

	if (n < WIRE_OPTIONS || b[0] != 2)
		return 0;
	xid = wire_xid(b);
	i = xid & 0xffffff;
	if (i == 0 || i > count || (int)(xid >> 24) != ex[i].tries)
		return 1;
	e = &ex[i];
	switch (wire_type(b, (size_t)n)) {
	case 2:
		sid = wire_find(b, (size_t)n, 54, &olen);
		if (e->state == DISCOVERING && sid && olen == 4) {
			e->state = REQUESTING;
			send_msg(i, e, 3, b + 16, sid);
		}
		break;
	case 5:
		if (e->state == REQUESTING) {
			struct in_addr ip;
			uint8_t mac[6];

			memcpy(&ip, b + 16, 4);
			mac_of(i, mac);
			printf("ACK 02:00:00:%02x:%02x:%02x %s\n", mac[3], mac[4], mac[5], inet_ntoa(ip));
			fflush(stdout);
			e->latency_us = now_us() - e->started_us;
			e->state = DONE;
		}
		break;
	case 6:
		discover(i, e);
		break;
	}
	return 1;
}

int main(int argc, char *argv[])
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(67) };
	uint32_t count, window, rate, next = 1, active = 0, done = 0, failed = 0;
	struct exchange *ex;
	long long start = now_ms(), start_us = now_us();
	int one = 1;

	if (argc > 2 && !strcmp(argv[1], "-f")) {
		first_mac = (uint32_t)strtoul(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: dhcp_load [-f FIRST] GIADDR SERVER COUNT [WINDOW [RATE]]\n");
		return 2;
	}
	if (guard_refuse_root_netns("dhcp_load"))
		return 2;
	count = (uint32_t)strtoul(argv[3], NULL, 10);
	window = argc >= 5 ? (uint32_t)strtoul(argv[4], NULL, 10) : 32;
	rate = argc == 6 ? (uint32_t)strtoul(argv[5], NULL, 10) : 0;
	server.sin_family = AF_INET;
	server.sin_port = htons(67);
	if (inet_pton(AF_INET, argv[1], &giaddr) != 1 || inet_pton(AF_INET, argv[2], &server.sin_addr) != 1 ||
	    count == 0 || count >= (1u << 24) || window == 0 || first_mac == 0 ||
	    first_mac - 1 + count >= (1u << 24)) {
		fprintf(stderr, "dhcp_load: bad arguments\n");
		return 2;
	}
	me.sin_addr = giaddr;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ex = calloc(count + 1, sizeof(*ex));
	if (sock < 0 || !ex || setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(sock, (struct sockaddr *)&me, sizeof(me))) {
		perror("dhcp_load");
		return 1;
	}
	while (done + failed < count && now_ms() - start < RUN_LIMIT_MS) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		long long t;

		/* Closed loop: keep WINDOW in flight.  Open loop: start on schedule. */
		for (; next <= count && (rate ? now_us() >= start_us + (long long)(next - 1) * 1000000 / rate :
					 active < window); next++, active++)
			discover(next, &ex[next]);
		if (poll(&p, 1, rate ? 1 : 20) > 0)
			while (receive(ex, count))
				;
		t = now_ms();
		active = 0;
		done = failed = 0;
		for (uint32_t i = 1; i < next; i++) {
			struct exchange *e = &ex[i];

			if ((e->state == DISCOVERING || e->state == REQUESTING) && t > e->deadline)
				discover(i, e);
			done += e->state == DONE;
			failed += e->state == FAILED;
			active += e->state == DISCOVERING || e->state == REQUESTING;
		}
	}
	fprintf(stderr, "dhcp_load: %u acked, %u failed, %u unfinished\n", done, failed,
		count - done - failed);
	if (rate)
		report_latency(ex, count);
	free(ex);
	close(sock);
	return done == count ? 0 : 1;
}
