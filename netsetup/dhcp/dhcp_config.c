// SPDX-License-Identifier: MIT
/* dhcp_config.c - the DHCP responder's configuration, its defaults and its option parser */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decimal.h"
#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dns/dns_local.h"

/* Host-byte-order view of an address, for range arithmetic. */
static uint32_t h(struct in_addr a)
{
	return ntohl(a.s_addr);
}

/**
 * parse_addr() - parse a dotted quad with inet_pton (no octal, hex or short forms)
 * @text:	the text
 * @out:	the address
 *
 * Return: true on success.
 */
static bool parse_addr(const char *text, struct in_addr *out)
{
	return inet_pton(AF_INET, text, out) == 1;
}

/**
 * domain_ok() - Return: true if @s is a dotted domain name of valid labels
 * @s:		candidate, NUL-terminated
 */
static bool domain_ok(const char *s)
{
	if (strlen(s) > DHCP_DOMAIN_MAX)
		return false;
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);

		if (!dns_label_ok((const uint8_t *)s, n))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

/**
 * set_default_pool() - make the pool every host address of the subnet but the first
 * @cfg:	configuration whose @server is set
 *
 * With 172.16.0.1/24 that is 172.16.0.2-172.16.0.254; the server's own
 * address is skipped by the allocator wherever it falls.
 */
static void set_default_pool(struct dhcp_config *cfg)
{
	uint32_t mask = prefix_mask(cfg->server.len), net = h(cfg->server.addr) & mask;

	cfg->pool_start.s_addr = htonl(net + 2);
	cfg->pool_end.s_addr = htonl((net | ~mask) - 1);
}

/**
 * sync_default_dns() - the default DNS server: the router address with the forwarder on, else DHCP_DEFAULT_DNS
 * @cfg:	configuration
 *
 * Only while no DNS server was set: --dhcp-dns always wins.
 */
static void sync_default_dns(struct dhcp_config *cfg)
{
	if (!cfg->default_dns)
		return;
	if (cfg->dns_forward)
		cfg->dns[0] = cfg->server.addr;
	else
		parse_addr(DHCP_DEFAULT_DNS, &cfg->dns[0]);
	cfg->n_dns = 1;
}

/**
 * dhcp_config_defaults() - fill @cfg with what `redox-netsetup up --dhcp` serves unconfigured
 * @cfg:	configuration to fill
 *
 * tap0, 172.16.0.1/24, pool .2-.254, 52:54:00:12:34:56 bound to 172.16.0.2
 * (the MAC redox-run-net gives the guest), one hour leases, and the router
 * address as DNS server, where the forwarder relays to the host's own
 * resolvers (the host's is often 127.0.0.53, which a guest cannot reach).
 */
void dhcp_config_defaults(struct dhcp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->ifaces[0], DHCP_DEFAULT_IFACE);
	cfg->n_ifaces = 1;
	prefix_parse(DHCP_DEFAULT_SERVER, &cfg->server);
	set_default_pool(cfg);
	mac_parse("52:54:00:12:34:56", cfg->statics[0].mac);
	parse_addr("172.16.0.2", &cfg->statics[0].ip);
	cfg->statics[0].builtin = true;
	cfg->n_statics = 1;
	cfg->lease_time = DHCP_DEFAULT_LEASE;
	cfg->guest_leases = DHCP_DEFAULT_GUEST_LEASES;
	strcpy(cfg->lease_dir, DHCP_DEFAULT_LEASE_DIR);
	strcpy(cfg->user, DHCP_DEFAULT_USER);
	strcpy(cfg->resolv_conf, DHCP_DEFAULT_RESOLV_CONF);
	cfg->default_ifaces = cfg->default_dns = cfg->default_pool = true;
	cfg->dns_forward = true;
	sync_default_dns(cfg);
}

/**
 * remove_static() - drop binding @i, keeping the order of the rest
 * @cfg:	configuration
 * @i:		index into @cfg->statics
 */
