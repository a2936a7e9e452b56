// SPDX-License-Identifier: MIT
/* cmd_up.c - `redox-netsetup up`: forwarding, TAP, bridge or macvtap, address, NAT; all or nothing */
#include <errno.h>
#include <netinet/in.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "lib/caps.h"
#include "lib/exitcodes.h"
#include "lib/log.h"
#include "lib/netlink.h"
#include "lib/util.h"
#include "netsetup/bridge.h"
#include "netsetup/commands.h"
#include "netsetup/config.h"
#include "netsetup/dhcp_background.h"
#include "netsetup/fault.h"
#include "netsetup/firewall_audit.h"
#include "netsetup/macvtap.h"
#include "nft/nft_portfilter.h"
#include "nft/nft_ruleset.h"
#include "nft/nft_sock.h"
#include "lib/sysctl.h"
#include "netsetup/tap.h"
#include "teardown/journal.h"
#include "teardown/replay.h"

/**
 * struct up_ctx - state shared by the steps of one `up`
 * @cfg:	settings
 * @dhcp:	the responder's configuration, with --dhcp
 * @sk:		route socket
 * @j:		journal, locked
 * @changed:	some step changed the system
 * @tap:	the TAP as step_tap() found or made it (ifindex 0 until then), so the
 *		address and link-up steps need not ask the kernel again
 * @dev_known:	preflight asked the kernel for the guest device: @dev_err and @dev
 *		say what it found, so step_tap() need not ask again
 * @dev_err:	0 if the device existed (as @dev), else link_query()'s error
 * @dev:	the guest device as preflight found it
 */
struct up_ctx {
	const struct netsetup_config *cfg;
	const struct dhcp_config *dhcp;
	struct nl_sock *sk;
	struct journal *j;
	bool changed;
	struct link_state tap;
	bool dev_known;
	int dev_err;
	struct link_state dev;
};

/**
 * struct up_step - one step of `up`; undo is not here but in the journal record it writes
 * @name:	name for messages, --list-steps and REDOX_NET_TEST_FAIL_AT
 * @run:	do the step if it is not done yet; returns an RN_EXIT_* code
 * @modes:	MODE_* in which the step runs
 */
struct up_step {
	const char *name;
	int (*run)(struct up_ctx *ctx);
	unsigned int modes;
};

enum { MODE_TAP = 1, MODE_MACVTAP = 2, MODE_DHCP = 4, MODE_BRIDGE = 8 };
/* Steps for the device guests reach the host through, with its address and NAT. */
#define MODE_ROUTED (MODE_TAP | MODE_BRIDGE)

static int record(struct up_ctx *ctx, enum journal_kind kind, const char *object, const char *value)
{
	struct journal_record r = { .kind = kind };
	int err;

	snprintf(r.object, sizeof(r.object), "%s", object);
	snprintf(r.value, sizeof(r.value), "%s", value);
	err = journal_put(ctx->j, &r);
	if (err)
		log_err("cannot write the journal in %s: %s", ctx->j->dir, strerror(-err));
	return err;
}

/* A step's action, after its journal record; the fault point between the two
 * lets tests check that undo copes with a record whose object never appeared. */
#define ACT(ctx, step, call)						\
	({								\
		int _err = fault_injected(step, "journaled");		\
		if (!_err)						\
			_err = (call);					\
		if (!_err)						\
			(ctx)->changed = true;				\
		_err;							\
	})

static int conflict(const char *what, const char *hint)
{
	log_err("%s", what);
	log_hint("%s", hint);
	return RN_EXIT_CONFLICT;
}

static int check_tap_is_ours(const struct netsetup_config *cfg, const struct link_state *l)
{
	char msg[160], hint[160];

	if (l->group != RN_IFGROUP || !link_is_tap(l)) {
		snprintf(msg, sizeof(msg), "%s exists and was not created by redox-netsetup", l->name);
		snprintf(hint, sizeof(hint),
			 "delete it with 'ip link delete %s', or choose another name with --tap", l->name);
		return conflict(msg, hint);
	}
	if (!l->tun.vnet_hdr || l->tun.multi_queue != (cfg->queues > 1) ||
	    l->tun.has_group != cfg->owner.is_group ||
	    (cfg->owner.is_group ? l->tun.group : l->tun.owner) != cfg->owner.id) {
		snprintf(msg, sizeof(msg), "%s exists with other settings (%s, %s %u)", l->name,
			 l->tun.multi_queue ? "multi-queue" : "single-queue",
			 l->tun.has_group ? "group" : "owner",
			 l->tun.has_group ? l->tun.group : l->tun.owner);
		return conflict(msg, "run 'redox-netsetup down' first, then 'up' with the new settings");
	}
	return 0;
}

