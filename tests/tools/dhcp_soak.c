// SPDX-License-Identifier: MIT
/*
 * dhcp_soak.c - test tool: a long stream of valid and malformed DHCP traffic, with the
 * responder's memory sampled along the way.
 *
 * It binds GIADDR:67 as a relay agent would (the responder runs with
 * allow-relay) and keeps WINDOW client sessions in flight, each for one of
 * CLIENTS MACs (02:5a:00:xx:xx:xx), round robin.  A client without a lease
 * runs DISCOVER, OFFER, REQUEST, ACK (one in ten with rapid commit); one with
 * a lease renews it (REQUEST with ciaddr), asks for it again as after a
 * reboot (REQUEST with option 50), releases it, sends an INFORM, or starts
 * over with a DISCOVER.  Some REQUESTs carry a hostile hostname (controls,
 * %n, a leading '-'), which ends up in the lease file.  Every reply is
 * checked: the expected type and address, option 53 first, 54 the server,
 * 1 the mask, 3 and 51 four bytes, 6 a multiple of four, and never the
 * server's, the network or the broadcast address.  A NAK to any of these
 * clients is wrong too: each asks only for what it holds.
 *
 * For every valid datagram, on average BAD/(100 - BAD) others go out (-b BAD,
 * the percentage of all datagrams), of the kinds in tests/tools/dhcp_malformed.h
 * in equal shares: malformed ones from SECURITY.md's list (truncated, bad
 * cookie, op, htype/hlen, options running past the end, no END, only PAD,
 * fixed options of the wrong length, option 53 absent, repeated or out of
 * range, option 52 in every bad form, oversized, garbage, multicast or zero
 * MACs, server message types), which must never be answered, and odd ones the
 * responder may answer (bit flips, data after END, a 255-code option 55,
 * option 57 below 576, hops 255, hostile hostnames, REQUESTs for the server's,
 * the network's or the broadcast address, which must be NAKed).  Those come
 * from 256 MACs of their own (02:bb:00:00:00:xx), with the top bit and the
 * kind in the xid, so they never touch the valid clients' leases and every
 * reply to one is checked against its kind.
 *
 * With -p PID it reads VmRSS, RssAnon and VmHWM from /proc/PID/status at
 * SAMPLES + 1 evenly spaced points of the run (the first before any traffic)
 * and prints each as "rss PACKETS SECONDS VMRSS_KB RSSANON_KB VMHWM_KB".  At
 * the end it prints the totals, runs one last full exchange for a fresh MAC
 * ("final ok"), and with -o FILE writes "held MAC IP" for every lease the
 * clients hold.  It exits 0 when no reply was wrong and the last exchange
 * worked.
 *
 * usage: dhcp_soak [-n PACKETS] [-c CLIENTS] [-w WINDOW] [-b BAD] [-p PID]
 *                  [-s SAMPLES] [-o FILE] GIADDR SERVER/PREFIXLEN
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/dhcp_malformed.h"
#include "tests/tools/dhcp_wire.h"
#include "tests/tools/guard.h"

#define TIMEOUT_MS	500
#define ODD_XID		0x80000000u	/* xids of the malformed and odd datagrams */
#define ODD_MACS	256
#define BAD_SHOWN	10		/* wrong replies described one by one */

enum session { S_DORA, S_RAPID, S_RENEW, S_REBOOT, S_RELEASE, S_INFORM };
enum step { IDLE, WAIT_OFFER, WAIT_ACK };

/**
 * struct client - one valid client
 * @held:	address it holds (network order), 0 for none
 * @want:	address the awaited reply must carry, 0 for any
 * @deadline:	when the awaited reply is given up on (ms)
 * @seq:	session number, 7 bits of the xid, so late replies are told apart
 * @step:	enum step
 * @kind:	enum session
 */
struct client {
	uint32_t held, want;
	long long deadline;
	uint8_t seq, step, kind;
};

static int sock;
static struct sockaddr_in server;
static struct in_addr giaddr;
static uint32_t net, mask;		/* host order */
static uint32_t n_clients = 2000;
static struct client *clients;
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned long long sent, sent_valid, sent_bad[DHCP_MALFORMED_KINDS], send_errors;
static unsigned long long got[9], odd_replies, stale, timeouts, wrong;

