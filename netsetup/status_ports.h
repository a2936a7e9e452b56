/* SPDX-License-Identifier: MIT */
/* status_ports.h - `status`: the VMs' ports, whose they are, their guests and leases */
#ifndef REDOX_NET_STATUS_PORTS_H
#define REDOX_NET_STATUS_PORTS_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link_state;
struct nl_sock;

#define VM_PORT_HOLDERS 8	/* processes named per port; more are counted */

/**
 * struct vm_port_holder - a process holding one of a port's queue fds
 * @pid:	its pid
 * @comm:	its command (/proc/PID/comm)
 * @verified:	its fd was shown to be attached to the port in status's namespace;
 *		false: matched by name alone (no access to check)
 */
struct vm_port_holder {
	int pid;
	char comm[16];
	bool verified;
};

/**
 * struct vm_port - one guest port as status shows it
 * @name:	the TAP
 * @ifindex:	its index
 * @bridge:	the bridge it is a port of, "" for a pool TAP
 * @slot:	the slot in its name (bridge TAP), -1 for a pool TAP
 * @has_recorded: @recorded is known
 * @recorded:	the owner by the helper's record: the name (bridge TAP), the alias (pool TAP)
 * @has_kernel:	@kernel is known
 * @kernel:	the owner the kernel reports (IFLA_TUN_OWNER), rewritable through any fd
 * @mac_source:	where @mac comes from: "name" (derived from uid and slot), "neighbour", NULL
 * @mac:	the guest's MAC, when @mac_source is set
 * @has_lease:	the lease journal binds an address to @mac
 * @ip:		that address
 * @expires:	the lease's end, wall clock seconds
 * @queues:	attached queues
 * @nholders:	processes seen holding its queue fds (may exceed VM_PORT_HOLDERS)
 * @holders:	the first of them
 */
struct vm_port {
	char name[IFNAMSIZ];
	int ifindex;
	char bridge[IFNAMSIZ];
	int slot;
	bool has_recorded, has_kernel;
	uint32_t recorded, kernel;
	const char *mac_source;
	uint8_t mac[6];
	bool has_lease;
	struct in_addr ip;
	int64_t expires;
	uint32_t queues;
	unsigned int nholders;
	struct vm_port_holder holders[VM_PORT_HOLDERS];
};

/**
 * struct vm_ports - every guest port, and how much of them status could see
 * @port:	the ports
 * @n:		how many
 * @lease_file:	the lease journal read
 * @leases:	"ok", "missing", "unreadable" (not allowed), "error"
 * @lease_damaged: lines of the journal that did not parse
 * @lease_torn:	an append was in progress: its record was left out
 * @holders_complete: every process's fds could be read, so @holders lists all
 */
struct vm_ports {
	struct vm_port *port;
	size_t n;
	char lease_file[4200];
	const char *leases;
	unsigned int lease_damaged;
	bool lease_torn;
	bool holders_complete;
};

int vm_ports_collect(struct nl_sock *sk, const struct link_state *links, size_t nlinks,
		     const char *lease_dir, struct vm_ports *out);
bool vm_ports_is_port(const struct link_state *l);
const struct vm_port *vm_ports_find(const struct vm_ports *p, const char *name);
void vm_ports_print_json(const struct vm_ports *p);
void vm_ports_print_table(const struct vm_ports *p);
void vm_ports_free(struct vm_ports *p);

#endif
