// SPDX-License-Identifier: MIT
/* config.c - redox-netsetup settings: built-in defaults, config file, command line */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/decimal.h"
#include "lib/exitcodes.h"
#include "lib/ifname.h"
#include "lib/log.h"
#include "lib/util.h"
#include "netsetup/config.h"
#include "netsetup/macvtap.h"

#define CONFIG_MAX_SIZE 65536

/**
 * struct option_def - one setting, as --NAME on the command line or NAME= in a file
 * @name:	long option and config key
 * @arg:	what the value looks like, for --help; NULL for a flag
 * @commands:	FOR_* mask of the subcommands that accept it
 * @set:	validate and store the value; returns NULL or the reason it is refused
 * @help:	one line for --help
 */
struct option_def {
	const char *name;
	const char *arg;
	unsigned int commands;
	const char *(*set)(struct netsetup_config *cfg, const char *value);
	const char *help;
};

static const char *copy_ifname(char dst[IFNAMSIZ], const char *value)
{
	const char *why = ifname_problem(value);

	if (!why)
		strcpy(dst, value);
	return why;
}

static const char *set_tap(struct netsetup_config *c, const char *v) { return copy_ifname(c->tap, v); }
static const char *set_bridge(struct netsetup_config *c, const char *v) { return copy_ifname(c->bridge, v); }
static const char *set_uplink(struct netsetup_config *c, const char *v) { return copy_ifname(c->uplink, v); }
static const char *set_macvtap(struct netsetup_config *c, const char *v) { return copy_ifname(c->macvtap, v); }
static const char *set_link(struct netsetup_config *c, const char *v) { return copy_ifname(c->link, v); }

static const char *set_address(struct netsetup_config *c, const char *v)
{
	const char *why = prefix_parse(v, &c->address);

	return why ? why : host_prefix_problem(&c->address);
}

static const char *set_owner_id(struct netsetup_config *c, const char *v, bool group)
{
	unsigned long long id;

	if (c->owner_set && c->owner.is_group != group)
		c->owner_conflict = true;
	/* (uid_t)-1 means "no change" to chown() and TUNSETOWNER alike, so it is no id. */
	if (decimal_parse(v, 0xfffffffeul, &id) == DECIMAL_OK) {
		c->owner.id = (unsigned int)id;
	} else if (group) {
		struct group *gr = getgrnam(v);

		if (!gr)
			return "no such group";
		c->owner.id = gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(v);

		if (!pw)
			return "no such user";
		c->owner.id = pw->pw_uid;
	}
	c->owner.is_group = group;
	c->owner_set = true;
	return NULL;
}

static const char *set_owner(struct netsetup_config *c, const char *v) { return set_owner_id(c, v, false); }
static const char *set_group(struct netsetup_config *c, const char *v) { return set_owner_id(c, v, true); }

static const char *set_queues(struct netsetup_config *c, const char *v)
{
	unsigned long long n;

	if (decimal_parse(v, RN_MAX_QUEUES, &n) || n == 0)
		return "the queue count must be a number from 1 to 256";
	c->queues = (unsigned int)n;
	return NULL;
}

static const char *set_mac(struct netsetup_config *c, const char *v) { return mac_parse(v, c->mac); }

static const char *set_mode(struct netsetup_config *c, const char *v)
{
	return macvtap_mode_parse(v, &c->mode) ? "the mode must be bridge, vepa, private or passthru" : NULL;
}

static const char *set_run_dir(struct netsetup_config *c, const char *v)
{
	if (v[0] != '/' || strlen(v) >= sizeof(c->run_dir))
		return "the run directory must be an absolute path";
	strcpy(c->run_dir, v);
	return NULL;
}

static const char *set_keep_forwarding(struct netsetup_config *c, const char *v) { (void)v; c->keep_forwarding = true; return NULL; }
static const char *set_all(struct netsetup_config *c, const char *v) { (void)v; c->all = true; return NULL; }
static const char *set_json(struct netsetup_config *c, const char *v) { (void)v; c->json = true; return NULL; }
static const char *set_list_steps(struct netsetup_config *c, const char *v) { (void)v; c->list_steps = true; return NULL; }
static const char *set_check(struct netsetup_config *c, const char *v) { (void)v; c->check = true; return NULL; }
static const char *set_verbose(struct netsetup_config *c, const char *v) { (void)c; (void)v; log_set_verbose(true); return NULL; }
static const char *set_dhcp_on(struct netsetup_config *c, const char *v) { (void)v; c->dhcp_on = true; return NULL; }