static uint32_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* bad() - count a wrong reply and describe the first few on stderr */
__attribute__((format(printf, 1, 2))) static void bad(const char *fmt, ...)
{
	va_list ap;

	if (++wrong > BAD_SHOWN)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "dhcp_soak: wrong reply: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void client_mac(uint32_t i, uint8_t mac[6])
{
	mac[0] = 0x02, mac[1] = 0x5a, mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16), mac[4] = (uint8_t)(i >> 8), mac[5] = (uint8_t)i;
}

/* send_wire() - send one datagram to the responder, and count it */
static void send_wire(const uint8_t *b, size_t len)
{
	if (sendto(sock, b, len, 0, (const struct sockaddr *)&server, sizeof(server)) < 0)
		send_errors++;
	sent++;
}

/* relay() - make @w a relayed datagram (giaddr set, hops 1), end it and send it */
static void relay(struct wire *w)
{
	w->b[3] = 1;
	memcpy(w->b + 24, &giaddr, 4);
	wire_end(w);
	send_wire(w->b, w->len);
	sent_valid++;
}

/* add_hostname() - option 12, often one no log or lease file may take literally */
static void add_hostname(struct wire *w)
{
	static const char *const names[] = {
		"redox", "%n%s%x", "-rf", "a\nbind 02:5a:00:00:00:01 172.16.0.9 9 -",
		"\x1b]0;pwn\x07", "x y=z\\\"'", "\x01\x02\x7f\xff",
	};
	const char *n = names[rnd() % (sizeof(names) / sizeof(names[0]))];

	wire_opt(w, 12, n, (uint8_t)strlen(n));
}

/* start() - begin a new session for client @i */
static void start(uint32_t i)
{
	struct client *c = &clients[i];
	uint32_t r = rnd() % 100, xid;
	uint8_t mac[6], type = 1;
	struct wire w;

	c->seq = (c->seq + 1) & 0x7f;
	xid = (uint32_t)c->seq << 24 | i;
	client_mac(i, mac);
	if (!c->held)
		c->kind = r < 10 ? S_RAPID : S_DORA;
	else
		c->kind = r < 25 ? S_RENEW : r < 45 ? S_REBOOT : r < 70 ? S_RELEASE :
			  r < 85 ? S_INFORM : S_DORA;
	c->want = c->held;
	c->step = WAIT_ACK;
	switch (c->kind) {
	case S_DORA:
	case S_RAPID:
		c->step = c->kind == S_DORA ? WAIT_OFFER : WAIT_ACK;
		break;
	case S_RENEW:
	case S_REBOOT:
		type = 3;
		break;
	case S_RELEASE:
		type = 7;
		break;
	default:
		type = 8;
		c->want = 0;
		break;
	}
	wire_request(&w, type, xid, mac, false);
	if (c->kind == S_RAPID)
		wire_opt(&w, 80, "", 0);
	if (c->kind == S_RENEW || c->kind == S_RELEASE || c->kind == S_INFORM)
		memcpy(w.b + 12, &c->held, 4);
	if (c->kind == S_REBOOT)
		wire_opt(&w, 50, &c->held, 4);
	if (c->kind == S_RELEASE)
		wire_opt(&w, 54, &server.sin_addr, 4);
	if (rnd() % 4 == 0)
		wire_opt(&w, 55, "\x01\x03\x06\x0c\x0f\x1a\x1c\x79", 8);
	if (type == 3 && rnd() % 8 == 0)
		add_hostname(&w);
	relay(&w);
	if (c->kind == S_RELEASE) {
		c->held = 0;
		c->step = IDLE;
		return;
	}
	c->deadline = now_ms() + TIMEOUT_MS;
}

/* odd_base() - a DISCOVER from one of the odd MACs, relayed, END not yet written; kind @k in the xid */
static void odd_base(struct big *p, unsigned int k)
{
	struct wire w;
	uint8_t mac[6] = { 0x02, 0xbb, 0, 0, 0, (uint8_t)rnd() };

	wire_request(&w, 1, ODD_XID | k << 24 | (rnd() & 0xffffff), mac, false);
	w.b[3] = 1;
	memcpy(w.b + 24, &giaddr, 4);
	memcpy(p->b, w.b, w.len);
	p->len = w.len;
}

