/* SPDX-License-Identifier: MIT */
/* dhcp_wire.h - DHCP datagrams built and read byte by byte, for the test clients (independent of netsetup/dhcp/) */
#ifndef REDOX_NET_TEST_DHCP_WIRE_H
#define REDOX_NET_TEST_DHCP_WIRE_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#define WIRE_OPTIONS	240	/* fixed header plus magic cookie */

/**
 * struct wire - one datagram
 * @b:		bytes
 * @len:	bytes used
 */
struct wire {
	uint8_t b[576];
	size_t len;
};

/**
 * wire_header() - a BOOTREQUEST's fixed part: op, htype, hlen, xid, flags, chaddr, magic cookie
 * @b:		at least WIRE_OPTIONS bytes
 * @xid:	transaction id
 * @mac:	client hardware address
 * @broadcast:	set the broadcast flag (Redox's client does)
 *
 * Return: its length, where the options start.
 */
static inline size_t wire_header(uint8_t *b, uint32_t xid, const uint8_t mac[6], bool broadcast)
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };

	memset(b, 0, WIRE_OPTIONS);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	xid = htonl(xid);
	memcpy(b + 4, &xid, 4);
	if (broadcast)
		b[10] = 0x80;
	memcpy(b + 28, mac, 6);
	memcpy(b + 236, cookie, 4);
	return WIRE_OPTIONS;
}

/* wire_append() - append option @code with @olen bytes of @data at @b + *@len */
static inline void wire_append(uint8_t *b, size_t *len, uint8_t code, const void *data, uint8_t olen)
{
	b[(*len)++] = code;
	b[(*len)++] = olen;
	memcpy(b + *len, data, olen);
	*len += olen;
}

/**
 * wire_request() - start a BOOTREQUEST: the fixed part, then option 53
 * @w:		datagram
 * @type:	DHCP message type
 * @xid:	transaction id
 * @mac:	client hardware address
 * @broadcast:	set the broadcast flag (Redox's client does)
 */
static inline void wire_request(struct wire *w, uint8_t type, uint32_t xid, const uint8_t mac[6],
				bool broadcast)
{
	memset(w, 0, sizeof(*w));
	w->len = wire_header(w->b, xid, mac, broadcast);
	wire_append(w->b, &w->len, 53, &type, 1);
}

/* wire_opt() - append option @code with @len bytes of @data */
static inline void wire_opt(struct wire *w, uint8_t code, const void *data, uint8_t len)
{
	wire_append(w->b, &w->len, code, data, len);
}

/* wire_end() - append END and pad to the 300 bytes BOOTP relays expect */
static inline void wire_end(struct wire *w)
{
	w->b[w->len++] = 255;
	if (w->len < 300)
		w->len = 300;
}

/**
 * wire_find() - find option @code in a reply's options field (no overload)
 * @b:		datagram
 * @len:	its length
 * @code:	option code
 * @olen:	set to the option's length
 *
 * Return: the option's data, or NULL when it is absent or the options are malformed.
 */
static inline const uint8_t *wire_find(const uint8_t *b, size_t len, uint8_t code, uint8_t *olen)
{
	for (size_t i = WIRE_OPTIONS; i < len && b[i] != 255;) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return NULL;
		if (b[i] == code) {
			*olen = b[i + 1];
			return b + i + 2;
		}
		i += 2 + b[i + 1];
	}
	return NULL;
}

/* wire_type() - Return: a reply's option 53, or 0 */
static inline uint8_t wire_type(const uint8_t *b, size_t len)
{
	uint8_t olen;
	const uint8_t *t = wire_find(b, len, 53, &olen);

	return t && olen == 1 ? t[0] : 0;
}

/* wire_xid() - Return: a datagram's transaction id */
static inline uint32_t wire_xid(const uint8_t *b)
{
	uint32_t x;

	memcpy(&x, b + 4, 4);
	return ntohl(x);
}

/* Ethernet, IPv4 with no options, UDP: what comes before the datagram in a frame. */
#define WIRE_FRAME_HEADERS	(14 + 20 + 8)

static inline void wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t wire_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* wire_checksum() - Return: the Internet checksum (RFC 1071) of @len bytes, host byte order */
static inline uint16_t wire_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * wire_frame_from() - @w in a broadcast frame from IPv4 address @src
 * @f:		at least WIRE_FRAME_HEADERS + @w->len bytes
 * @mac:	the client's MAC, the frame's source
 * @src:	the IPv4 source: 0.0.0.0 for a client with no address, or the
 *		address a client such as Redox's applied from its OFFER
 * @w:		datagram, END already appended
 *
 * Ethernet broadcast, IPv4 @src -> 255.255.255.255, UDP 68 -> 67 with no
 * UDP checksum (0, which RFC 768 allows).
 *
 * Return: the frame's length.
 */
