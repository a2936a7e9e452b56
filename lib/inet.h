/* SPDX-License-Identifier: MIT */
/* inet.h - strict parsing of IPv4 prefixes and MAC addresses */
#ifndef REDOX_NET_INET_H
#define REDOX_NET_INET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define RN_MAC_LEN 6
#define RN_MAC_STRLEN 18	/* "xx:xx:xx:xx:xx:xx" + NUL */
#define RN_PREFIX_STRLEN 19	/* "255.255.255.255/32" + NUL */

struct rn_prefix {
	struct in_addr addr;	/* host address, network byte order */
	unsigned int len;	/* prefix length, 0..32 */
};

const char *prefix_parse(const char *text, struct rn_prefix *out);
const char *host_prefix_problem(const struct rn_prefix *p);
uint32_t prefix_mask(unsigned int len);
struct in_addr prefix_network(const struct rn_prefix *p);
bool prefix_overlaps(const struct rn_prefix *a, const struct rn_prefix *b);
void prefix_format(const struct rn_prefix *p, bool network, char out[RN_PREFIX_STRLEN]);

const char *mac_parse(const char *text, uint8_t out[RN_MAC_LEN]);
bool mac_is_unicast(const uint8_t mac[RN_MAC_LEN]);
void mac_format(const uint8_t mac[RN_MAC_LEN], char out[RN_MAC_STRLEN]);

#endif