static void remove_static(struct dhcp_config *cfg, size_t i)
{
	memmove(&cfg->statics[i], &cfg->statics[i + 1],
		(cfg->n_statics - i - 1) * sizeof(cfg->statics[0]));
	cfg->n_statics--;
}

/**
 * set_server() - change the server address and subnet
 * @cfg:	configuration
 * @value:	"a.b.c.d/len"
 *
 * A default pool follows the new subnet, and the built-in static binding goes
 * away when it no longer lies inside it.
 *
 * Return: NULL on success, otherwise the reason.
 */
static const char *set_server(struct dhcp_config *cfg, const char *value)
{
	struct rn_prefix p;
	const char *why = prefix_parse(value, &p);

	if (why)
		return why;
	if ((why = host_prefix_problem(&p)))
		return why;
	if (p.len < DHCP_MIN_PREFIX)
		return "the DHCP subnet may be at most a /16";
	cfg->server = p;
	sync_default_dns(cfg);
	if (cfg->default_pool)
		set_default_pool(cfg);
	for (size_t i = cfg->n_statics; i-- > 0;) {
		struct in_addr ip = cfg->statics[i].ip;

		if (cfg->statics[i].builtin &&
		    ((h(ip) ^ h(p.addr)) & prefix_mask(p.len)))
			remove_static(cfg, i);
	}
	return NULL;
}

/**
 * set_pool() - parse "FIRST-LAST"
 * @cfg:	configuration
 * @value:	e.g. "172.16.0.2-172.16.0.254"
 *
 * Return: NULL on success, otherwise the reason.
 */
static const char *set_pool(struct dhcp_config *cfg, const char *value)
{
	char first[INET_ADDRSTRLEN];
	const char *dash = strchr(value, '-');
	struct in_addr a, b;

	if (!dash || (size_t)(dash - value) >= sizeof(first))
		return "expected FIRST-LAST, for example 172.16.0.2-172.16.0.254";
	memcpy(first, value, (size_t)(dash - value));
	first[dash - value] = '\0';
	if (!parse_addr(first, &a) || !parse_addr(dash + 1, &b))
		return "expected FIRST-LAST, for example 172.16.0.2-172.16.0.254";
	if (h(a) > h(b))
		return "the first pool address comes after the last";
	cfg->pool_start = a;
	cfg->pool_end = b;
	cfg->default_pool = false;
	return NULL;
}

/**
 * set_static() - parse "MAC=ADDRESS[,HOSTNAME]" and add the binding
 * @cfg:	configuration
 * @value:	e.g. "52:54:00:12:34:56=172.16.0.2,redox"
 *
 * A binding that names the built-in default's MAC or address replaces it; a
 * clash with another user binding is an error, never a silent override.
 *
 * Return: NULL on success, otherwise the reason.
 */
static const char *set_static(struct dhcp_config *cfg, const char *value)
{
	struct dhcp_static s = { .builtin = false };
	char mac[RN_MAC_STRLEN], addr[INET_ADDRSTRLEN];
	const char *eq = strchr(value, '='), *comma, *why;

	if (!eq || (size_t)(eq - value) >= sizeof(mac))
		return "expected MAC=ADDRESS[,HOSTNAME], for example 52:54:00:12:34:56=172.16.0.2";
	memcpy(mac, value, (size_t)(eq - value));
	mac[eq - value] = '\0';
	if ((why = mac_parse(mac, s.mac)))
		return why;
	comma = strchr(eq + 1, ',');
	if (!comma)
		comma = eq + 1 + strlen(eq + 1);
	if ((size_t)(comma - eq - 1) >= sizeof(addr))
		return "the address of a static binding is not an IPv4 address";
	memcpy(addr, eq + 1, (size_t)(comma - eq - 1));
	addr[comma - eq - 1] = '\0';
	if (!parse_addr(addr, &s.ip))
		return "the address of a static binding is not an IPv4 address";
	if (*comma) {
		if (!dns_label_ok((const uint8_t *)comma + 1, strlen(comma + 1)))
			return "a static binding's hostname must be one DNS label (letters, digits, '-')";
		strcpy(s.hostname, comma + 1);
	}
	for (size_t i = cfg->n_statics; i-- > 0;) {
		const struct dhcp_static *o = &cfg->statics[i];

		if (memcmp(o->mac, s.mac, RN_MAC_LEN) && o->ip.s_addr != s.ip.s_addr)
			continue;
		if (!o->builtin)
			return "another static binding already uses that MAC or address";
		remove_static(cfg, i);
	}
	if (cfg->n_statics == DHCP_MAX_STATIC)
		return "too many static bindings";
	cfg->statics[cfg->n_statics++] = s;
	return NULL;
}

