// SPDX-License-Identifier: MIT
/* cmd_status.c - `redox-netsetup status [--json]`: the journal checked against the kernel */
#include <errno.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/exitcodes.h"
#include "lib/log.h"
#include "lib/netlink.h"
#include "lib/sysctl.h"
#include "netsetup/commands.h"
#include "netsetup/config.h"
#include "netsetup/status_ports.h"
#include "nft/nft_ruleset.h"
#include "teardown/daemon.h"
#include "teardown/journal.h"

/**
 * struct object_state - one journal record as the kernel shows it now
 * @rec:	the record (a copy)
 * @present:	the object exists
 * @detail:	human-readable details
 * @json:	the same details as JSON members (", \"k\": v" ...)
 */
struct object_state {
	struct journal_record rec;
	bool present;
	char detail[160];
	char json[320];
};

static void describe_device(struct nl_sock *sk, struct object_state *o)
{
	struct link_state l;

	if (link_query(sk, o->rec.object, &l))
		return;
	o->present = l.group == RN_IFGROUP;
	if (link_is_tap(&l)) {
		snprintf(o->detail, sizeof(o->detail), "%s tap%s%s %s=%u queues=%u%s",
			 (l.flags & IFF_UP) ? "up" : "DOWN", l.tun.vnet_hdr ? " vnet_hdr" : "",
			 l.tun.multi_queue ? " multi_queue" : "", l.tun.has_group ? "group" : "owner",
			 l.tun.has_group ? l.tun.group : l.tun.owner, l.tun.queues,
			 l.tun.persist ? " persistent" : "");
		snprintf(o->json, sizeof(o->json),
			 ", \"ifindex\": %d, \"up\": %s, \"type\": \"tap\", \"vnet_hdr\": %s, "
			 "\"multi_queue\": %s, \"persist\": %s, \"%s\": %u, \"attached_queues\": %u",
			 l.ifindex, (l.flags & IFF_UP) ? "true" : "false",
			 l.tun.vnet_hdr ? "true" : "false", l.tun.multi_queue ? "true" : "false",
			 l.tun.persist ? "true" : "false", l.tun.has_group ? "group" : "owner",
			 l.tun.has_group ? l.tun.group : l.tun.owner, l.tun.queues);
	} else {
		char mac[RN_MAC_STRLEN] = "";

		if (l.has_mac)
			mac_format(l.mac, mac);
		snprintf(o->detail, sizeof(o->detail), "%s %s %s", (l.flags & IFF_UP) ? "up" : "DOWN",
			 l.kind, mac);
		snprintf(o->json, sizeof(o->json),
			 ", \"ifindex\": %d, \"up\": %s, \"type\": \"%s\", \"mac\": \"%s\"", l.ifindex,
			 (l.flags & IFF_UP) ? "true" : "false", l.kind, mac);
	}
	if (!o->present)
		snprintf(o->detail, sizeof(o->detail), "exists but is not redox-net's");
}

static void describe(struct nl_sock *sk, struct object_state *o)
{
	const struct journal_record *r = &o->rec;
	struct daemon_id id;
	struct link_state l;
	struct rn_prefix p;
	unsigned int rules;
	char cur[16];

	switch (r->kind) {
	case JREC_DEVICE:
		describe_device(sk, o);
		break;
	case JREC_ADDRESS:
		o->present = !prefix_parse(r->value, &p) && !link_query(sk, r->object, &l) &&
			     addr_present(sk, l.ifindex, &p) == 1;
		snprintf(o->detail, sizeof(o->detail), "%s", r->value);
		snprintf(o->json, sizeof(o->json), ", \"address\": \"%s\"", r->value);
		break;
	case JREC_SYSCTL:
		o->present = sysctl_read(r->object, cur, sizeof(cur)) == 0;
		snprintf(o->detail, sizeof(o->detail), "now %s, %s before up", o->present ? cur : "?",
			 r->value);
		snprintf(o->json, sizeof(o->json), ", \"value\": \"%s\", \"before\": \"%s\"",
			 o->present ? cur : "", r->value);
		break;
	case JREC_NFT_TABLE:
		o->present = nft_table_rule_count(&rules) == 0;
		snprintf(o->detail, sizeof(o->detail), "%u rules", o->present ? rules : 0);
		snprintf(o->json, sizeof(o->json), ", \"rules\": %u", o->present ? rules : 0);
		break;
	case JREC_DHCP:
		o->present = !daemon_id_parse(r->object, r->value, &id) && daemon_running(&id);
		snprintf(o->detail, sizeof(o->detail), "DHCP responder, pid %s%s", r->object,
			 o->present ? "" : " (not running: 'redox-netsetup up --dhcp' starts it again)");
		snprintf(o->json, sizeof(o->json), ", \"pid\": %s", r->object);
		break;
	}
}

