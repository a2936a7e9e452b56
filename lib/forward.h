/* SPDX-License-Identifier: MIT */
/* forward.h - port forwards (PROTO:HOSTPORT:GUESTIP:GUESTPORT): strict parsing and checks */
#ifndef REDOX_NET_FORWARD_H
#define REDOX_NET_FORWARD_H

#include <netinet/in.h>
#include <stdint.h>

#include "lib/inet.h"

#define RN_MAX_FORWARDS 64
#define RN_FORWARD_STRLEN 32	/* "tcp:65535:255.255.255.255:65535" + NUL */

/**
 * struct port_forward - one DNAT of a host port to a guest
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @host_port:	port on the host, host byte order
 * @guest:	guest address, network byte order
 * @guest_port:	port on the guest, host byte order
 */
struct port_forward {
	uint8_t proto;
	uint16_t host_port;
	struct in_addr guest;
	uint16_t guest_port;
};

const char *forward_parse(const char *text, struct port_forward *out);
const char *forward_subnet_problem(const struct port_forward *f, const struct rn_prefix *subnet);
void forward_format(const struct port_forward *f, char out[RN_FORWARD_STRLEN]);

#endif