/**
 * set_dns() - parse "ADDRESS[,ADDRESS...]" and add the servers
 * @cfg:	configuration
 * @value:	e.g. "9.9.9.9,1.1.1.1"
 *
 * The first user setting replaces the default server; later ones add to it.
 * Nothing changes unless the whole list is valid.
 *
 * Return: NULL on success, otherwise the reason.
 */
static const char *set_dns(struct dhcp_config *cfg, const char *value)
{
	size_t n = cfg->default_dns ? 0 : cfg->n_dns;
	struct in_addr dns[DHCP_MAX_DNS];
	char addr[INET_ADDRSTRLEN];

	memcpy(dns, cfg->dns, sizeof(dns));
	for (const char *p = value;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len >= sizeof(addr))
			return "a DNS server is not an IPv4 address";
		memcpy(addr, p, len);
		addr[len] = '\0';
		if (n == DHCP_MAX_DNS)
			return "at most 4 DNS servers";
		if (!parse_addr(addr, &dns[n++]))
			return "a DNS server is not an IPv4 address";
		if (!comma)
			break;
		p = comma + 1;
	}
	memcpy(cfg->dns, dns, sizeof(dns));
	cfg->n_dns = n;
	cfg->default_dns = false;
	return NULL;
}

/**
 * set_route() - parse "PREFIX,GATEWAY" for option 121
 * @cfg:	configuration
 * @value:	e.g. "10.0.0.0/8,172.16.0.5"
 *
 * Return: NULL on success, otherwise the reason.
 */
static const char *set_route(struct dhcp_config *cfg, const char *value)
{
	char prefix[RN_PREFIX_STRLEN];
	const char *comma = strchr(value, ','), *why;
	struct rn_prefix p;
	struct dhcp_route *r;

	if (!comma || (size_t)(comma - value) >= sizeof(prefix))
		return "expected PREFIX,GATEWAY, for example 10.0.0.0/8,172.16.0.5";
	memcpy(prefix, value, (size_t)(comma - value));
	prefix[comma - value] = '\0';
	if ((why = prefix_parse(prefix, &p)))
		return why;
	if (cfg->n_routes == DHCP_MAX_ROUTES)
		return "too many routes";
	r = &cfg->routes[cfg->n_routes];
	if (!parse_addr(comma + 1, &r->gw))
		return "the gateway is not an IPv4 address";
	r->dst = prefix_network(&p);
	r->len = (uint8_t)p.len;
	cfg->n_routes++;
	return NULL;
}

/**
 * copy_name() - copy @value into a fixed buffer, refusing rather than cutting
 * @dst:	destination
 * @size:	its size
 * @value:	text
 *
 * Return: NULL on success, otherwise the reason.
 */
static const char *copy_name(char *dst, size_t size, const char *value)
{
	if (!*value || strlen(value) >= size)
		return "the value is empty or too long";
	strcpy(dst, value);
	return NULL;
}

/**
 * dhcp_config_set() - apply one option, as the CLI's --dhcp-KEY VALUE would
 * @cfg:	configuration, filled by dhcp_config_defaults() first
 * @key:	interface, server, pool, static, dns, domain, mtu, lease-time,
 *		guest-leases, route, allow-relay, lease-dir, user, group,
 *		dns-forward or resolv-conf
 * @value:	its value (see docs/dhcp.md)
 *
 * Return: NULL on success, otherwise a reason fit for an error message.
 */