static int step_preflight(struct up_ctx *ctx)
{
	const struct netsetup_config *cfg = ctx->cfg;
	const char *dev = cfg->macvtap[0] ? cfg->macvtap : config_guest_dev(cfg);
	struct route_conflict rc;
	struct link_state l;
	int err, own = 0;

	if (!cfg->macvtap[0] && access("/dev/net/tun", F_OK) < 0) {
		log_err("/dev/net/tun does not exist, so no TAP can be created");
		log_hint("load the tun module with 'modprobe tun' (CONFIG_TUN)");
		return RN_EXIT_FAILURE;
	}
	err = fault_injected("nf_tables", "probe") ? -EPROTONOSUPPORT : nft_probe();
	if (err) {
		log_err("nf_tables is not available: %s", strerror(-err));
		log_hint(err == -EPROTONOSUPPORT ?
			 "load it with 'modprobe nf_tables' (kernel option CONFIG_NF_TABLES)" :
			 "run redox-netsetup as root");
		return RN_EXIT_FAILURE;
	}
	err = link_query(ctx->sk, dev, &l);
	ctx->dev_known = true;
	ctx->dev_err = err;
	ctx->dev = l;
	if (!err && !cfg->macvtap[0] && !cfg->bridge[0]) {
		int rc2 = check_tap_is_ours(cfg, &l);

		if (rc2)
			return rc2;
		own = l.ifindex;
	} else if (!err && (l.group != RN_IFGROUP ||
			    strcmp(l.kind, cfg->macvtap[0] ? "macvtap" : "bridge"))) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s exists and was not created by redox-netsetup", dev);
		return conflict(msg, cfg->macvtap[0] ? "delete it, or choose another name with --macvtap" :
				"delete it, or choose another name with --bridge");
	} else if (!err) {
		own = l.ifindex;
	}
	if (cfg->macvtap[0])
		return 0;	/* the host has no address on a macvtap network */
	err = route_find_conflict(ctx->sk, &cfg->address, own, &rc);
	if (err == 1) {
		char msg[160], net[RN_PREFIX_STRLEN], ifname[IF_NAMESIZE] = "?";

		if_indextoname((unsigned int)rc.ifindex, ifname);
		prefix_format(&rc.dst, true, net);
		snprintf(msg, sizeof(msg), "%s is already routed through %s", net, ifname);
		return conflict(msg, "choose another subnet with --address, or remove that route or address");
	}
	if (cfg->uplink[0] && link_query(ctx->sk, cfg->uplink, &l))
		log_warn("uplink %s does not exist now; NAT will apply once it does", cfg->uplink);
	return 0;
}

static int step_forwarding(struct up_ctx *ctx)
{
	char cur[16];
	int err = sysctl_read(SYSCTL_IP_FORWARD, cur, sizeof(cur));

	if (err) {
		log_err("cannot read /proc/sys/%s: %s", SYSCTL_IP_FORWARD, strerror(-err));
		return RN_EXIT_FAILURE;
	}
	/* Keep the value from before the first `up`: that is what `down` restores. */
	if (!journal_find(ctx->j, JREC_SYSCTL, SYSCTL_IP_FORWARD) &&
	    record(ctx, JREC_SYSCTL, SYSCTL_IP_FORWARD, cur))
		return RN_EXIT_FAILURE;
	if (!strcmp(cur, "1"))
		return 0;
	err = ACT(ctx, "forwarding", sysctl_write(SYSCTL_IP_FORWARD, "1"));
	if (err && err != FAULT_ERR)
		log_err("cannot turn on /proc/sys/%s: %s", SYSCTL_IP_FORWARD, strerror(-err));
	return err ? RN_EXIT_FAILURE : 0;
}