static const char *set_forward(struct netsetup_config *c, const char *v)
{
	struct port_forward f;
	const char *why = forward_parse(v, &f);

	if (why)
		return why;
	for (size_t i = 0; i < c->n_forwards; i++)
		if (c->forwards[i].proto == f.proto && c->forwards[i].host_port == f.host_port)
			return "this protocol and host port are already forwarded";
	if (c->n_forwards == RN_MAX_FORWARDS)
		return "too many forwards (at most 64)";
	c->forwards[c->n_forwards++] = f;
	return NULL;
}

/* The responder's own options go straight to its parser (docs/dhcp.md). */
#define DHCP_SETTER(fn, key) \
	static const char *fn(struct netsetup_config *c, const char *v) { return dhcp_config_set(&c->dhcp, key, v); }
DHCP_SETTER(set_dhcp_pool, "pool")
DHCP_SETTER(set_dhcp_static, "static")
DHCP_SETTER(set_dhcp_dns, "dns")
DHCP_SETTER(set_dhcp_domain, "domain")
DHCP_SETTER(set_dhcp_route, "route")
DHCP_SETTER(set_dhcp_lease_time, "lease-time")
DHCP_SETTER(set_dhcp_guest_leases, "guest-leases")
DHCP_SETTER(set_dhcp_mtu, "mtu")
DHCP_SETTER(set_lease_dir, "lease-dir")
DHCP_SETTER(set_dhcp_user, "user")
DHCP_SETTER(set_dhcp_group, "group")
DHCP_SETTER(set_dns_forward, "dns-forward")
DHCP_SETTER(set_dns_resolv_conf, "resolv-conf")
static const char *set_no_dns(struct netsetup_config *c, const char *v) { (void)v; return dhcp_config_set(&c->dhcp, "dns-forward", "no"); }
static const char *set_allow_relay(struct netsetup_config *c, const char *v) { (void)v; return dhcp_config_set(&c->dhcp, "allow-relay", "yes"); }