const char *dhcp_config_set(struct dhcp_config *cfg, const char *key, const char *value)
{
	unsigned long long n;

	if (!strcmp(key, "interface")) {
		if (!ifname_is_valid(value))
			return ifname_problem(value);
		if (cfg->default_ifaces)
			cfg->n_ifaces = 0;
		cfg->default_ifaces = false;
		if (cfg->n_ifaces == DHCP_MAX_IFACES)
			return "too many interfaces";
		strcpy(cfg->ifaces[cfg->n_ifaces++], value);
		return NULL;
	}
	if (!strcmp(key, "server"))
		return set_server(cfg, value);
	if (!strcmp(key, "pool"))
		return set_pool(cfg, value);
	if (!strcmp(key, "static"))
		return set_static(cfg, value);
	if (!strcmp(key, "dns"))
		return set_dns(cfg, value);
	if (!strcmp(key, "route"))
		return set_route(cfg, value);
	if (!strcmp(key, "domain")) {
		if (!domain_ok(value))
			return "not a domain name (dot-separated labels of letters, digits and '-')";
		strcpy(cfg->domain, value);
		return NULL;
	}
	if (!strcmp(key, "mtu")) {
		/* 68 is the IPv4 minimum (RFC 791); 0 leaves option 26 out. */
		if (decimal_parse(value, 65535, &n) || (n && n < 68))
			return "the MTU must be 0 (not sent) or between 68 and 65535";
		cfg->mtu = (uint16_t)n;
		return NULL;
	}
	if (!strcmp(key, "lease-time")) {
		if (decimal_parse(value, 365ul * 86400, &n) || n < 60)
			return "the lease time must be between 60 seconds and one year";
		cfg->lease_time = (uint32_t)n;
		return NULL;
	}
	if (!strcmp(key, "guest-leases")) {
		/* The charges of one TAP live in a ring of DHCP_OFFERS_MAX (dhcp_bounds.h). */
		if (decimal_parse(value, 1024, &n) || n < 1)
			return "guest-leases (addresses one VM's TAP may hold) must be between 1 and 1024";
		cfg->guest_leases = (uint32_t)n;
		return NULL;
	}
	if (!strcmp(key, "allow-relay")) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return "allow-relay takes yes or no";
		cfg->allow_relay = !strcmp(value, "yes");
		return NULL;
	}
	if (!strcmp(key, "dns-forward")) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return "dns-forward takes yes or no";
		cfg->dns_forward = !strcmp(value, "yes");
		sync_default_dns(cfg);
		return NULL;
	}
	if (!strcmp(key, "resolv-conf")) {
		if (value[0] != '/')
			return "the resolv.conf path must be absolute";
		return copy_name(cfg->resolv_conf, sizeof(cfg->resolv_conf), value);
	}
	if (!strcmp(key, "lease-dir")) {
		if (value[0] != '/')
			return "the lease directory must be an absolute path";
		return copy_name(cfg->lease_dir, sizeof(cfg->lease_dir), value);
	}
	if (!strcmp(key, "user"))
		return copy_name(cfg->user, sizeof(cfg->user), value);
	if (!strcmp(key, "group"))
		return copy_name(cfg->group, sizeof(cfg->group), value);
	return "unknown DHCP option";
}

/**
 * dhcp_config_set_option() - apply one "KEY=VALUE" option
 * @cfg:	configuration
 * @key_value:	e.g. "static=52:54:00:12:34:56=172.16.0.2" or "pool=172.16.0.2-172.16.0.254"
 *
 * Return: NULL on success, otherwise the reason.
 */
