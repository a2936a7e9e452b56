// SPDX-License-Identifier: MIT
/* inet.c - strict parsing of IPv4 prefixes and MAC addresses */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/inet.h"

/**
 * prefix_parse() - parse "a.b.c.d/len" with nothing before, after or in between
 * @text:	the text, e.g. "172.16.0.1/24"
 * @out:	parsed address and length
 *
 * inet_pton() is used because, unlike inet_aton(), it refuses "172.16.1" and
 * octal or hex forms that would silently mean another address.
 *
 * Return: NULL on success, otherwise the reason the text was refused.
 */
const char *prefix_parse(const char *text, struct rn_prefix *out)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	unsigned long long len;
	size_t alen;

	if (!slash)
		return "expected ADDRESS/PREFIX, for example 172.16.0.1/24";
	alen = (size_t)(slash - text);
	if (alen == 0 || alen >= sizeof(addr))
		return "the address part is not an IPv4 address";
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, &out->addr) != 1)
		return "the address part is not an IPv4 address";
	if (decimal_parse(slash + 1, 32, &len))
		return "the prefix length must be a number from 0 to 32";
	out->len = (unsigned int)len;
	return NULL;
}

/**
 * host_prefix_problem() - check a prefix can serve as a router address on a LAN
 * @p:		parsed prefix
 *
 * Return: NULL if the host part names a usable host, otherwise why not.
 */
const char *host_prefix_problem(const struct rn_prefix *p)
{
	uint32_t host = ntohl(p->addr.s_addr), mask = prefix_mask(p->len);

	if (p->len < 8 || p->len > 30)
		return "the prefix length must be between 8 and 30 for a guest network";
	if ((host & ~mask) == 0)
		return "that is the network address, not a host address";
	if ((host & ~mask) == ~mask)
		return "that is the broadcast address, not a host address";
	if (IN_MULTICAST(host) || (host >> 24) == 127 || (host >> 24) == 0 ||
	    (host >> 28) == 0xf)
		return "that is not a unicast address a guest network can use";
	return NULL;
}

/**
 * prefix_mask() - Return: the netmask for @len, in host byte order
 * @len:	prefix length 0..32
 */
uint32_t prefix_mask(unsigned int len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

/**
 * prefix_network() - Return: the network address of @p (host bits cleared)
 * @p:		prefix
 */
struct in_addr prefix_network(const struct rn_prefix *p)
{
	struct in_addr net = {
		.s_addr = htonl(ntohl(p->addr.s_addr) & prefix_mask(p->len)),
	};
	return net;
}

/**
 * prefix_overlaps() - Return: true if the two networks share any address
 * @a:		first prefix
 * @b:		second prefix
 */
bool prefix_overlaps(const struct rn_prefix *a, const struct rn_prefix *b)
{
	uint32_t mask = prefix_mask(a->len < b->len ? a->len : b->len);

	return (ntohl(a->addr.s_addr) & mask) == (ntohl(b->addr.s_addr) & mask);
}

/**
 * prefix_format() - print a prefix as "a.b.c.d/len"
 * @p:		prefix
 * @network:	print the network address instead of the host address
 * @out:	destination
 */
void prefix_format(const struct rn_prefix *p, bool network, char out[RN_PREFIX_STRLEN])
{
	struct in_addr a = network ? prefix_network(p) : p->addr;
	char buf[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	snprintf(out, RN_PREFIX_STRLEN, "%s/%u", buf, p->len);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * mac_parse() - parse exactly "xx:xx:xx:xx:xx:xx"
 * @text:	the text
 * @out:	the six bytes
 *
 * A guest MAC must be unicast (the I/G bit clear) and not all zeroes, or the
 * guest's virtio-net device will not be reachable.
 *
 * Return: NULL on success, otherwise the reason.
 */
const char *mac_parse(const char *text, uint8_t out[RN_MAC_LEN])
{
	unsigned int any = 0;

	if (strlen(text) != RN_MAC_STRLEN - 1)
		return "expected six hex pairs separated by ':', e.g. 52:54:00:12:34:56";
	for (size_t i = 0; i < RN_MAC_LEN; i++) {
		int hi = hexval(text[3 * i]), lo = hexval(text[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':'))
			return "expected six hex pairs separated by ':', e.g. 52:54:00:12:34:56";
		out[i] = (uint8_t)(hi << 4 | lo);
		any |= out[i];
	}
	if (out[0] & 1)
		return "that is a multicast address; a guest needs a unicast MAC";
	if (!any)
		return "the all-zero MAC is not a usable address";
	return NULL;
}

/**
 * mac_is_unicast() - is @mac an address one host can own?
 * @mac:	six bytes
 *
 * Return: true when the I/G bit is clear and the address is not all zeroes.
 */
bool mac_is_unicast(const uint8_t mac[RN_MAC_LEN])
{
	static const uint8_t zero[RN_MAC_LEN];

	return !(mac[0] & 1) && memcmp(mac, zero, RN_MAC_LEN);
}

/**
 * mac_format() - print a MAC as "xx:xx:xx:xx:xx:xx"
 * @mac:	six bytes
 * @out:	destination
 */
void mac_format(const uint8_t mac[RN_MAC_LEN], char out[RN_MAC_STRLEN])
{
	snprintf(out, RN_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}