#define NET_CMDS (FOR_UP | FOR_DOWN | FOR_STATUS | FOR_DOCTOR)
#define ALL_CMDS (NET_CMDS | FOR_DHCP)
#define DHCP_CMDS (FOR_UP | FOR_DHCP)
static const struct option_def option_defs[] = {
	{ "tap", "NAME", ALL_CMDS, set_tap, "TAP device name (default tap0); dhcp: the interface it serves" },
	{ "bridge", "NAME", ALL_CMDS, set_bridge, "bridge mode: create bridge NAME for the helper's per-VM TAPs, instead of a TAP" },
	{ "address", "ADDR/LEN", ALL_CMDS, set_address, "router address on the TAP (default 172.16.0.1/24); the DHCP server's" },
	{ "owner", "USER", FOR_UP, set_owner, "user allowed to open the TAP (default $SUDO_USER)" },
	{ "group", "GROUP", FOR_UP, set_group, "group allowed to open the TAP, instead of --owner" },
	{ "queues", "N", FOR_UP, set_queues, "TAP queues, 1 to 256; more than 1 makes it multi-queue" },
	{ "uplink", "IFACE", FOR_UP | FOR_DOCTOR, set_uplink, "masquerade only traffic leaving through IFACE" },
	{ "macvtap", "NAME", ALL_CMDS, set_macvtap, "create a macvtap NAME on --link instead of a TAP; dhcp: refused" },
	{ "link", "IFACE", FOR_UP, set_link, "the macvtap's host interface" },
	{ "mac", "MAC", FOR_UP, set_mac, "guest MAC, which the macvtap takes (default 52:54:00:12:34:56)" },
	{ "mode", "MODE", FOR_UP, set_mode, "macvtap mode: bridge (default), vepa, private, passthru" },
	{ "forward", "PROTO:PORT:IP:PORT", FOR_UP, set_forward, "DNAT tcp or udp host PORT to guest IP:PORT; repeatable" },
	{ "run-dir", "DIR", NET_CMDS, set_run_dir, "journal directory (default /run/redox-net)" },
	{ "keep-forwarding", NULL, FOR_DOWN, set_keep_forwarding, "leave net.ipv4.ip_forward as it is" },
	{ "all", NULL, FOR_DOWN, set_all, "also remove managed devices and tables the journal does not list" },
	{ "json", NULL, FOR_STATUS, set_json, "print machine-readable JSON" },
	{ "list-steps", NULL, FOR_UP, set_list_steps, "print the steps up would take, and exit" },
	{ "check", NULL, ALL_CMDS, set_check, "validate the settings and exit; changes nothing, needs no root" },
	{ "dhcp", NULL, FOR_UP, set_dhcp_on, "also start the DHCP responder in the background" },
	{ "dhcp-pool", "FIRST-LAST", DHCP_CMDS, set_dhcp_pool, "addresses handed out (default .2 to the last host)" },
	{ "dhcp-static", "MAC=IP[,NAME]", DHCP_CMDS, set_dhcp_static, "fixed binding; repeatable (default 52:54:00:12:34:56=172.16.0.2)" },
	{ "dhcp-dns", "IP[,IP]", DHCP_CMDS | FOR_DOCTOR, set_dhcp_dns, "DNS servers for the guest (default the router address, or 1.1.1.1 with --no-dns)" },
	{ "dhcp-domain", "NAME", DHCP_CMDS, set_dhcp_domain, "domain name (options 15 and 119)" },
	{ "dhcp-route", "PREFIX,GW", DHCP_CMDS, set_dhcp_route, "classless static route (option 121); repeatable" },
	{ "dhcp-lease-time", "SECONDS", DHCP_CMDS, set_dhcp_lease_time, "lease length (default 3600)" },
	{ "dhcp-guest-leases", "N", DHCP_CMDS, set_dhcp_guest_leases, "addresses one VM's TAP may hold at once (default 4)" },
	{ "dhcp-mtu", "MTU", DHCP_CMDS, set_dhcp_mtu, "interface MTU for the guest (option 26; default not sent)" },
	{ "lease-dir", "DIR", DHCP_CMDS | FOR_STATUS, set_lease_dir, "lease journal directory (default /var/lib/redox-net/dhcp)" },
	{ "verbose", NULL, DHCP_CMDS, set_verbose, "log every DHCP exchange (debug), not only lease changes" },
	{ "allow-relay", NULL, DHCP_CMDS, set_allow_relay, "answer relayed requests (giaddr set), e.g. from perfdhcp" },
	{ "dhcp-user", "USER", DHCP_CMDS, set_dhcp_user, "user the responder runs as after binding port 67 (default nobody)" },
	{ "dhcp-group", "GROUP", DHCP_CMDS, set_dhcp_group, "its group (default the user's primary group)" },
	{ "no-dns", NULL, DHCP_CMDS | FOR_DOCTOR, set_no_dns, "no DNS forwarder on the router address (guests get 1.1.1.1 or --dhcp-dns)" },
	{ "dns-forward", "yes|no", DHCP_CMDS | FOR_DOCTOR, set_dns_forward, "the DNS forwarder on the router address, port 53 (default yes)" },
	{ "dns-resolv-conf", "PATH", DHCP_CMDS, set_dns_resolv_conf, "resolv.conf whose nameservers the forwarder relays to (default /etc/resolv.conf)" },
};
#define N_OPTION_DEFS (ARRAY_SIZE(option_defs))

static const struct option_def *find_def(const char *name, unsigned int command)
{
	for (size_t i = 0; i < N_OPTION_DEFS; i++)
		if (!strcmp(option_defs[i].name, name) && (option_defs[i].commands & command))
			return &option_defs[i];
	return NULL;
}

/**
 * config_option_arg() - whether an option, named without its dashes, takes a value
 * @name:	"config", or an option of any subcommand, e.g. "run-dir"
 *
 * main() uses it to find the command after options written before it, as in
 * `redox-netsetup --config FILE up`.
 *
 * Return: 1 if it takes a value, 0 for a flag, -1 if no subcommand knows it.
 */
int config_option_arg(const char *name)
{
	const struct option_def *def = find_def(name, ALL_CMDS);

	if (!strcmp(name, "config"))
		return 1;
	if (!strcmp(name, "help"))
		return 0;
	return def ? def->arg != NULL : -1;
}

/**
 * config_set() - apply one setting by its option name
 * @cfg:	settings
 * @name:	long option name, e.g. "owner"
 * @value:	its value
 *
 * Return: NULL, or the reason the value (or the name) is refused.
 */
const char *config_set(struct netsetup_config *cfg, const char *name, const char *value)
{
	const struct option_def *def = find_def(name, ALL_CMDS);

	return def ? def->set(cfg, value) : "unknown setting";
}

