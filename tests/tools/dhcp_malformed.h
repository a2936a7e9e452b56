/* SPDX-License-Identifier: MIT */
/*
 * dhcp_malformed.h - the malformed and odd DHCP datagrams of SECURITY.md, for the test tools
 *
 * dhcp_malformed() turns a well-formed request (header, cookie and option 53,
 * END not yet written) into one datagram of a given kind: broken in one of
 * the ways SECURITY.md lists, or well-formed but odd.  The first
 * DHCP_MALFORMED_DROPPED kinds must be dropped by the parser or the server;
 * the others may be answered (bit flips can leave a datagram well-formed).
 */
#ifndef REDOX_NET_TEST_DHCP_MALFORMED_H
#define REDOX_NET_TEST_DHCP_MALFORMED_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#define DHCP_BIG	4096		/* largest datagram built (fragmented on the wire) */

/**
 * struct big - a datagram of any size
 * @b:		bytes
 * @len:	bytes used
 */
struct big {
	uint8_t b[DHCP_BIG];
	size_t len;
};

/* The kinds: the first DHCP_MALFORMED_DROPPED are never answered, the rest may be. */
static const char *const dhcp_malformed_names[] = {
	"truncated", "bad cookie", "bad op", "bad htype/hlen", "option runs past the end",
	"no END", "only PAD", "fixed option of the wrong length", "option 53 absent/repeated/out of range",
	"option 52 malformed or nested", "oversized", "garbage", "server message type",
	"multicast or zero MAC",
	"bit flips", "data after END", "huge option 55", "option 57 below 576", "hops 255",
	"hostile hostname", "forbidden address",
};
#define DHCP_MALFORMED_KINDS	(sizeof(dhcp_malformed_names) / sizeof(dhcp_malformed_names[0]))
#define DHCP_MALFORMED_DROPPED	14

/* big_put() - append @len bytes of @data */
static inline void big_put(struct big *p, const void *data, size_t len)
{
	memcpy(p->b + p->len, data, len);
	p->len += len;
}

/* big_put_byte() - append one byte */
static inline void big_put_byte(struct big *p, uint8_t v)
{
	p->b[p->len++] = v;
}

/* big_pad_to() - append zeros (PAD) up to @len bytes */
static inline void big_pad_to(struct big *p, size_t len)
{
	if (p->len < len) {
		memset(p->b + p->len, 0, len - p->len);
		p->len = len;
	}
}

/**
 * dhcp_malformed() - make @p a malformed or odd datagram of kind @k
 * @p:		a well-formed request from wire_request(), relayed or not, END not yet written
 * @k:		index into dhcp_malformed_names
 * @rnd:	random numbers
 * @server:	the server's address, host order
 * @net:	the subnet's network address, host order
 * @mask:	the subnet mask, host order
 */
