/* SPDX-License-Identifier: MIT */
/* dhcp_wire.h - DHCP datagrams built and read byte by byte, for the test clients (independent of netsetup/dhcp/) */
#ifndef REDOX_NET_TEST_DHCP_WIRE_H
#define REDOX_NET_TEST_DHCP_WIRE_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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
 * wire_request() - start a BOOTREQUEST: op, htype, hlen, xid, flags, chaddr, cookie, option 53
 * @w:		datagram
 * @type:	DHCP message type
 * @xid:	transaction id
 * @mac:	client hardware address
 * @broadcast:	set the broadcast flag (Redox's client does)
 */
static inline void wire_request(struct wire *w, uint8_t type, uint32_t xid, const uint8_t mac[6],
				bool broadcast)
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };

	memset(w, 0, sizeof(*w));
	w->b[0] = 1;
	w->b[1] = 1;
	w->b[2] = 6;
	xid = htonl(xid);
	memcpy(w->b + 4, &xid, 4);
	if (broadcast)
		w->b[10] = 0x80;
	memcpy(w->b + 28, mac, 6);
	memcpy(w->b + 236, cookie, 4);
	w->len = WIRE_OPTIONS;
	w->b[w->len++] = 53;
	w->b[w->len++] = 1;
	w->b[w->len++] = type;
}

/* wire_opt() - append option @code with @len bytes of @data */
static inline void wire_opt(struct wire *w, uint8_t code, const void *data, uint8_t len)
{
	w->b[w->len++] = code;
	w->b[w->len++] = len;
	memcpy(w->b + w->len, data, len);
	w->len += len;
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

#endif
