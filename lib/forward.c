// SPDX-License-Identifier: MIT
/* forward.c - port forwards (PROTO:HOSTPORT:GUESTIP:GUESTPORT): strict parsing and checks */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/forward.h"

static const char *port_parse(const char *text, uint16_t *out)
{
	unsigned long long n;

	if (decimal_parse(text, 65535, &n) || n == 0)
		return "a port must be a number from 1 to 65535";
	*out = (uint16_t)n;
	return NULL;
}

/**
 * forward_parse() - read "tcp:2222:172.16.0.2:22"
 * @text:	the setting
 * @out:	the forward, on success
 *
 * Pure, so the config fuzzer reaches it.  Whether the guest address is in the
 * subnet is forward_subnet_problem()'s job: --address may come later.
 *
 * Return: NULL, or why @text is refused.
 */
const char *forward_parse(const char *text, struct port_forward *out)
{
	static const char form[] = "expected PROTO:HOSTPORT:GUESTIP:GUESTPORT, e.g. tcp:2222:172.16.0.2:22";
	char buf[RN_FORWARD_STRLEN + 1], *field[4];
	const char *why;
	size_t n = 1;

	if (strlen(text) >= sizeof(buf))
		return form;
	strcpy(buf, text);
	/* strtok would merge empty fields ("tcp::..."), so split by hand. */
	field[0] = buf;
	for (char *p = buf; (p = strchr(p, ':')); n++) {
		if (n == 4)
			return form;
		*p++ = '\0';
		field[n] = p;
	}
	if (n != 4)
		return form;
	if (!strcmp(field[0], "tcp"))
		out->proto = IPPROTO_TCP;
	else if (!strcmp(field[0], "udp"))
		out->proto = IPPROTO_UDP;
	else
		return "the protocol must be tcp or udp";
	why = port_parse(field[1], &out->host_port);
	if (!why && inet_pton(AF_INET, field[2], &out->guest) != 1)
		why = "the guest address must be a dotted IPv4 address";
	if (!why)
		why = port_parse(field[3], &out->guest_port);
	return why;
}

/**
 * forward_subnet_problem() - check the guest address is a guest's
 * @f:		parsed forward
 * @subnet:	the router address and prefix (--address)
 *
 * Return: NULL, or why the guest address cannot be a guest on @subnet.
 */
const char *forward_subnet_problem(const struct port_forward *f, const struct rn_prefix *subnet)
{
	uint32_t mask = htonl(prefix_mask(subnet->len));
	uint32_t net = prefix_network(subnet).s_addr;
	uint32_t ip = f->guest.s_addr;

	if ((ip & mask) != net)
		return "the guest address is outside the guest subnet (--address)";
	if (ip == subnet->addr.s_addr)
		return "the guest address is the router's own (--address)";
	if (ip == net || ip == (net | ~mask))
		return "the guest address is the subnet's network or broadcast address";
	return NULL;
}

/**
 * forward_format() - the canonical text, as forward_parse() reads it
 * @f:		forward
 * @out:	"tcp:2222:172.16.0.2:22"
 */
void forward_format(const struct port_forward *f, char out[RN_FORWARD_STRLEN])
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &f->guest, ip, sizeof(ip));
	snprintf(out, RN_FORWARD_STRLEN, "%s:%u:%s:%u", f->proto == IPPROTO_TCP ? "tcp" : "udp",
		 f->host_port, ip, f->guest_port);
}