static int step_tap(struct up_ctx *ctx)
{
	const struct netsetup_config *cfg = ctx->cfg;
	struct link_state l = ctx->dev;
	int err = ctx->dev_known ? ctx->dev_err : link_query(ctx->sk, cfg->tap, &l);

	/* Only forwarding ran since preflight's look: a TAP created by someone
	 * else since then makes TUNSETIFF fail (IFF_TUN_EXCL), as below. */
	if (err == 0) {
		err = check_tap_is_ours(cfg, &l);
		if (err)
			return err;
		ctx->tap = l;
		return record(ctx, JREC_DEVICE, cfg->tap, "tap") ? RN_EXIT_FAILURE : 0;
	}
	if (record(ctx, JREC_DEVICE, cfg->tap, "tap"))
		return RN_EXIT_FAILURE;
	/* A new TAP is up (brought up as it is created, in one request) and has no
	 * address: the next steps know without asking. */
	err = ACT(ctx, "tap", tap_create_persistent(ctx->sk, cfg->tap, cfg->queues, &cfg->owner,
						    true, &ctx->tap.ifindex));
	if (!err)
		ctx->tap.flags |= IFF_UP;
	if (err == -EBUSY || err == -EEXIST) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s was created by someone else while we ran", cfg->tap);
		return conflict(msg, "choose another name with --tap");
	}
	if (err && err != FAULT_ERR) {
		log_err("cannot create TAP %s: %s", cfg->tap, strerror(-err));
		log_hint("%s", tap_open_hint(err));
	}
	return err ? RN_EXIT_FAILURE : 0;
}

static int step_macvtap(struct up_ctx *ctx)
{
	const struct netsetup_config *cfg = ctx->cfg;
	struct link_state lower, l;
	int err;

	if (link_query(ctx->sk, cfg->macvtap, &l) == 0)
		return record(ctx, JREC_DEVICE, cfg->macvtap, "macvtap") ? RN_EXIT_FAILURE : 0;
	if (link_query(ctx->sk, cfg->link, &lower)) {
		log_err("--link %s: no such interface", cfg->link);
		log_hint("name the host interface the macvtap should sit on ('ip link' lists them)");
		return RN_EXIT_FAILURE;
	}
	if (record(ctx, JREC_DEVICE, cfg->macvtap, "macvtap"))
		return RN_EXIT_FAILURE;
	err = ACT(ctx, "macvtap", macvtap_create(ctx->sk, cfg->macvtap, lower.ifindex, cfg->mac,
						 cfg->mode));
	if (err && err != FAULT_ERR)
		log_err("cannot create macvtap %s on %s: %s", cfg->macvtap, cfg->link, strerror(-err));
	return err ? RN_EXIT_FAILURE : 0;
}

/*
 * The bridge's own IPv4 settings, on a new bridge and on one an earlier `up`
 * made: they belong to the device and go with it, so no record is needed.
 */
static int bridge_routing(struct up_ctx *ctx, const char *name)
{
	int n = bridge_route_ports(name);

	if (n < 0) {
		log_err("cannot set %s's proxy_arp_pvlan and send_redirects: %s", name, strerror(-n));
		return RN_EXIT_FAILURE;
	}
	if (n > 0)
		ctx->changed = true;
	return 0;
}

static int step_bridge(struct up_ctx *ctx)
{
	const char *name = ctx->cfg->bridge;
	struct link_state l;
	int err;

	/* preflight made sure an existing device of this name is our bridge */
	if (link_query(ctx->sk, name, &l) == 0)
		return record(ctx, JREC_DEVICE, name, "bridge") ? RN_EXIT_FAILURE : bridge_routing(ctx, name);
	if (record(ctx, JREC_DEVICE, name, "bridge"))
		return RN_EXIT_FAILURE;
	err = ACT(ctx, "bridge", bridge_create(ctx->sk, name));
	if (err == -EEXIST) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s was created by someone else while we ran", name);
		return conflict(msg, "choose another name with --bridge");
	}
	if (err && err != FAULT_ERR)
		log_err("cannot create bridge %s: %s", name, strerror(-err));
	return err ? RN_EXIT_FAILURE : bridge_routing(ctx, name);
}

static int step_address(struct up_ctx *ctx)
{
	const struct netsetup_config *cfg = ctx->cfg;
	const char *dev = config_guest_dev(cfg);
	char text[RN_PREFIX_STRLEN];
	struct link_state l = ctx->tap;
	int err = 0;

	prefix_format(&cfg->address, false, text);
	if (!l.ifindex)
		err = link_query(ctx->sk, dev, &l);
	if (err) {
		log_err("cannot find %s: %s", dev, nl_strerror(err));
		return RN_EXIT_FAILURE;
	}
	/* Recorded whether or not the address is there already (a second `up` owns it as
	 * the first did); the kernel's EEXIST then says it was, without a dump of addresses. */
	if (record(ctx, JREC_ADDRESS, dev, text))
		return RN_EXIT_FAILURE;
	err = fault_injected("address", "journaled");
	if (!err)
		err = addr_add(ctx->sk, l.ifindex, &cfg->address);
	if (err == -EEXIST)
		return 0;
	if (!err)
		ctx->changed = true;
	else if (err != FAULT_ERR)
		log_err("cannot add %s to %s: %s", text, dev, nl_strerror(err));
	return err ? RN_EXIT_FAILURE : 0;
}

