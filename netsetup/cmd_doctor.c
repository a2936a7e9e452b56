// SPDX-License-Identifier: MIT
/* cmd_doctor.c - `redox-netsetup doctor`: what would stop a guest from getting out, and the fix */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/exitcodes.h"
#include "lib/log.h"
#include "lib/netlink.h"
#include "netsetup/commands.h"
#include "netsetup/config.h"
#include "netsetup/firewall_audit.h"
#include "nft/nft_sock.h"
#include "lib/sysctl.h"
#include "teardown/journal.h"

static unsigned int check_tun(void)
{
	struct stat st;

	if (stat("/dev/net/tun", &st) == 0 && S_ISCHR(st.st_mode))
		return 0;
	log_warn("/dev/net/tun is missing: no TAP can be created or opened");
	log_hint("modprobe tun (kernel option CONFIG_TUN)");
	return 1;
}

static unsigned int check_nftables(void)
{
	int err = nft_probe();

	if (!err)
		return 0;
	log_warn("nf_tables cannot be used: %s", strerror(-err));
	log_hint(err == -EPERM ? "run doctor as root to inspect the firewall" :
		 "modprobe nf_tables (kernel option CONFIG_NF_TABLES)");
	return 1;
}

static unsigned int check_forwarding(void)
{
	char v[16];

	if (sysctl_read(SYSCTL_IP_FORWARD, v, sizeof(v)) == 0 && !strcmp(v, "1"))
		return 0;
	log_warn("IPv4 forwarding is off: guests can reach this host but nothing beyond it");
	log_hint("'redox-netsetup up' turns it on, or: sysctl -w net.ipv4.ip_forward=1");
	return 1;
}

/**
 * struct doctor_target - the device guests use and the subnet on it, as doctor checks them
 * @dev:	the TAP, bridge or macvtap
 * @address:	the router address and prefix on it
 * @made:	read from the journal: `up` made @dev and its address, so they are
 *		redox-net's own and never a conflict; otherwise they are what `up`
 *		would make from the options and --config
 */
struct doctor_target {
	char dev[IF_NAMESIZE];
	struct rn_prefix address;
	bool made;
};

/**
 * doctor_target_find() - what doctor checks: what `up` made, else what it would make
 * @cfg:	options and --config
 * @t:		filled in
 *
 * After `up --bridge redoxbr0` a bare `doctor` must check the bridge, not the
 * default tap0, and must not take the bridge's own route for a conflict.  The
 * journal says what `up` made; the device that carries the address is the one
 * guests route through (the bridge in bridge mode, the TAP otherwise).
 */
static void doctor_target_find(struct netsetup_config *cfg, struct doctor_target *t)
{
	const struct journal_record *dev = NULL, *addr = NULL;
	struct journal j;
	int err;

	snprintf(t->dev, sizeof(t->dev), "%s", config_guest_dev(cfg));
	t->address = cfg->address;
	t->made = false;
	err = netns_run_dir(cfg->run_dir, sizeof(cfg->run_dir), RN_DEFAULT_RUN_DIR, false);
	if (!err)
		err = journal_open(&j, cfg->run_dir, false);
	if (err) {
		if (err != -ENOENT && err != -EXDEV)
			log_info("cannot read the journal in %s (%s): checking what 'up' would make",
				 cfg->run_dir, strerror(-err));
		return;
	}
	for (size_t i = 0; i < j.count; i++) {
		if (j.recs[i].kind == JREC_DEVICE && !dev)
			dev = &j.recs[i];
		if (j.recs[i].kind == JREC_ADDRESS && !addr)
			addr = &j.recs[i];
	}
	if (addr && !prefix_parse(addr->value, &t->address))
		dev = addr;
	/* A record's device passed ifname_is_valid() when it was read, so it fits. */
	if (dev && strlen(dev->object) < sizeof(t->dev)) {
		memcpy(t->dev, dev->object, strlen(dev->object) + 1);
		t->made = true;
		log_info("checking what 'up' made (journal in %s): %s", cfg->run_dir, t->dev);
	}
	journal_close(&j);
}

/**
 * check_device() - the guests' device is redox-net's and up, and its subnet is free
 * @sk:		route netlink socket
 * @t:		what to check
 *
 * Return: the number of problems reported (0 or 1).
 */
static unsigned int check_device(struct nl_sock *sk, const struct doctor_target *t)
{
	struct route_conflict rc;
	struct link_state l;
	int own = 0;

	if (link_query(sk, t->dev, &l) == 0) {
		own = l.ifindex;
		if (l.group != RN_IFGROUP) {
			log_warn("%s exists but was not created by redox-netsetup", t->dev);
			log_hint("'redox-netsetup up' will refuse it: delete it or use another name");
			return 1;
		}
		if (!(l.flags & IFF_UP)) {
			log_warn("%s is down: Cloud Hypervisor up to v53 stops the VM at its first packet",
				 t->dev);
			log_hint("ip link set %s up, or run 'redox-netsetup up' again", t->dev);
			return 1;
		}
	} else if (t->made) {
		log_warn("%s is in the journal but gone: guests have no way out", t->dev);
		log_hint("run 'redox-netsetup up' again with the same options; it puts back what is missing");
		return 1;
	} else {
		log_info("%s does not exist yet ('redox-netsetup up' creates it)", t->dev);
	}
	/* Routes through our own device (the bridge's, the TAP's) are what up made. */
	if (route_find_conflict(sk, &t->address, own, &rc) == 1) {
		char net[RN_PREFIX_STRLEN], ifname[IF_NAMESIZE] = "?";

		if_indextoname((unsigned int)rc.ifindex, ifname);
		prefix_format(&rc.dst, true, net);
		log_warn("%s is already routed through %s: guests and that network would collide",
			 net, ifname);
		log_hint("choose another subnet with --address, or remove that route");
		return 1;
	}
	return 0;
}