/**
 * config_defaults() - the built-in settings, before any file or option
 * @cfg:	settings to fill
 *
 * Public so the config fuzzer starts from what redox-netsetup starts from.
 */
void config_defaults(struct netsetup_config *cfg)
{
	const char *run_dir = getenv("REDOX_NET_RUN_DIR");

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->run_dir, RN_DEFAULT_RUN_DIR);
	if (run_dir && set_run_dir(cfg, run_dir))
		log_warn("ignoring REDOX_NET_RUN_DIR=%s: not an absolute path", run_dir);
	strcpy(cfg->tap, RN_DEFAULT_TAP);
	prefix_parse(RN_DEFAULT_ADDRESS, &cfg->address);
	mac_parse(RN_DEFAULT_GUEST_MAC, cfg->mac);
	macvtap_mode_parse("bridge", &cfg->mode);
	cfg->queues = 1;
	dhcp_config_defaults(&cfg->dhcp);
}

/**
 * config_parse_buffer() - apply a config file: "key = value" lines, '#' comments
 * @cfg:	settings to update
 * @buf:	file contents, NUL-terminated
 * @file:	file name, for messages
 * @command:	FOR_* of the running subcommand
 *
 * Keys are the long option names.  Keys that belong to other subcommands are
 * accepted and ignored, so one file serves up, down, status and doctor.
 *
 * Return: 0, or -EINVAL after printing FILE:LINE and the reason.
 */
int config_parse_buffer(struct netsetup_config *cfg, const char *buf, const char *file,
			unsigned int command)
{
	unsigned int lineno = 0;

	for (const char *line = buf; *line; ) {
		const char *nl = strchr(line, '\n'), *why;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char text[512], *key, *value, *eq, *end;
		const struct option_def *def;

		lineno++;
		if (len >= sizeof(text)) {
			log_err("%s:%u: line too long", file, lineno);
			return -EINVAL;
		}
		memcpy(text, line, len);
		text[len] = '\0';
		line += len + (nl ? 1 : 0);
		if (strchr(text, '\r')) {
			log_err("%s:%u: carriage return in line (save the file with Unix line ends)",
				file, lineno);
			return -EINVAL;
		}
		key = text + strspn(text, " \t");
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			log_err("%s:%u: expected key = value", file, lineno);
			return -EINVAL;
		}
		value = eq + 1 + strspn(eq + 1, " \t");
		for (end = eq; end > key && (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		for (end = value + strlen(value); end > value && (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		def = find_def(key, ALL_CMDS);
		if (!def) {
			log_err("%s:%u: unknown key '%s'", file, lineno, key);
			return -EINVAL;
		}
		if (!(def->commands & command))
			continue;
		if (!def->arg && strcmp(value, "true") && strcmp(value, "false")) {
			log_err("%s:%u: %s takes true or false", file, lineno, key);
			return -EINVAL;
		}
		if (!def->arg && !strcmp(value, "false"))
			continue;
		why = def->set(cfg, value);
		if (why) {
			log_err("%s:%u: %s = %s: %s", file, lineno, key, value, why);
			return -EINVAL;
		}
	}
	return 0;
}

static int config_load_file(struct netsetup_config *cfg, const char *path, unsigned int command)
{
	static char buf[CONFIG_MAX_SIZE + 1];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		log_err("cannot read config %s: %s", path, strerror(errno));
		return -errno;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0 || n > CONFIG_MAX_SIZE || memchr(buf, '\0', (size_t)n)) {
		log_err("cannot read config %s: %s", path,
			n < 0 ? strerror(errno) : "not a text file of at most 64 KiB");
		return -EINVAL;
	}
	buf[n] = '\0';
	return config_parse_buffer(cfg, buf, path, command);
}

static void print_usage(FILE *out, const char *usage, unsigned int command)
{
	fprintf(out, "%s\n\nOptions:\n", usage);
	for (size_t i = 0; i < N_OPTION_DEFS; i++) {
		const struct option_def *d = &option_defs[i];
		char left[48];

		if (!(d->commands & command))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg ? " " : "", d->arg ? d->arg : "");
		fprintf(out, "  %-28s %s\n", left, d->help);
	}
	fprintf(out, "  %-28s %s\n  %-28s %s\n", "--config FILE", "read key = value settings first",
		"--help", "show this help");
}

/**
 * config_parse() - fill settings from defaults, --config FILE, then the command line
 * @cfg:	settings
 * @argc:	argument count, argv[0] being the subcommand
 * @argv:	arguments
 * @command:	FOR_* of the subcommand
 * @usage:	usage line for --help and errors
 *
 * Return: -1 to go on, or an exit code (0 after --help, RN_EXIT_USAGE on error).
 */
int config_parse(struct netsetup_config *cfg, int argc, char *argv[], unsigned int command,
		 const char *usage)
{
	struct option longopts[N_OPTION_DEFS + 3] = { 0 };
	size_t n = 0;
	int opt;

	config_defaults(cfg);
	for (size_t i = 0; i < N_OPTION_DEFS; i++)
		if (option_defs[i].commands & command)
			longopts[n++] = (struct option){ option_defs[i].name,
				option_defs[i].arg ? required_argument : no_argument, NULL, 0 };
	longopts[n++] = (struct option){ "config", required_argument, NULL, 'c' };
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };

	/* First pass: only --config and --help, so the command line wins over the file. */
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (opt == 'h') {
			print_usage(stdout, usage, command);
			return RN_EXIT_OK;
		}
		if (opt == 'c' && config_load_file(cfg, optarg, command))
			return RN_EXIT_USAGE;
	}
	opterr = 1;
	optind = 1;
	for (int idx = 0; (opt = getopt_long(argc, argv, "+", longopts, &idx)) != -1; idx = 0) {
		const struct option_def *def;
		const char *why;

		if (opt == 'c')
			continue;
		if (opt != 0) {
			fprintf(stderr, "Try '%s %s --help'.\n", log_program(), argv[0]);
			return RN_EXIT_USAGE;
		}
		def = find_def(longopts[idx].name, command);
		if (!def)	/* cannot happen: longopts was built from option_defs */
			return RN_EXIT_USAGE;
		why = def->set(cfg, optarg ? optarg : "");
		if (why) {
			log_err("--%s %s: %s", def->name, optarg ? optarg : "", why);
			return RN_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_err("unexpected argument '%s'", argv[optind]);
		fprintf(stderr, "Try '%s %s --help'.\n", log_program(), argv[0]);
		return RN_EXIT_USAGE;
	}
	/* Only now is --address known, whichever order the settings came in. */
	for (size_t i = 0; i < cfg->n_forwards; i++) {
		const char *why = forward_subnet_problem(&cfg->forwards[i], &cfg->address);
		char text[RN_FORWARD_STRLEN];

		if (why) {
			forward_format(&cfg->forwards[i], text);
			log_err("--forward %s: %s", text, why);
			return RN_EXIT_USAGE;
		}
	}
	return -1;
}

