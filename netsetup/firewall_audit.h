/* SPDX-License-Identifier: MIT */
/* firewall_audit.h - find other tables' chains that would drop the guests' traffic */
#ifndef REDOX_NET_FIREWALL_AUDIT_H
#define REDOX_NET_FIREWALL_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct fw_finding - a base chain in someone else's table that drops by default
 * @family:	"ip", "inet", ...
 * @table:	table name
 * @chain:	chain name
 * @hook:	NF_INET_FORWARD or NF_INET_LOCAL_IN
 * @policy_drop: the chain's policy is drop
 * @rule_drop:	the chain ends in an unconditional drop or reject rule
 * @has_docker_user: the table also has a DOCKER-USER chain (Docker's iptables)
 */
struct fw_finding {
	char family[8];
	char table[64];
	char chain[64];
	uint32_t hook;
	bool policy_drop, rule_drop, has_docker_user;
};

int firewall_audit(struct fw_finding **out, unsigned int *count);
/* what the host itself serves the guests, for the input-hook findings */
enum fw_service {
	FW_DHCP = 1 << 0,	/* the DHCP responder: 67/udp */
	FW_DNS = 1 << 1,	/* the DNS forwarder: 53/udp and 53/tcp */
};

unsigned int firewall_warn(const char *ifname, unsigned int services);

#endif