static int step_link_up(struct up_ctx *ctx)
{
	const char *dev = config_guest_dev(ctx->cfg);
	struct link_state l = ctx->tap;
	int err = l.ifindex ? 0 : link_query(ctx->sk, dev, &l);

	/* Up already, also when step_tap() just created it so.  The fault point
	 * stays, so that the kill tests stop `up` here as at every other step. */
	if (!err && (l.flags & IFF_UP))
		return fault_injected("link-up", "journaled") ? RN_EXIT_FAILURE : 0;
	/* Cloud Hypervisor up to v53 stops the VM on EIO when it first transmits
	 * to a TAP that is down, so the TAP is up before any VM starts. */
	if (!err)
		err = ACT(ctx, "link-up", link_set_group_up(ctx->sk, l.ifindex, RN_IFGROUP, true));
	if (err && err != FAULT_ERR)
		log_err("cannot bring %s up: %s", dev, nl_strerror(err));
	return err ? RN_EXIT_FAILURE : 0;
}

static int step_nft(struct up_ctx *ctx)
{
	struct nft_ruleset rs = { .subnet = ctx->cfg->address };
	const struct journal_record *r;
	char digest[RN_NFT_DIGEST_LEN];
	unsigned int rules;
	int err;

	strcpy(rs.ifname, config_guest_dev(ctx->cfg));
	strcpy(rs.uplink, ctx->cfg->uplink);
	rs.forwards = ctx->cfg->forwards;
	rs.n_forwards = ctx->cfg->n_forwards;
	nft_ruleset_digest(&rs, digest);
	r = journal_find(ctx->j, JREC_NFT_TABLE, RN_NFT_JOURNAL_OBJECT);
	if (r && !strcmp(r->value, digest) && nft_table_rule_count(&rules) == 0 &&
	    rules == nft_ruleset_rule_total(&rs))
		return 0;
	if (record(ctx, JREC_NFT_TABLE, RN_NFT_JOURNAL_OBJECT, digest))
		return RN_EXIT_FAILURE;
	err = ACT(ctx, "nft", nft_ruleset_apply(&rs));
	if (err && err != FAULT_ERR) {
		log_err("cannot install nftables table %s: %s", RN_NFT_JOURNAL_OBJECT, strerror(-err));
		if (err == -EPERM)	/* root with CAP_NET_ADMIN: the table has an owner */
			log_hint("another process owns table %s %s ('flags owner' in 'nft list table %s %s'):"
				 " stop it, then run up again", RN_NFT_FAMILY_NAME, RN_NFT_TABLE,
				 RN_NFT_FAMILY_NAME, RN_NFT_TABLE);
		else if (err == -ENOENT || err == -EOPNOTSUPP)
			log_hint("the kernel needs nf_tables with NAT and masquerade (nft_nat, nft_masq, nft_ct)");
	}
	return err ? RN_EXIT_FAILURE : 0;
}

/*
 * Bridge mode only: the bridge redox_net table says what a VM port may send (its own
 * MAC; with --dhcp, only its leased address).  The helper adds each port's element.
 * Applying it keeps the sets' elements, so it runs whenever the table is not exactly
 * as journaled, including when someone deleted it.
 */
static int step_port_filter(struct up_ctx *ctx)
{
	struct port_filter pf = { .bind_ip = ctx->cfg->dhcp_on,
				  .lease_time = ctx->cfg->dhcp_on ? ctx->dhcp->lease_time : 0 };
	const struct journal_record *r;
	char digest[RN_PF_DIGEST_LEN];
	unsigned int rules;
	int err;

	nft_portfilter_digest(&pf, digest);
	r = journal_find(ctx->j, JREC_NFT_TABLE, RN_PF_JOURNAL_OBJECT);
	if (r && !strcmp(r->value, digest) && nft_portfilter_rule_count(&rules) == 0 &&
	    rules == nft_portfilter_rule_total(&pf))
		return 0;
	if (record(ctx, JREC_NFT_TABLE, RN_PF_JOURNAL_OBJECT, digest))
		return RN_EXIT_FAILURE;
	err = ACT(ctx, "port-filter", nft_portfilter_apply(&pf));
	if (err && err != FAULT_ERR) {
		log_err("cannot install nftables table %s: %s", RN_PF_JOURNAL_OBJECT, strerror(-err));
		log_hint("the kernel needs nf_tables for bridges (nf_tables_bridge) with sets and dynset");
	}
	return err ? RN_EXIT_FAILURE : 0;
}