/**
 * config_guest_dev() - Return: the device guests reach the host through: the bridge, else the TAP
 * @cfg:	parsed settings
 */
const char *config_guest_dev(const struct netsetup_config *cfg)
{
	return cfg->bridge[0] ? cfg->bridge : cfg->tap;
}

/**
 * config_dhcp() - the responder's configuration: its options plus the device and --address
 * @cfg:	parsed settings
 * @out:	configuration for dhcp_serve()
 *
 * The responder serves the TAP or bridge `up` made, from the router address
 * `up` put on it, so those come from the same settings and cannot disagree.
 *
 * Return: 0, or RN_EXIT_USAGE after saying what is wrong.
 */
int config_dhcp(const struct netsetup_config *cfg, struct dhcp_config *out)
{
	char server[RN_PREFIX_STRLEN];
	const char *why;

	/* The same file serves both units: a macvtap guest is on --link's network, out of reach. */
	if (cfg->macvtap[0]) {
		log_err("DHCP settings: macvtap %s is set, and the host cannot reach a macvtap guest", cfg->macvtap);
		log_hint("use the DHCP server of the network --link %s is on, or drop the macvtap setting",
			 cfg->link[0] ? cfg->link : "IFACE");
		return RN_EXIT_USAGE;
	}
	*out = cfg->dhcp;
	prefix_format(&cfg->address, false, server);
	why = dhcp_config_set(out, "interface", config_guest_dev(cfg));
	if (!why)
		why = dhcp_config_set(out, "server", server);
	if (!why)
		why = dhcp_config_check(out);
	if (why) {
		log_err("DHCP settings: %s", why);
		return RN_EXIT_USAGE;
	}
	return 0;
}