const char *dhcp_config_set_option(struct dhcp_config *cfg, const char *key_value)
{
	char key[16];
	const char *eq = strchr(key_value, '=');

	if (!eq || (size_t)(eq - key_value) >= sizeof(key))
		return "expected KEY=VALUE";
	memcpy(key, key_value, (size_t)(eq - key_value));
	key[eq - key_value] = '\0';
	return dhcp_config_set(cfg, key, eq + 1);
}

/**
 * usable_host() - Return: true if @a is a host address of the server's subnet other than the server
 * @cfg:	configuration
 * @a:		address
 */
static bool usable_host(const struct dhcp_config *cfg, struct in_addr a)
{
	uint32_t mask = prefix_mask(cfg->server.len), host = h(a) & ~mask;

	return (h(a) & mask) == (h(cfg->server.addr) & mask) && host != 0 &&
	       host != ~mask && a.s_addr != cfg->server.addr.s_addr;
}

/**
 * dhcp_config_check() - check a whole configuration before serving it
 * @cfg:	configuration
 *
 * Return: NULL if it can be served, otherwise what is wrong.
 */
const char *dhcp_config_check(const struct dhcp_config *cfg)
{
	uint32_t mask = prefix_mask(cfg->server.len), net = h(cfg->server.addr) & mask;

	if (!cfg->n_ifaces)
		return "no interface to serve";
	if (host_prefix_problem(&cfg->server) || cfg->server.len < DHCP_MIN_PREFIX)
		return "the server address is not a host address of a /16 to /30 subnet";
	if ((h(cfg->pool_start) & mask) != net || (h(cfg->pool_end) & mask) != net ||
	    h(cfg->pool_start) > h(cfg->pool_end))
		return "the pool is not inside the server's subnet";
	if (!usable_host(cfg, cfg->pool_start) && cfg->pool_start.s_addr != cfg->server.addr.s_addr)
		return "the pool starts at the network or broadcast address";
	if (!usable_host(cfg, cfg->pool_end) && cfg->pool_end.s_addr != cfg->server.addr.s_addr)
		return "the pool ends at the network or broadcast address";
	for (size_t i = 0; i < cfg->n_statics; i++) {
		if (!usable_host(cfg, cfg->statics[i].ip))
			return "a static binding is outside the subnet or names the server, network or broadcast address";
		for (size_t j = 0; j < i; j++)
			if (!memcmp(cfg->statics[i].mac, cfg->statics[j].mac, RN_MAC_LEN) ||
			    cfg->statics[i].ip.s_addr == cfg->statics[j].ip.s_addr)
				return "two static bindings share a MAC or an address";
	}
	for (size_t i = 0; i < cfg->n_routes; i++)
		if (!usable_host(cfg, cfg->routes[i].gw))
			return "a route's gateway is not on the served subnet";
	if (!cfg->n_dns)
		return "no DNS server: Redox's client needs option 6";
	if (cfg->lease_dir[0] != '/')
		return "the lease directory must be an absolute path";
	if (!cfg->user[0])
		return "no user to run as";
	return NULL;
}

/**
 * dhcp_config_static_by_mac() - Return: the static binding for @mac, or NULL
 * @cfg:	configuration
 * @mac:	client MAC
 */
const struct dhcp_static *dhcp_config_static_by_mac(const struct dhcp_config *cfg,
						    const uint8_t mac[RN_MAC_LEN])
{
	for (size_t i = 0; i < cfg->n_statics; i++)
		if (!memcmp(cfg->statics[i].mac, mac, RN_MAC_LEN))
			return &cfg->statics[i];
	return NULL;
}

/**
 * dhcp_config_static_by_ip() - Return: the static binding of @ip, or NULL
 * @cfg:	configuration
 * @ip:		address
 */
const struct dhcp_static *dhcp_config_static_by_ip(const struct dhcp_config *cfg,
						   struct in_addr ip)
{
	for (size_t i = 0; i < cfg->n_statics; i++)
		if (cfg->statics[i].ip.s_addr == ip.s_addr)
			return &cfg->statics[i];
	return NULL;
}
