/* SPDX-License-Identifier: MIT */
/* config.h - redox-netsetup settings: built-in defaults, config file, command line */
#ifndef REDOX_NET_CONFIG_H
#define REDOX_NET_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/inet.h"
#include "netsetup/dhcp/dhcp_config.h"
#include "lib/forward.h"
#include "netsetup/tap.h"

#define RN_DEFAULT_RUN_DIR "/run/redox-net"
#define RN_DEFAULT_TAP "tap0"
#define RN_DEFAULT_ADDRESS "172.16.0.1/24"
#define RN_DEFAULT_GUEST_MAC "52:54:00:12:34:56"
#define RN_MAX_QUEUES 256

/* Which subcommands accept an option. */
enum {
	FOR_UP = 1 << 0,
	FOR_DOWN = 1 << 1,
	FOR_STATUS = 1 << 2,
	FOR_DOCTOR = 1 << 3,
	FOR_DHCP = 1 << 4,
};

/**
 * struct netsetup_config - everything a subcommand was asked to do
 * @run_dir:	where the journal lives
 * @tap:	TAP name
 * @bridge:	bridge mode: create this bridge instead of a TAP ("" for none)
 * @address:	router address and prefix on the TAP
 * @owner:	who may attach to the TAP
 * @owner_set:	--owner or --group was given (or taken from $SUDO_USER)
 * @owner_conflict: both --owner and --group were given
 * @queues:	TAP queues
 * @uplink:	limit masquerade to this device ("" for any)
 * @macvtap:	create this macvtap instead of a TAP ("" for none)
 * @link:	the macvtap's lower device
 * @mac:	the guest MAC (macvtap's own address)
 * @mode:	MACVLAN_MODE_*
 * @keep_forwarding: down: leave ip_forward as it is
 * @all:	down: also remove managed objects the journal does not know
 * @json:	status: machine-readable output
 * @list_steps:	up: print the step names and exit
 * @check:	validate the settings and exit without changing anything
 * @dhcp_on:	up: also start the DHCP responder in the background (--dhcp)
 * @forwards:	up: DNAT port forwards to guests (--forward), no two on one proto and host port
 * @n_forwards:	how many
 * @dhcp:	up --dhcp and dhcp: the responder's settings, except its interface
 *		and server address, which config_dhcp() takes from @tap and @address
 */
struct netsetup_config {
	char run_dir[PATH_MAX];
	char tap[IFNAMSIZ];
	char bridge[IFNAMSIZ];
	struct rn_prefix address;
	struct tap_owner owner;
	bool owner_set, owner_conflict;
	unsigned int queues;
	char uplink[IFNAMSIZ];
	char macvtap[IFNAMSIZ];
	char link[IFNAMSIZ];
	uint8_t mac[RN_MAC_LEN];
	uint32_t mode;
	bool keep_forwarding, all, json, list_steps, check, dhcp_on;
	struct port_forward forwards[RN_MAX_FORWARDS];
	size_t n_forwards;
	struct dhcp_config dhcp;
};

void config_defaults(struct netsetup_config *cfg);
int config_parse(struct netsetup_config *cfg, int argc, char *argv[], unsigned int command,
		 const char *usage);
int config_option_arg(const char *name);
const char *config_set(struct netsetup_config *cfg, const char *name, const char *value);
int config_parse_buffer(struct netsetup_config *cfg, const char *buf, const char *file,
			unsigned int command);
const char *config_guest_dev(const struct netsetup_config *cfg);
int config_dhcp(const struct netsetup_config *cfg, struct dhcp_config *out);

#endif