/* dhcp_running() - Return: true if a responder this journal started still runs */
static bool dhcp_running(const struct journal *j)
{
	struct daemon_id id;

	for (size_t i = 0; i < j->count; i++)
		if (j->recs[i].kind == JREC_DHCP &&
		    !daemon_id_parse(j->recs[i].object, j->recs[i].value, &id) && daemon_running(&id))
			return true;
	return false;
}

/*
 * The responder is forked held back, journaled by pid and start time, and
 * only then let go; `up` returns once it listens, because Redox's client
 * sends a single DISCOVER.  It comes last, so that it serves an address that
 * is already on the TAP.
 */
static int step_dhcp(struct up_ctx *ctx)
{
	struct dhcp_background bg;
	char pid[16], start[24];
	int err;

	if (dhcp_running(ctx->j))
		return 0;
	err = dhcp_background_spawn(ctx->dhcp, ctx->cfg->run_dir, &bg);
	if (err) {
		log_err("cannot start the DHCP responder: %s", strerror(-err));
		return RN_EXIT_FAILURE;
	}
	snprintf(pid, sizeof(pid), "%d", (int)bg.id.pid);
	snprintf(start, sizeof(start), "%llu", bg.id.start);
	if (record(ctx, JREC_DHCP, pid, start)) {
		dhcp_background_close(&bg);
		daemon_stop(&bg.id);
		daemon_pidfile_remove(ctx->cfg->run_dir, &bg.id);
		return RN_EXIT_FAILURE;
	}
	err = ACT(ctx, "dhcp", dhcp_background_release(&bg));
	dhcp_background_close(&bg);
	if (!err)
		log_info("the DHCP responder serves %s (pid %s, log %s/%s)", config_guest_dev(ctx->cfg), pid,
			 ctx->cfg->run_dir, DAEMON_LOGFILE);
	return err ? RN_EXIT_FAILURE : 0;
}

static const struct up_step steps[] = {
	{ "preflight", step_preflight, MODE_ROUTED | MODE_MACVTAP },
	{ "forwarding", step_forwarding, MODE_ROUTED },
	{ "tap", step_tap, MODE_TAP },
	{ "bridge", step_bridge, MODE_BRIDGE },
	{ "macvtap", step_macvtap, MODE_MACVTAP },
	{ "address", step_address, MODE_ROUTED },
	{ "link-up", step_link_up, MODE_ROUTED },
	{ "nft", step_nft, MODE_ROUTED },
	{ "port-filter", step_port_filter, MODE_BRIDGE },
	{ "dhcp", step_dhcp, MODE_DHCP },
};

/* Settle who may open the TAP: exactly one of --owner/--group, else $SUDO_USER. */
static int resolve_owner(struct netsetup_config *cfg)
{
	const char *sudo_user = getenv("SUDO_USER");

	if (cfg->owner_conflict) {
		log_err("--owner and --group both given: set exactly one of them");
		return RN_EXIT_USAGE;
	}
	if (cfg->macvtap[0] && !cfg->link[0]) {
		log_err("--macvtap %s needs --link IFACE, the host interface it sits on", cfg->macvtap);
		return RN_EXIT_USAGE;
	}
	if (cfg->macvtap[0] && cfg->bridge[0]) {
		log_err("--macvtap and --bridge both given: choose one mode");
		return RN_EXIT_USAGE;
	}
	/* A bridge has no owner: the helper gives each VM a TAP of its own. */
	if (cfg->macvtap[0] || cfg->bridge[0] || cfg->owner_set)
		return 0;
	if (sudo_user && *sudo_user) {
		const char *why = config_set(cfg, "owner", sudo_user);

		if (!why)
			return 0;
		log_err("$SUDO_USER: %s", why);
	}
	log_err("%s needs an owner: the user or group allowed to open it", cfg->tap);
	log_hint("pass --owner USER or --group GROUP (under sudo, $SUDO_USER is used)");
	return RN_EXIT_USAGE;
}