static inline size_t wire_frame_from(uint8_t *f, const uint8_t mac[6], struct in_addr src,
				     const struct wire *w)
{
	uint8_t *ip = f + 14, *udp = ip + 20;
	size_t ulen = 8 + w->len;

	memset(f, 0, WIRE_FRAME_HEADERS);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	wire_put16(f + 12, 0x0800);
	ip[0] = 0x45;
	wire_put16(ip + 2, (uint16_t)(20 + ulen));
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memset(ip + 16, 0xff, 4);
	wire_put16(ip + 10, wire_checksum(ip, 20));
	wire_put16(udp, 68);
	wire_put16(udp + 2, 67);
	wire_put16(udp + 4, (uint16_t)ulen);
	memcpy(udp + 8, w->b, w->len);
	return WIRE_FRAME_HEADERS + w->len;
}

/* wire_frame() - @w in the frame a client with no address sends it in (wire_frame_from() 0.0.0.0) */
static inline size_t wire_frame(uint8_t *f, const uint8_t mac[6], const struct wire *w)
{
	return wire_frame_from(f, mac, (struct in_addr){ 0 }, w);
}

/**
 * wire_frame_reply() - the BOOTREPLY an Ethernet frame carries, if it carries one
 * @e:		frame, from its Ethernet header
 * @len:	its length
 * @blen:	set to the BOOTP datagram's length
 *
 * Return: the datagram (IPv4, UDP to port 68, op BOOTREPLY), or NULL.
 */
static inline const uint8_t *wire_frame_reply(const uint8_t *e, size_t len, size_t *blen)
{
	const uint8_t *ip = e + 14, *udp;
	size_t ihl;

	if (len < WIRE_FRAME_HEADERS + WIRE_OPTIONS || wire_get16(e + 12) != 0x0800 || ip[9] != 17)
		return NULL;
	ihl = (size_t)(ip[0] & 15) * 4;
	udp = ip + ihl;
	if (14 + ihl + 8 + WIRE_OPTIONS > len || wire_get16(udp + 2) != 68 || udp[8] != 2)
		return NULL;
	*blen = len - 14 - ihl - 8;
	return udp + 8;
}

/**
 * struct wire_link - how a test client moves datagrams: a socket, or raw frames on a TAP fd
 * @send_once:	send @w (END is appended by the caller) to port 67 by broadcast; 0 or -1
 * @first_reply: the first BOOTREPLY for @xid within the client's wait, copied to @buf;
 *		its length, or -1
 * @ctx:	passed to each
 * @apply:	give the client the OFFER's address and mask before its REQUEST, as
 *		Redox does (its REQUEST then leaves from that address), or NULL;
 *		0 or -1
 */
struct wire_link {
	int (*send_once)(void *ctx, struct wire *w);
	ssize_t (*first_reply)(void *ctx, uint32_t xid, uint8_t *buf, size_t size);
	void *ctx;
	int (*apply)(void *ctx, struct in_addr addr, struct in_addr mask);
};

/**
 * struct wire_lease - what a Redox-style client took from its OFFER, and what answered its REQUEST
 * @addr:	the OFFER's yiaddr
 * @server:	the OFFER's option 54
 * @mask:	option 1 when exactly 4 bytes long, else 0.0.0.0 (not applied)
 * @router:	option 3, likewise
 * @dns:	option 6 when exactly 4 bytes long (one server), 127.0.0.0/8 replaced by 9.9.9.9
 * @reply:	the REQUEST's answer, which Redox never reads: 5 ACK, 6 NAK, 0 none
 * @acked:	the ACK's yiaddr, when @reply is 5
 */
struct wire_lease {
	struct in_addr addr, server, mask, router, dns, acked;
	uint8_t reply;
};

/* wire_take_addr_opt() - Redox applies option @code only when it is exactly 4 bytes long */
static inline struct in_addr wire_take_addr_opt(const uint8_t *b, size_t len, uint8_t code)
{
	struct in_addr a = { 0 };
	uint8_t olen;
	const uint8_t *v = wire_find(b, len, code, &olen);

	if (v && olen == 4)
		memcpy(&a, v, 4);
	return a;
}