/**
 * struct installed_forwards - the port forwards the kernel holds in the table
 * @text:	canonical forms, "tcp:2222:172.16.0.2:22"
 * @n:		how many
 */
/* The caller may not open the journal (its lock file is root's): only the VM ports are shown. */
static bool journal_unreadable;

struct installed_forwards {
	char text[RN_MAX_FORWARDS][RN_FORWARD_STRLEN];
	size_t n;
};

static void print_json(const struct netsetup_config *cfg, const struct journal *j,
		       const struct object_state *objs, const char (*extra)[IFNAMSIZ], size_t nextra,
		       const struct installed_forwards *fw, const struct vm_ports *ports)
{
	char dir[2 * sizeof(cfg->run_dir)];

	escape_json(dir, sizeof(dir), cfg->run_dir);
	printf("{\n  \"run_dir\": \"%s\",\n  \"journal\": \"%s\",\n  \"objects\": [", dir,
	       journal_unreadable ? "unreadable" : j->missing ? "missing" :
	       j->bad_lines ? "damaged" : "ok");
	for (size_t i = 0; i < j->count; i++)
		printf("%s\n    {\"kind\": \"%s\", \"object\": \"%s\", \"present\": %s%s}",
		       i ? "," : "", journal_kind_name(objs[i].rec.kind), objs[i].rec.object,
		       objs[i].present ? "true" : "false", objs[i].json);
	printf("%s],\n  \"unjournaled_devices\": [", j->count ? "\n  " : "");
	for (size_t i = 0; i < nextra; i++)
		printf("%s\"%s\"", i ? ", " : "", extra[i]);
	printf("],\n  \"forwards\": [");
	for (size_t i = 0; i < fw->n; i++)
		printf("%s\"%s\"", i ? ", " : "", fw->text[i]);
	printf("]");
	vm_ports_print_json(ports);
	printf("\n}\n");
}

static void print_table(const struct netsetup_config *cfg, const struct journal *j,
			const struct object_state *objs, const char (*extra)[IFNAMSIZ], size_t nextra,
			const struct installed_forwards *fw, const struct vm_ports *ports)
{
	if (journal_unreadable)
		printf("the journal in %s is root's: run 'sudo redox-netsetup status' to see it\n",
		       cfg->run_dir);
	else if (j->missing && !nextra && !ports->n)
		printf("redox-net is down (no journal in %s)\n", cfg->run_dir);
	if (j->missing && !nextra && !ports->n)
		return;
	printf("%-8s %-24s %-8s %s\n", "KIND", "OBJECT", "STATE", "DETAILS");
	for (size_t i = 0; i < j->count; i++)
		printf("%-8s %-24s %-8s %s\n", journal_kind_name(objs[i].rec.kind),
		       objs[i].rec.object, objs[i].present ? "present" : "MISSING", objs[i].detail);
	for (size_t i = 0; i < nextra; i++) {
		const struct vm_port *port = vm_ports_find(ports, extra[i]);

		/* A running VM's port is listed with the ports below; telling
		 * the user that down --all removes it would invite him to cut
		 * the VM off.  One no VM has attached to is a leftover. */
		if (port && port->queues)
			continue;
		printf("%-8s %-24s %-8s %s\n", "device", extra[i], "present",
		       port ? "a guest port no VM holds, not in the journal: "
			      "'redox-netsetup down --all' removes it" :
			      "not in the journal: 'redox-netsetup down --all' removes it");
	}
	for (size_t i = 0; i < fw->n; i++)
		printf("%-8s %-24s %-8s %s\n", "forward", fw->text[i], "present",
		       "DNAT in " RN_NFT_JOURNAL_OBJECT);
	if (j->bad_lines)
		printf("warning: the journal has %u damaged lines\n", j->bad_lines);
	vm_ports_print_table(ports);
}