/**
 * socket_listens() - whether /proc/net/@proto lists a socket bound to @addr:@port
 * @proto:	"udp" or "tcp"
 * @addr:	address, or INADDR_ANY for 0.0.0.0
 * @port:	port
 *
 * The kernel prints the address as the raw 32-bit value in hex, so formatting
 * s_addr the same way matches on either byte order.  For TCP only a listening
 * socket (state 0A) counts.
 *
 * Return: true if one is there.
 */
static bool socket_listens(const char *proto, struct in_addr addr, unsigned int port)
{
	char path[32], want[16], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", proto);
	snprintf(want, sizeof(want), "%08X:%04X", (unsigned int)addr.s_addr, port);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char local[32], state[8];

		if (sscanf(line, " %*[0-9]: %31s %*s %7s", local, state) == 2 && !strcmp(local, want))
			found = proto[0] == 'u' || !strcmp(state, "0A");
	}
	fclose(f);
	return found;
}

/* dns_by_router() - Return: true if leases name the router address as the guests' DNS server */
static bool dns_by_router(const struct netsetup_config *cfg)
{
	return cfg->dhcp.dns_forward && cfg->dhcp.default_dns;
}

/**
 * check_dns_forwarder() - guests told to use the router address for DNS can reach a server there
 * @cfg:	options and --config
 * @t:		what to check
 *
 * Only when a DHCP responder listens (port 67): its leases name the router
 * address as DNS server unless --dhcp-dns or --no-dns says otherwise, and then
 * something must listen on port 53 there, over UDP and TCP.
 *
 * Return: the number of problems reported (0 or 1).
 */
static unsigned int check_dns_forwarder(const struct netsetup_config *cfg, const struct doctor_target *t)
{
	struct in_addr any = { .s_addr = htonl(INADDR_ANY) };
	char addr[INET_ADDRSTRLEN];
	bool udp, tcp;

	if (!dns_by_router(cfg) || !socket_listens("udp", any, 67))
		return 0;
	inet_ntop(AF_INET, &t->address.addr, addr, sizeof(addr));
	udp = socket_listens("udp", t->address.addr, 53);
	tcp = socket_listens("tcp", t->address.addr, 53);
	if (udp && tcp) {
		log_info("the DNS forwarder listens on %s port 53 (UDP and TCP)", addr);
		return 0;
	}
	log_warn("nothing listens on %s port 53 over %s, yet the DHCP responder hands out %s as the "
		 "guests' DNS server: they cannot resolve names", addr, udp ? "TCP" : tcp ? "UDP" : "UDP or TCP", addr);
	log_hint("restart the responder (redox-netsetup down, then up --dhcp; or systemctl restart "
		 "redox-net-dhcp) and read its log, or give guests a server with --dhcp-dns, or --no-dns");
	return 1;
}

static unsigned int check_legacy_iptables(void)
{
	char names[256] = "";
	FILE *f = fopen("/proc/net/ip_tables_names", "re");
	size_t n = 0;

	if (f) {
		n = fread(names, 1, sizeof(names) - 1, f);
		fclose(f);
	}
	if (!n)
		return 0;
	names[strcspn(names, "\n")] = '\0';
	log_warn("legacy iptables tables are loaded (%s...): doctor cannot read them", names);
	log_hint("check 'iptables-legacy -S FORWARD' for a DROP policy or rules that drop guest traffic");
	return 1;
}

/**
 * doctor_main() - `redox-netsetup doctor`
 * @argc:	argument count, argv[0] = "doctor"
 * @argv:	arguments
 *
 * Return: 0 when nothing was found, 1 when a problem was reported, or
 * another RN_EXIT_* code.
 */
int doctor_main(int argc, char *argv[])
{
	struct netsetup_config cfg;
	struct doctor_target target;
	struct nl_sock *sk;
	unsigned int problems = 0, nft_problem;
	int rc;

	rc = config_parse(&cfg, argc, argv, FOR_DOCTOR, "Usage: redox-netsetup doctor [OPTION]...");
	if (rc >= 0)
		return rc;
	if (cfg.check)
		return RN_EXIT_OK;
	sk = nl_route_open();
	if (!sk) {
		log_err("cannot open a netlink socket: %s", strerror(errno));
		return RN_EXIT_FAILURE;
	}
	problems += check_tun();
	problems += check_forwarding();
	doctor_target_find(&cfg, &target);
	problems += check_device(sk, &target);
	nft_problem = check_nftables();
	problems += nft_problem;
	if (!nft_problem)
		problems += firewall_warn(target.dev, FW_DHCP | (dns_by_router(&cfg) ? FW_DNS : 0));
	problems += check_legacy_iptables();
	problems += check_dns_forwarder(&cfg, &target);
	nl_route_close(sk);
	if (problems) {
		printf("%u problem%s found\n", problems, problems == 1 ? "" : "s");
		return RN_EXIT_FAILURE;
	}
	printf("no problems found\n");
	return RN_EXIT_OK;
}