/* wire_print_addr() - " NAME A", or " NAME -" for an option that was not applied */
static inline void wire_print_addr(const char *name, struct in_addr a)
{
	printf(" %s %s", name, a.s_addr ? inet_ntoa(a) : "-");
}

/**
 * wire_redox_client() - one lease exchange exactly as Redox OS's client (netutils dhcpd) makes it
 * @link:	how datagrams move
 * @mac:	client MAC
 * @xid:	transaction id
 * @lease:	what was applied, and the REQUEST's answer
 *
 * One DISCOVER with the broadcast flag and option 53 alone, never sent again.
 * The first BOOTREPLY for @xid is the OFFER: its address and options 1, 3 and
 * 6 (each only when exactly 4 bytes long, so one DNS server) are applied at
 * once, before the REQUEST, and a DNS server in 127.0.0.0/8, which a guest
 * cannot reach, becomes 9.9.9.9.  The REQUEST has flags 0 (no broadcast),
 * ciaddr 0 and options 53, 50 and 54.  Its answer is waited for and reported,
 * but not checked: an ACK, a NAK or silence changes nothing for Redox.
 * Prints, each on one line:
 *   "offer A server S"
 *   "applied A mask M router R dns D"	(a field not applied is "-")
 *   "ack A" | "nak" | "no reply to the REQUEST"
 * or "FAIL: ..." when there was no OFFER.
 *
 * Return: 0 when an OFFER came (the client's one chance), 1 otherwise.
 */
static inline int wire_redox_client(const struct wire_link *link, const uint8_t mac[6],
				    uint32_t xid, struct wire_lease *lease)
{
	uint8_t buf[1500], olen;
	const uint8_t *sid;
	struct wire w;
	ssize_t n;

	memset(lease, 0, sizeof(*lease));
	wire_request(&w, 1, xid, mac, true);	/* DISCOVER: broadcast flag, option 53 only */
	wire_end(&w);
	if (link->send_once(link->ctx, &w) || (n = link->first_reply(link->ctx, xid, buf, sizeof(buf))) < 0) {
		printf("FAIL: no reply to the one DISCOVER\n");
		return 1;
	}
	sid = wire_find(buf, (size_t)n, 54, &olen);
	if (wire_type(buf, (size_t)n) != 2 || !sid || olen != 4) {
		printf("FAIL: the first reply is not an OFFER with a server identifier\n");
		return 1;
	}
	memcpy(&lease->server, sid, 4);
	memcpy(&lease->addr, buf + 16, 4);
	lease->mask = wire_take_addr_opt(buf, (size_t)n, 1);
	lease->router = wire_take_addr_opt(buf, (size_t)n, 3);
	lease->dns = wire_take_addr_opt(buf, (size_t)n, 6);
	if ((ntohl(lease->dns.s_addr) >> 24) == 127)
		lease->dns.s_addr = htonl(0x09090909);
	printf("offer %s", inet_ntoa(lease->addr));
	printf(" server %s\n", inet_ntoa(lease->server));
	printf("applied %s", inet_ntoa(lease->addr));
	wire_print_addr("mask", lease->mask);
	wire_print_addr("router", lease->router);
	wire_print_addr("dns", lease->dns);
	printf("\n");
	/* Redox writes the address to its interface here, so its REQUEST, sent from a socket
	 * bound to 0.0.0.0, leaves with the offered address as its source. */
	if (link->apply && link->apply(link->ctx, lease->addr, lease->mask)) {
		printf("FAIL: could not apply %s\n", inet_ntoa(lease->addr));
		return 1;
	}
	wire_request(&w, 3, xid, mac, false);	/* REQUEST: flags 0, ciaddr 0, 53, 50, 54 */
	wire_opt(&w, 50, &lease->addr, 4);
	wire_opt(&w, 54, &lease->server, 4);
	wire_end(&w);
	if (link->send_once(link->ctx, &w) || (n = link->first_reply(link->ctx, xid, buf, sizeof(buf))) < 0) {
		printf("no reply to the REQUEST\n");
		return 0;
	}
	lease->reply = wire_type(buf, (size_t)n);
	if (lease->reply == 5) {
		memcpy(&lease->acked, buf + 16, 4);
		printf("ack %s\n", inet_ntoa(lease->acked));
	} else {
		printf("%s\n", lease->reply == 6 ? "nak" : "no reply to the REQUEST");
	}
	return 0;
}

#endif
