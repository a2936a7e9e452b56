// SPDX-License-Identifier: MIT
/* cmd_doctor.c - `redox-netsetup doctor`: what would stop a guest from getting out, and the fix */
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
#include "netsetup/nft_sock.h"
#include "netsetup/sysctl.h"

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

static unsigned int check_device(struct nl_sock *sk, const struct netsetup_config *cfg)
{
	struct route_conflict rc;
	const char *dev = config_guest_dev(cfg);
	struct link_state l;
	int own = 0;

	if (link_query(sk, dev, &l) == 0) {
		own = l.ifindex;
		if (l.group != RN_IFGROUP) {
			log_warn("%s exists but was not created by redox-netsetup", dev);
			log_hint("'redox-netsetup up' will refuse it: delete it or use another name");
			return 1;
		}
		if (!(l.flags & IFF_UP)) {
			log_warn("%s is down: Cloud Hypervisor up to v53 stops the VM at its first packet",
				 dev);
			log_hint("ip link set %s up, or run 'redox-netsetup up' again", dev);
			return 1;
		}
	} else {
		log_info("%s does not exist yet ('redox-netsetup up' creates it)", dev);
	}
	if (route_find_conflict(sk, &cfg->address, own, &rc) == 1) {
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
	problems += check_device(sk, &cfg);
	nft_problem = check_nftables();
	problems += nft_problem;
	if (!nft_problem)
		problems += firewall_warn(config_guest_dev(&cfg), true);
	problems += check_legacy_iptables();
	nl_route_close(sk);
	if (problems) {
		printf("%u problem%s found\n", problems, problems == 1 ? "" : "s");
		return RN_EXIT_FAILURE;
	}
	printf("no problems found\n");
	return RN_EXIT_OK;
}