/* send_bad() - send one datagram of a category chosen at random */
static void send_bad(void)
{
	struct big p;
	unsigned int k = rnd() % DHCP_MALFORMED_KINDS;

	odd_base(&p, k);
	dhcp_malformed(&p, k, rnd, ntohl(server.sin_addr.s_addr), net, mask);
	send_wire(p.b, p.len);
	sent_bad[k]++;
}

/* forbidden() - Return: true for an address no client may be given */
static bool forbidden(uint32_t a)
{
	uint32_t h = ntohl(a);

	return (h & mask) != net || h == net || h == (net | ~mask) || a == server.sin_addr.s_addr;
}

/* check_options() - a reply's options as Redox's client needs them; Return: what is wrong, or NULL */
static const char *check_options(const uint8_t *b, size_t n, bool lease)
{
	uint8_t l;
	const uint8_t *v;
	uint32_t m = htonl(mask);
	size_t first = WIRE_OPTIONS;

	while (first < n && b[first] == 0)
		first++;
	if (first >= n || b[first] != 53)
		return "option 53 is not first";
	v = wire_find(b, n, 54, &l);
	if (!v || l != 4 || memcmp(v, &server.sin_addr, 4))
		return "option 54 is not the server";
	v = wire_find(b, n, 1, &l);
	if (!v || l != 4 || memcmp(v, &m, 4))
		return "option 1 is not the mask";
	v = wire_find(b, n, 3, &l);
	if (!v || l != 4)
		return "option 3 is not 4 bytes";
	v = wire_find(b, n, 6, &l);
	if (!v || !l || l % 4)
		return "option 6 is not a list of addresses";
	v = wire_find(b, n, 51, &l);
	if (lease ? !v || l != 4 : v != NULL)
		return lease ? "no 4-byte option 51" : "option 51 in an INFORM answer";
	return NULL;
}

/* on_odd() - a reply to a malformed or odd datagram: only to a kind that may be answered, never a forbidden address */
static void on_odd(const uint8_t *b, size_t n)
{
	unsigned int k = (wire_xid(b) >> 24) & 0x7f;
	uint8_t type = wire_type(b, n);
	uint32_t yi;

	odd_replies++;
	if (k < DHCP_MALFORMED_DROPPED)
		bad("answered a datagram of a kind that must be dropped: %s",
		    k < DHCP_MALFORMED_KINDS ? dhcp_malformed_names[k] : "?");
	memcpy(&yi, b + 16, 4);
	if ((type == 2 || type == 5) && forbidden(yi))
		bad("odd client given %s", inet_ntoa((struct in_addr){ yi }));
	if (type == 2 || type == 5) {
		const char *why = check_options(b, n, true);

		if (why)
			bad("to an odd client: %s", why);
	}
}

/* on_reply() - check a reply and move its session on */
static void on_reply(const uint8_t *b, size_t n)
{
	uint32_t xid, i, yi;
	uint8_t type, mac[6], l;
	struct client *c;
	const char *why;

	if (n < WIRE_OPTIONS || b[0] != 2) {
		bad("not a BOOTREPLY (%zu bytes)", n);
		return;
	}
	xid = wire_xid(b);
	type = wire_type(b, n);
	if (type < 9)
		got[type]++;
	if (xid & ODD_XID) {
		on_odd(b, n);
		return;
	}
	i = xid & 0xffffff;
	if (i >= n_clients || clients[i].step == IDLE || (xid >> 24) != clients[i].seq) {
		stale++;
		return;
	}
	c = &clients[i];
	client_mac(i, mac);
	memcpy(&yi, b + 16, 4);
	if (memcmp(b + 28, mac, 6)) {
		bad("chaddr is not the client's");
		return;
	}
	if (type == 6) {
		const uint8_t *msg = wire_find(b, n, 56, &l);

		bad("NAK to client %u (%.*s)", i, msg ? l : 0, msg ? (const char *)msg : "");
		c->held = 0;
		c->step = IDLE;
		return;
	}
	if (type != (c->step == WAIT_OFFER ? 2 : 5)) {
		bad("type %u to client %u waiting in step %u", type, i, c->step);
		return;
	}
	why = check_options(b, n, c->kind != S_INFORM);
	if (!why && c->kind == S_INFORM && yi)
		why = "yiaddr set in an INFORM answer";
	if (!why && c->kind != S_INFORM && forbidden(yi))
		why = "a forbidden address";
	if (!why && c->want && yi != c->want)
		why = "not the address the client holds";
	if (!why && c->kind == S_RAPID && !wire_find(b, n, 80, &l))
		why = "no option 80 in a rapid-commit ACK";
	if (why) {
		bad("client %u, session %u: %s", i, c->kind, why);
		c->step = IDLE;
		return;
	}
	if (c->step == WAIT_OFFER) {
		struct wire w;

		wire_request(&w, 3, xid, mac, false);
		wire_opt(&w, 50, &yi, 4);
		wire_opt(&w, 54, &server.sin_addr, 4);
		if (rnd() % 8 == 0)
			add_hostname(&w);
		relay(&w);
		c->want = yi;
		c->step = WAIT_ACK;
		c->deadline = now_ms() + TIMEOUT_MS;
		return;
	}
	if (c->kind != S_INFORM)
		c->held = yi;
	c->step = IDLE;
}

