/* SPDX-License-Identifier: MIT */
/* dhcp_config.h - the DHCP responder's configuration, its defaults and its option parser */
#ifndef REDOX_NET_DHCP_CONFIG_H
#define REDOX_NET_DHCP_CONFIG_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/ifname.h"
#include "lib/inet.h"
#include "netsetup/dhcp/dhcp_msg.h"

#define DHCP_MAX_IFACES		8
#define DHCP_MAX_STATIC		64
#define DHCP_MAX_DNS		4
#define DHCP_MAX_ROUTES		8
#define DHCP_HOSTNAME_MAX	63	/* one DNS label */
#define DHCP_DOMAIN_MAX		253
#define DHCP_NAME_MAX		64	/* user and group names */
#define DHCP_MIN_PREFIX		16	/* the lease store keeps one slot per subnet address */

#define DHCP_DEFAULT_IFACE	"tap0"
#define DHCP_DEFAULT_SERVER	"172.16.0.1/24"
#define DHCP_DEFAULT_POOL	"172.16.0.2-172.16.0.254"
#define DHCP_DEFAULT_STATIC	"52:54:00:12:34:56=172.16.0.2"
#define DHCP_DEFAULT_DNS	"1.1.1.1"	/* with the DNS forwarder off */
#define DHCP_DEFAULT_RESOLV_CONF "/etc/resolv.conf"
#define DHCP_DEFAULT_LEASE	3600
#define DHCP_DEFAULT_GUEST_LEASES 4	/* addresses one VM's TAP may hold (docs/dhcp.md, Starvation) */
#define DHCP_DEFAULT_LEASE_DIR	"/var/lib/redox-net/dhcp"
#define DHCP_DEFAULT_USER	"nobody"

/**
 * struct dhcp_static - a fixed MAC-to-address binding
 * @mac:	guest MAC
 * @ip:		address it always gets
 * @hostname:	option 12 sent to it when asked for; "" for none
 * @builtin:	the default binding, which a user binding for the same MAC or
 *		address replaces instead of conflicting with
 */
struct dhcp_static {
	uint8_t mac[RN_MAC_LEN];
	struct in_addr ip;
	char hostname[DHCP_HOSTNAME_MAX + 1];
	bool builtin;
};

/**
 * struct dhcp_config - everything dhcp_serve() needs
 * @ifaces:		interfaces served, by name (re-resolved when recreated)
 * @n_ifaces:		number of @ifaces
 * @server:		server address and subnet, e.g. 172.16.0.1/24
 * @pool_start:		first dynamic address
 * @pool_end:		last dynamic address
 * @statics:		static bindings
 * @n_statics:		number of @statics
 * @lease_time:		seconds
 * @guest_leases:	addresses one guest's TAP may hold at once (dhcp_bounds.c)
 * @dns:		DNS servers; Redox's client uses only the first
 * @n_dns:		number of @dns
 * @domain:		domain name (options 15, 119); "" for none
 * @mtu:		option 26; 0 for none
 * @routes:		classless static routes (option 121)
 * @n_routes:		number of @routes
 * @allow_relay:	answer requests with giaddr set (perfdhcp acts as a relay)
 * @lease_dir:		directory holding the lease journal
 * @user:		user to run as after binding port 67
 * @group:		group to run as; "" means @user's primary group
 * @default_ifaces:	@ifaces still holds the default, which the first
 *			"interface" option replaces instead of extending
 * @default_dns:	the same for @dns
 * @default_pool:	the pool is the default one, which follows a new @server
 * @dns_forward:	run the DNS forwarder on @server's address (netsetup/dns/), and
 *			make that address the default DNS server
 * @resolv_conf:	the file whose nameservers the forwarder relays to
 */
struct dhcp_config {
	char ifaces[DHCP_MAX_IFACES][RN_IFNAME_MAX + 1];
	size_t n_ifaces;
	struct rn_prefix server;
	struct in_addr pool_start, pool_end;
	struct dhcp_static statics[DHCP_MAX_STATIC];
	size_t n_statics;
	uint32_t lease_time;
	uint32_t guest_leases;
	struct in_addr dns[DHCP_MAX_DNS];
	size_t n_dns;
	char domain[DHCP_DOMAIN_MAX + 1];
	uint16_t mtu;
	struct dhcp_route routes[DHCP_MAX_ROUTES];
	size_t n_routes;
	bool allow_relay;
	char lease_dir[PATH_MAX];
	char user[DHCP_NAME_MAX];
	char group[DHCP_NAME_MAX];
	bool default_ifaces, default_dns, default_pool;
	bool dns_forward;
	char resolv_conf[PATH_MAX];
};

void dhcp_config_defaults(struct dhcp_config *cfg);
const char *dhcp_config_set(struct dhcp_config *cfg, const char *key, const char *value);
const char *dhcp_config_set_option(struct dhcp_config *cfg, const char *key_value);
const char *dhcp_config_check(const struct dhcp_config *cfg);
const struct dhcp_static *dhcp_config_static_by_mac(const struct dhcp_config *cfg,
						    const uint8_t mac[RN_MAC_LEN]);
const struct dhcp_static *dhcp_config_static_by_ip(const struct dhcp_config *cfg,
						   struct in_addr ip);

#endif