/**
 * up_main() - `redox-netsetup up`
 * @argc:	argument count, argv[0] = "up"
 * @argv:	arguments
 *
 * Runs the steps in order.  Each one checks the system first and does nothing
 * if it is already as wanted, so `up` twice is the same as `up` once.  Before
 * a step changes anything it writes its journal record, so if a later step
 * fails, replaying the records this run added undoes exactly what it did.
 *
 * Return: RN_EXIT_* code.
 */
int up_main(int argc, char *argv[])
{
	static const int net_admin[] = { CAP_NET_ADMIN };
	struct netsetup_config cfg;
	struct dhcp_config dhcp;
	struct journal j;
	struct up_ctx ctx = { .cfg = &cfg, .dhcp = &dhcp, .j = &j };
	unsigned int mode;
	size_t start;
	int rc, err;

	rc = config_parse(&cfg, argc, argv, FOR_UP, "Usage: redox-netsetup up [OPTION]...");
	if (rc >= 0)
		return rc;
	/* main() left the responder's capabilities for --dhcp; without it, only CAP_NET_ADMIN stays. */
	if (!cfg.dhcp_on && caps_have_net_admin() && caps_keep_only(net_admin, 1)) {
		log_err("cannot drop capabilities other than CAP_NET_ADMIN");
		return RN_EXIT_FAILURE;
	}
	if (cfg.dhcp_on && cfg.macvtap[0]) {
		log_err("--dhcp serves a TAP: the host cannot reach a macvtap guest");
		log_hint("use the DHCP server of the network --link %s is on", cfg.link);
		return RN_EXIT_USAGE;
	}
	if (cfg.dhcp_on && (rc = config_dhcp(&cfg, &dhcp)))
		return rc;
	mode = cfg.macvtap[0] ? MODE_MACVTAP :
	       (cfg.bridge[0] ? MODE_BRIDGE : MODE_TAP) | (cfg.dhcp_on ? MODE_DHCP : 0);
	if (cfg.list_steps) {
		for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
			if (steps[i].modes & mode)
				printf("%s\n", steps[i].name);
		return RN_EXIT_OK;
	}
	rc = resolve_owner(&cfg);
	if (rc || cfg.check)
		return rc;
	err = netns_run_dir(cfg.run_dir, sizeof(cfg.run_dir), RN_DEFAULT_RUN_DIR, true);
	if (!err)
		err = journal_open(&j, cfg.run_dir, true);
	if (err == -EXDEV)	/* another namespace's journal; journal_open() said which */
		return RN_EXIT_CONFLICT;
	if (err) {
		log_err("cannot open the journal in %s: %s", cfg.run_dir, strerror(-err));
		return RN_EXIT_FAILURE;
	}
	ctx.sk = nl_route_open();
	if (!ctx.sk) {
		log_err("cannot open a netlink socket: %s", strerror(errno));
		journal_close(&j);
		return RN_EXIT_FAILURE;
	}
	if (j.bad_lines)
		log_warn("the journal in %s has %u damaged lines; they are ignored", cfg.run_dir,
			 j.bad_lines);
	start = j.count;
	for (size_t i = 0; i < ARRAY_SIZE(steps) && !rc; i++) {
		if (!(steps[i].modes & mode))
			continue;
		rc = fault_injected(steps[i].name, "before") ? RN_EXIT_FAILURE : steps[i].run(&ctx);
		if (!rc && fault_injected(steps[i].name, "after"))
			rc = RN_EXIT_FAILURE;
	}
	if (rc) {
		struct teardown_opts undo = { .keep_forwarding = false };

		if (j.count > start)
			log_info("undoing what this run did");
		if (teardown_replay(ctx.sk, &j, start, &undo))
			log_hint("some changes could not be undone: run 'redox-netsetup down --all'");
	} else if (mode == MODE_MACVTAP) {
		log_info("%s is up on %s (no host address or NAT: the host cannot reach a macvtap guest)",
			 cfg.macvtap, cfg.link);
	} else {
		char addr[RN_PREFIX_STRLEN];

		prefix_format(&cfg.address, false, addr);
		log_info(ctx.changed ? "%s is up with %s, forwarding on, NAT in table ip %s" :
			 "%s is already up with %s, forwarding on, NAT in table ip %s; nothing changed",
			 config_guest_dev(&cfg), addr, RN_NFT_TABLE);
		firewall_warn(config_guest_dev(&cfg), 0);
	}
	nl_route_close(ctx.sk);
	journal_close(&j);
	nft_close();
	return rc;
}
