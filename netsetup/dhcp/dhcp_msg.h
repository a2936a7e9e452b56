/* SPDX-License-Identifier: MIT */
/* dhcp_msg.h - DHCP message parsing and building (RFC 2131, 2132) over byte buffers */
#ifndef REDOX_NET_DHCP_MSG_H
#define REDOX_NET_DHCP_MSG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP_OPTIONS_OFFSET	240	/* fixed BOOTP header (236) + magic cookie (4) */
#define DHCP_BOOTP_MIN_LEN	300	/* RFC 1542 §3.1.1: old BOOTP relays drop shorter ones */
#define DHCP_MIN_MAX_SIZE	576	/* RFC 2131 §2: every client accepts this, IP header included */
#define DHCP_IP_UDP_HEADERS	28	/* what option 57 counts on top of the DHCP payload */
#define DHCP_REPLY_MAX		1472	/* a reply never needs IP fragmentation on a 1500 MTU */
#define DHCP_OPT_DATA_MAX	255	/* longest data one option (or one concatenation) carries */

enum dhcp_op {
	BOOTREQUEST = 1,
	BOOTREPLY = 2,
};

/* Option 53 values (RFC 2132 §9.6). */
enum dhcp_type {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

/* Option codes this server reads or writes. */
enum dhcp_option {
	OPT_PAD = 0,
	OPT_SUBNET_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15,
	OPT_MTU = 26,
	OPT_BROADCAST = 28,
	OPT_REQUESTED_IP = 50,
	OPT_LEASE_TIME = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PARAM_LIST = 55,
	OPT_MESSAGE = 56,
	OPT_MAX_SIZE = 57,
	OPT_T1 = 58,
	OPT_T2 = 59,
	OPT_CLIENT_ID = 61,
	OPT_RAPID_COMMIT = 80,
	OPT_DOMAIN_SEARCH = 119,
	OPT_CLASSLESS_ROUTES = 121,
	OPT_END = 255,
};

/* Why dhcp_parse() refused a datagram; dhcp_parse_error() names each one. */
enum dhcp_parse_result {
	DHCP_PARSE_OK = 0,
	DHCP_PARSE_SHORT,		/* fewer than 240 bytes */
	DHCP_PARSE_BAD_OP,		/* op is neither BOOTREQUEST nor BOOTREPLY */
	DHCP_PARSE_BAD_HW,		/* not Ethernet: htype != 1 or hlen != 6 */
	DHCP_PARSE_BAD_COOKIE,		/* plain BOOTP or garbage */
	DHCP_PARSE_TRUNCATED,		/* an option runs past the end of its field */
	DHCP_PARSE_NO_END,		/* a field has no END option */
	DHCP_PARSE_BAD_LENGTH,		/* a fixed-size option has the wrong length */
	DHCP_PARSE_BAD_TYPE,		/* option 53 absent, repeated or out of range */
	DHCP_PARSE_BAD_OVERLOAD,	/* option 52 malformed, repeated or nested */
};

/**
 * struct dhcp_msg - what the server needs from a parsed DHCP message
 * @op:			BOOTREQUEST or BOOTREPLY
 * @xid:		transaction id, host byte order
 * @secs:		seconds since the client started, host byte order
 * @flags:		BOOTP flags, host byte order; bit 15 asks for broadcast replies
 * @ciaddr:		client's current address (RENEWING, REBINDING, INFORM, RELEASE)
 * @yiaddr:		"your" address (set in replies)
 * @giaddr:		relay agent address, 0 when not relayed
 * @chaddr:		client MAC, the key of every lease
 * @type:		option 53, one of enum dhcp_type
 * @has_requested_ip:	option 50 was present
 * @requested_ip:	option 50
 * @has_server_id:	option 54 was present
 * @server_id:		option 54
 * @has_lease_time:	option 51 was present
 * @lease_time:		option 51, seconds
 * @client_id_len:	length of option 61, 0 when absent
 * @client_id:		option 61, echoed in replies (RFC 6842)
 * @prl_len:		length of option 55, 0 when absent
 * @prl:		option 55, the codes the client asks for, in its order
 * @max_size:		option 57, at least 576, or 0 when absent or below 576
 * @hostname_len:	length of option 12, 0 when absent
 * @hostname:		option 12, raw and untrusted: escape before printing
 * @rapid_commit:	option 80 was present (RFC 4039)
 * @overload:		option 52 value (1 file, 2 sname, 3 both), 0 when absent
 */
struct dhcp_msg {
	uint8_t op;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	struct in_addr ciaddr, yiaddr, giaddr;
	uint8_t chaddr[6];
	uint8_t type;
	bool has_requested_ip;
	struct in_addr requested_ip;
	bool has_server_id;
	struct in_addr server_id;
	bool has_lease_time;
	uint32_t lease_time;
	uint8_t client_id_len;
	uint8_t client_id[DHCP_OPT_DATA_MAX];
	uint8_t prl_len;
	uint8_t prl[DHCP_OPT_DATA_MAX];
	uint16_t max_size;
	uint8_t hostname_len;
	uint8_t hostname[DHCP_OPT_DATA_MAX];
	bool rapid_commit;
	uint8_t overload;
};

#define DHCP_FLAG_BROADCAST 0x8000

/**
 * struct dhcp_route - one classless static route for option 121 (RFC 3442)
 * @dst:	destination network
 * @len:	prefix length, 0..32
 * @gw:		gateway on the guest's subnet
 */
struct dhcp_route {
	struct in_addr dst;
	uint8_t len;
	struct in_addr gw;
};

/**
 * struct dhcp_answer - everything dhcp_build() writes beyond the request's echoes
 * @type:		DHCPOFFER, DHCPACK or DHCPNAK
 * @yiaddr:		address given to the client, 0 for INFORM and NAK
 * @server_id:		option 54, the server's address on this subnet
 * @lease_time:		option 51 (and 58/59 derived from it); 0 leaves all three out
 * @netmask:		option 1
 * @router:		option 3
 * @broadcast:		option 28, sent when asked for
 * @dns:		option 6 servers
 * @n_dns:		number of @dns
 * @domain:		option 15 and 119 when asked for; NULL or "" for none
 * @mtu:		option 26 when asked for; 0 for none
 * @hostname:		option 12 when asked for; NULL for none
 * @hostname_len:	length of @hostname
 * @routes:		option 121 when asked for (a default route via @router is added)
 * @n_routes:		number of @routes; 0 for none
 * @message:		option 56 text, NAK only
 * @rapid_commit:	the ACK answers a rapid-commit DISCOVER (RFC 4039)
 */
struct dhcp_answer {
	uint8_t type;
	struct in_addr yiaddr, server_id;
	uint32_t lease_time;
	struct in_addr netmask, router, broadcast;
	const struct in_addr *dns;
	size_t n_dns;
	const char *domain;
	uint16_t mtu;
	const uint8_t *hostname;
	size_t hostname_len;
	const struct dhcp_route *routes;
	size_t n_routes;
	const char *message;
	bool rapid_commit;
};

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *out);
const char *dhcp_parse_error(int result);
const char *dhcp_type_name(uint8_t type);
bool dhcp_msg_asks_for(const struct dhcp_msg *msg, uint8_t code);
size_t dhcp_reply_limit(const struct dhcp_msg *req, size_t bufsize);
size_t dhcp_build(const struct dhcp_msg *req, const struct dhcp_answer *ans,
		  uint8_t *buf, size_t size);

#endif