/* drain() - read and handle every reply waiting */
static void drain(void)
{
	uint8_t b[1500];
	ssize_t n;

	while ((n = recv(sock, b, sizeof(b), MSG_DONTWAIT)) >= 0)
		on_reply(b, (size_t)n);
}

/* next_client() - Return: the next idle client, round robin over all but the last */
static uint32_t next_client(uint32_t *rr)
{
	uint32_t i;

	do {
		i = *rr;
		*rr = (*rr + 1) % (n_clients - 1);
	} while (clients[i].step != IDLE);
	return i;
}

/* sample() - print the responder's memory: "rss PACKETS SECONDS VMRSS RSSANON VMHWM" */
static void sample(int pid, long long t0)
{
	char path[64], line[256];
	unsigned long rss = 0, anon = 0, hwm = 0;
	FILE *f;

	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f) {
		printf("rss %llu %.2f gone\n", sent, (double)(now_ms() - t0) / 1000);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %lu", &rss);
		sscanf(line, "RssAnon: %lu", &anon);
		sscanf(line, "VmHWM: %lu", &hwm);
	}
	fclose(f);
	printf("rss %llu %.2f %lu %lu %lu\n", sent, (double)(now_ms() - t0) / 1000, rss, anon, hwm);
	fflush(stdout);
}

/* final_check() - one whole exchange for a MAC never seen, every reply checked; Return: 0 if it worked */
static int final_check(void)
{
	uint32_t i = n_clients - 1;
	long long end = now_ms() + 10000;
	unsigned long long before = wrong;

	/* The last client is kept out of the round robin for this. */
	clients[i].held = 0;
	start(i);
	while (now_ms() < end && clients[i].step != IDLE) {
		struct pollfd p = { .fd = sock, .events = POLLIN };

		if (poll(&p, 1, 50) > 0)
			drain();
		if (clients[i].step != IDLE && now_ms() > clients[i].deadline)
			start(i);
	}
	return clients[i].step == IDLE && clients[i].held && wrong == before ? 0 : 1;
}

/* parse_args() - the options and GIADDR SERVER/PREFIXLEN; Return: 0, or -1 for a usage error */
static int parse_args(int argc, char *argv[], unsigned long long *target, uint32_t *window,
		      unsigned int *bad_pct, int *pid, unsigned int *samples, const char **held)
{
	int opt;
	unsigned int len;
	char *slash;

	while ((opt = getopt(argc, argv, "n:c:w:b:p:s:o:")) != -1) {
		switch (opt) {
		case 'n':
			*target = strtoull(optarg, NULL, 10);
			break;
		case 'c':
			n_clients = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			*window = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'b':
			*bad_pct = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			*pid = atoi(optarg);
			break;
		case 's':
			*samples = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'o':
			*held = optarg;
			break;
		default:
			return -1;
		}
	}
	if (argc - optind != 2 || !(slash = strchr(argv[optind + 1], '/')))
		return -1;
	*slash = '\0';
	len = (unsigned int)strtoul(slash + 1, NULL, 10);
	if (inet_pton(AF_INET, argv[optind], &giaddr) != 1 ||
	    inet_pton(AF_INET, argv[optind + 1], &server.sin_addr) != 1 || len < 8 || len > 30 ||
	    *samples == 0 || *target < *samples || n_clients >= (1u << 24) || *window == 0 ||
	    *window + 1 >= n_clients || *bad_pct > 90)
		return -1;
	mask = ~0u << (32 - len);
	net = ntohl(server.sin_addr.s_addr) & mask;
	return 0;
}