/**
 * status_main() - `redox-netsetup status [--json]`
 * @argc:	argument count, argv[0] = "status"
 * @argv:	arguments
 *
 * Return: RN_EXIT_* code; 0 when status could be read, whatever it says.
 */
int status_main(int argc, char *argv[])
{
	struct netsetup_config cfg;
	struct object_state *objs;
	struct link_state *links = NULL;
	char (*extra)[IFNAMSIZ] = NULL;
	size_t nlinks = 0, nextra = 0;
	static struct installed_forwards fw;
	struct vm_ports ports = { 0 };
	struct journal j = { .lock_fd = -1, .dir_fd = -1 };	/* also when netns_run_dir() fails */
	struct nl_sock *sk;
	int rc, err;

	rc = config_parse(&cfg, argc, argv, FOR_STATUS, "Usage: redox-netsetup status [--json]");
	if (rc >= 0)
		return rc;
	if (cfg.check)
		return RN_EXIT_OK;
	err = netns_run_dir(cfg.run_dir, sizeof(cfg.run_dir), RN_DEFAULT_RUN_DIR, false);
	if (!err)
		err = journal_open(&j, cfg.run_dir, false);
	if (err == -EXDEV)	/* another namespace's journal; journal_open() said which */
		return RN_EXIT_CONFLICT;
	/* Anyone may look at the VM ports; the journal's lock file is root's. */
	if (err == -ENOENT || err == -EACCES) {
		j.missing = true;
		journal_unreadable = err == -EACCES;
	} else if (err) {
		log_err("cannot read the journal in %s: %s", cfg.run_dir, strerror(-err));
		return err == -EACCES ? RN_EXIT_PRIVILEGE : RN_EXIT_FAILURE;
	}
	sk = nl_route_open();
	objs = calloc(j.count + 1, sizeof(*objs));
	err = !sk ? (errno ? errno : EIO) : !objs ? ENOMEM : -link_list(sk, &links, &nlinks);
	if (!err && !(extra = calloc(nlinks + 1, IFNAMSIZ)))
		err = ENOMEM;
	if (err) {
		log_err("cannot read the network state: %s", strerror(err));
		rc = RN_EXIT_FAILURE;
		goto out;
	}
	for (size_t i = 0; i < j.count; i++) {
		objs[i].rec = j.recs[i];
		describe(sk, &objs[i]);
	}
	for (size_t i = 0; i < nlinks; i++)
		if (links[i].group == RN_IFGROUP && !journal_find(&j, JREC_DEVICE, links[i].name))
			strcpy(extra[nextra++], links[i].name);
	/* Read from the rules themselves, so status shows what is installed,
	 * whatever the config file says now. */
	if (journal_find(&j, JREC_NFT_TABLE, RN_NFT_JOURNAL_OBJECT) &&
	    nft_table_forwards(fw.text, RN_MAX_FORWARDS, &fw.n))
		fw.n = 0;
	if (vm_ports_collect(sk, links, nlinks, cfg.dhcp.lease_dir, &ports)) {
		log_err("cannot describe the VM ports: %s", strerror(ENOMEM));
		rc = RN_EXIT_FAILURE;
		goto out;
	}
	if (cfg.json)
		print_json(&cfg, &j, objs, (const char (*)[IFNAMSIZ])extra, nextra, &fw, &ports);
	else
		print_table(&cfg, &j, objs, (const char (*)[IFNAMSIZ])extra, nextra, &fw, &ports);
	rc = RN_EXIT_OK;
out:
	vm_ports_free(&ports);
	free(extra);
	free(links);
	free(objs);
	nl_route_close(sk);
	journal_close(&j);
	return rc;
}
