/* SPDX-License-Identifier: MIT */
/* dhcp_packet.h - hand-made DHCP datagrams for the DHCP unit tests */
#ifndef REDOX_NET_TEST_DHCP_PACKET_H
#define REDOX_NET_TEST_DHCP_PACKET_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "tests/tools/dhcp_wire.h"

/**
 * struct pkt - a datagram under construction, larger than any the server accepts
 * @b:		bytes
 * @len:	bytes used
 */
struct pkt {
	uint8_t b[1600];
	size_t len;
};

/**
 * pkt_init() - start a BOOTREQUEST from @mac with xid 0x11223344 and the magic cookie
 * @p:		datagram
 * @type:	option 53 value to add first, or 0 for none
 * @mac:	last byte of the MAC 52:54:00:00:00:xx
 */
static inline void pkt_init(struct pkt *p, uint8_t type, uint8_t mac)
{
	const uint8_t chaddr[6] = { 0x52, 0x54, 0, 0, 0, mac };

	memset(p, 0, sizeof(*p));
	p->len = wire_header(p->b, 0x11223344, chaddr, false);
	if (type)
		wire_append(p->b, &p->len, 53, &type, 1);
}

/* pkt_opt() - append option @code with @len bytes of @data */
static inline void pkt_opt(struct pkt *p, uint8_t code, const void *data, uint8_t len)
{
	wire_append(p->b, &p->len, code, data, len);
}

/* pkt_addr_opt() - append a four-byte address option */
static inline void pkt_addr_opt(struct pkt *p, uint8_t code, const char *addr)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	pkt_opt(p, code, &a.s_addr, 4);
}

/* pkt_end() - append END */
static inline void pkt_end(struct pkt *p)
{
	p->b[p->len++] = 255;
}

/* pkt_set_addr() - write an address into the fixed header at @off (12 ciaddr, 24 giaddr) */
static inline void pkt_set_addr(struct pkt *p, size_t off, const char *addr)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	memcpy(p->b + off, &a.s_addr, 4);
}

/**
 * reply_opt() - find option @code in the options field of a built reply
 * @b:		reply
 * @len:	its length
 * @code:	option code
 * @olen:	set to the option length
 *
 * Return: the option's data, or NULL if it is not there.
 */
static inline const uint8_t *reply_opt(const uint8_t *b, size_t len, uint8_t code, uint8_t *olen)
{
	for (size_t i = 240; i < len && b[i] != 255;) {
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
		i += 2u + b[i + 1];
	}
	return NULL;
}

/* ip() - Return: @text as a struct in_addr */
static inline struct in_addr ip(const char *text)
{
	struct in_addr a;

	inet_pton(AF_INET, text, &a);
	return a;
}

#endif