int main(int argc, char *argv[])
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(67) };
	unsigned long long target = 300000, next_sample;
	unsigned int bad_pct = 40, samples = 20;
	uint32_t window = 32, rr = 0, *slot;
	const char *held = NULL;
	int one = 1, buf = 4 << 20, pid = 0, rc;
	long long t0, t;

	if (parse_args(argc, argv, &target, &window, &bad_pct, &pid, &samples, &held)) {
		fprintf(stderr, "usage: dhcp_soak [-n PACKETS] [-c CLIENTS] [-w WINDOW] [-b BAD%%] "
			"[-p PID] [-s SAMPLES] [-o FILE] GIADDR SERVER/PREFIXLEN\n");
		return 2;
	}
	if (guard_refuse_root_netns("dhcp_soak"))
		return 2;
	server.sin_family = AF_INET;
	server.sin_port = htons(67);
	me.sin_addr = giaddr;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	clients = calloc(n_clients, sizeof(*clients));
	slot = calloc(window, sizeof(*slot));
	if (sock < 0 || !clients || !slot || setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) &&
	     setsockopt(sock, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf))) ||
	    bind(sock, (struct sockaddr *)&me, sizeof(me))) {
		perror("dhcp_soak");
		return 1;
	}
	t0 = now_ms();
	sample(pid, t0);
	next_sample = target / samples;
	/* The round robin runs over all clients but the last, kept for final_check(). */
	for (uint32_t k = 0; k < window; k++)
		start(slot[k] = next_client(&rr));
	while (sent < target) {
		struct pollfd p = { .fd = sock, .events = POLLIN };

		if (sent >= next_sample) {
			sample(pid, t0);
			next_sample += target / samples;
		}
		if (poll(&p, 1, 5) > 0)
			drain();
		t = now_ms();
		for (uint32_t k = 0; k < window && sent < target; k++) {
			struct client *c = &clients[slot[k]];

			if (c->step != IDLE && t > c->deadline) {
				timeouts++;
				c->step = IDLE;
			}
			if (c->step == IDLE)
				start(slot[k] = next_client(&rr));
		}
		/* The bad datagrams keep their share of all that was sent. */
		while (sent < target && (sent - sent_valid) * (100 - bad_pct) < sent_valid * bad_pct)
			send_bad();
	}
	/* Let the sessions in flight finish, then the last word on memory. */
	for (t = now_ms() + 2 * TIMEOUT_MS; now_ms() < t;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };

		if (poll(&p, 1, 50) > 0)
			drain();
	}
	sample(pid, t0);
	t = now_ms() - t0;
	printf("sent %llu in %.1f s (%.0f/s): %llu valid, %llu malformed or odd, %llu send errors\n",
	       sent, (double)t / 1000, (double)sent * 1000 / (double)(t ? t : 1), sent_valid,
	       sent - sent_valid, send_errors);
	for (size_t k = 0; k < DHCP_MALFORMED_KINDS; k++)
		printf("  %-40s %llu\n", dhcp_malformed_names[k], sent_bad[k]);
	printf("replies: %llu OFFER, %llu ACK, %llu NAK (%llu to odd datagrams); %llu stale, "
	       "%llu timeouts\n", got[2], got[5], got[6], odd_replies, stale, timeouts);
	rc = final_check();
	printf("final %s\n", rc ? "FAIL" : "ok");
	printf("wrong replies %llu\n", wrong);
	if (held) {
		FILE *f = fopen(held, "w");

		for (uint32_t i = 0; f && i < n_clients; i++) {
			uint8_t m[6];

			if (!clients[i].held)
				continue;
			client_mac(i, m);
			fprintf(f, "held %02x:%02x:%02x:%02x:%02x:%02x %s\n", m[0], m[1], m[2], m[3],
				m[4], m[5], inet_ntoa((struct in_addr){ clients[i].held }));
		}
		if (!f || fclose(f))
			perror(held);
	}
	free(slot);
	free(clients);
	close(sock);
	return rc || wrong ? 1 : 0;
}