static inline void dhcp_malformed(struct big *p, unsigned int k, uint32_t (*rnd)(void),
				  uint32_t server, uint32_t net, uint32_t mask)
{
	static const uint8_t fixed[] = { 1, 50, 51, 54 };
	static const uint8_t hw[][2] = { { 0, 6 }, { 6, 6 }, { 255, 6 }, { 1, 0 }, { 1, 7 },
					 { 1, 16 }, { 1, 17 }, { 1, 255 } };
	uint32_t r = rnd();

	switch (k) {
	case 0:		/* truncated: 0 to 239 bytes of a good header */
		p->len = r % 240;
		break;
	case 1:
		p->b[236 + r % 4] ^= (uint8_t)(1 + (r >> 8) % 255);
		break;
	case 2:
		p->b[0] = (uint8_t[]){ 0, 3, 255 }[r % 3];
		break;
	case 3:
		p->b[1] = hw[r % 8][0];
		p->b[2] = hw[r % 8][1];
		break;
	case 4:		/* an option whose length runs past the end of the datagram */
		big_put_byte(p, 12);
		big_put_byte(p, (uint8_t)(20 + r % 200));
		big_put(p, "abcdefgh", 8);
		break;
	case 5:		/* options to the very last byte, no END */
		while (p->len + 6 <= 300 + r % 200) {
			big_put_byte(p, 60);
			big_put_byte(p, 4);
			big_put(p, "abcd", 4);
		}
		break;
	case 6:		/* only PAD after the cookie */
		p->len = 240;
		big_pad_to(p, 240 + 1 + r % 300);
		break;
	case 7:
		big_put_byte(p, fixed[r % 4]);
		big_put_byte(p, (uint8_t)((r >> 8) % 4 == 3 ? 5 + (r >> 16) % 20 : (r >> 8) % 4));
		big_put(p, "\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
		       "\x1e\x1f\x20\x21\x22", 25);
		big_put_byte(p, 255);
		break;
	case 8:		/* option 53 absent, repeated (same or other value), out of range, wrong length */
		switch (r % 5) {
		case 0:
			p->len = 240;
			break;
		case 1:
			big_put(p, "\x35\x01\x01", 3);
			break;
		case 2:
			big_put(p, "\x35\x01\x03", 3);
			break;
		case 3:
			p->b[242] = (uint8_t[]){ 0, 9, 255 }[(r >> 8) % 3];
			break;
		default:
			p->b[241] = (r >> 8) % 2 ? 0 : 2;
			p->len = 242 + p->b[241];
			break;
		}
		big_put_byte(p, 255);
		break;
	case 9:		/* option 52: bad value or length, repeated, nested in file or sname */
		switch (r % 5) {
		case 0:
			big_put(p, "\x34\x01", 2);
			big_put_byte(p, (uint8_t[]){ 0, 4, 255 }[(r >> 8) % 3]);
			break;
		case 1:
			big_put(p, "\x34\x02\x01\x01", 4);
			break;
		case 2:
			big_put(p, "\x34\x01\x03\x34\x01\x03", 6);
			break;
		case 3:		/* overload 3; the file field overloads again: a loop */
			big_put(p, "\x34\x01\x03", 3);
			memcpy(p->b + 108, "\x34\x01\x03\xff", 4);
			memcpy(p->b + 44, "\x34\x01\x01\xff", 4);
			break;
		default:	/* overload 1; the file field has no END, its option runs out */
			big_put(p, "\x34\x01\x01", 3);
			memset(p->b + 108, 0x0c, 128);
			break;
		}
		big_put_byte(p, 255);
		break;
	case 10:	/* bigger than the responder reads: more than a DHCP datagram on a 1500 MTU */
		big_put_byte(p, 255);
		big_pad_to(p, 2049 + r % (DHCP_BIG - 2049));
		break;
	case 11:
		p->len = r % 700;
		for (size_t i = 0; i < p->len; i++)
			p->b[i] = (uint8_t)rnd();
		break;
	case 12:	/* types only a server sends, in a BOOTREQUEST */
		p->b[242] = (uint8_t[]){ 2, 5, 6 }[r % 3];
		big_put_byte(p, 255);
		break;
	case 13:
		memset(p->b + 28, r % 2 ? 0 : 0xff, 6);
		if (r % 4 == 1)
			p->b[28] = 0x01;
		big_put_byte(p, 255);
		break;
	case 14: {	/* a few bits flipped after the cookie, chaddr left alone */
		static const uint8_t opts[] = { 55, 4, 1, 3, 6, 15, 12, 5, 'h', 'e', 'l', 'l', 'o',
						61, 7, 1, 2, 0xbb, 0, 0, 0, 1, 255 };

		big_put(p, opts, sizeof(opts));
		big_pad_to(p, 300);
		for (int i = 0; i < 1 + (int)(r % 4); i++)
			p->b[240 + rnd() % 60] ^= (uint8_t)(1u << (rnd() % 8));
		break;
	}
	case 15:	/* good, then END, then option-looking junk */
		big_put(p, "\xff\x35\x01\x03\x32\x04\x0a\x00\x00\x01\x36\x04\x01\x02\x03\x04", 16);
		break;
	case 16:
		big_put_byte(p, 55);
		big_put_byte(p, 255);
		for (int i = 1; i <= 255; i++)
			big_put_byte(p, (uint8_t)i);
		big_put(p, "\x37\x02\x79\x21", 4);	/* a second instance, concatenated */
		big_put_byte(p, 255);
		break;
	case 17:
		big_put(p, "\x39\x02", 2);
		big_put_byte(p, (uint8_t)((r % 576) >> 8));
		big_put_byte(p, (uint8_t)(r % 576));
		big_put_byte(p, 255);
		break;
	case 18:
		p->b[3] = 255;
		big_put_byte(p, 255);
		break;
	case 19: {	/* a DISCOVER with a hostile hostname; only logged, never stored */
		static const char name[] = "\x1b[2J%n%s-\n\r\t\\x00`$(reboot)";

		big_put_byte(p, 12);
		big_put_byte(p, (uint8_t)(sizeof(name) - 1));
		big_put(p, name, sizeof(name) - 1);
		big_put_byte(p, 255);
		break;
	}
	default: {	/* INIT-REBOOT for the server's, the network or the broadcast address */
		uint32_t a = (uint32_t[]){ server, net, net | ~mask }[r % 3];

		a = htonl(a);
		p->b[242] = 3;
		big_put(p, "\x32\x04", 2);
		big_put(p, &a, 4);
		big_put_byte(p, 255);
		break;
	}
	}
	if (k != 0 && k != 6 && k != 10 && k != 11)
		big_pad_to(p, 300);
}

#endif
