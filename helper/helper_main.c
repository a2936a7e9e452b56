// SPDX-License-Identifier: MIT
/*
 * helper_main.c - redox-net-helper: setuid root; checks the policy, opens TAP or
 * macvtap queues, or creates a TAP on a bridge, for the caller and hands the fds
 * back over a UNIX socket
 *
 * Order of events (docs/security.md): privs_* make the process the helper's
 * own and drop to the caller with CAP_NET_ADMIN alone; only then are the
 * policy, the request and the kernel's view of the device looked at.  The
 * steps are named in helper/helper_steps.h, where the test build can be told
 * to die by SIGKILL, as a helper its caller kills would.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "helper/audit.h"
#include "helper/bridge_tap.h"
#include "helper/helper_steps.h"
#include "helper/macvtap_open.h"
#include "helper/privs.h"
#include "helper/proto.h"
#include "helper/quota.h"
#include "helper/tap_claim.h"
#include "helper/tap_queues.h"
#include "lib/exitcodes.h"
#include "lib/netlink.h"
#include "policy/policy.h"

#ifndef REDOX_NET_HELPER_LOCK
#define REDOX_NET_HELPER_LOCK "/run/redox-net/helper.lock"
#endif
/* Longest wait on one holder of the quota lock, and on the lock in all; see quota_lock(). */
#define HELPER_LOCK_IDLE_MS	5000
#define HELPER_LOCK_MAX_MS	60000
/* Longest wait for a peer that does not read its reply (SECURITY.md attack 14). */
#define HELPER_SEND_TIMEOUT_S	2

#ifdef RN_TEST_HOOKS
/*
 * The test build alone (Makefile: helper_build ... -DRN_TEST_HOOKS) can die
 * at a named step, as a helper its caller kills would; the installed helper
 * has neither this variable nor --list-steps compiled in.
 */
#define STEP_KILL_ENV	"REDOX_NET_TEST_KILL_AT"
#define HELPER_STEP_NAME(id, name, paths) [id] = name,
#define HELPER_STEP_PATHS(id, name, paths) [id] = paths,
static const char *const step_names[] = { HELPER_STEPS(HELPER_STEP_NAME) };
static const char *const step_paths[] = { HELPER_STEPS(HELPER_STEP_PATHS) };
/* Copied before privs_sanitize_process() wipes the environment. */
static char step_kill_at[32];

/* step() - SIGKILL ourselves right after @s if the test asked for it */
static void step(enum helper_step s)
{
	if (!strcmp(step_kill_at, step_names[s]))
		raise(SIGKILL);
}

/* step_hook_init() - read the test's wish; --list-steps prints the table and exits */
static void step_hook_init(int argc, char *argv[])
{
	const char *at = getenv(STEP_KILL_ENV);

	if (argc == 2 && !strcmp(argv[1], "--list-steps")) {
		for (size_t i = 0; i < sizeof(step_names) / sizeof(step_names[0]); i++)
			printf("%s %s\n", step_names[i], step_paths[i]);
		exit(fflush(stdout) ? RN_EXIT_FAILURE : RN_EXIT_OK);
	}
	snprintf(step_kill_at, sizeof(step_kill_at), "%s", at ? at : "");
}
#else
static inline void step(enum helper_step s)
{
	(void)s;
}

static inline void step_hook_init(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
}
#endif

/**
 * struct helper - one request from start to reply
 * @caller:	real ids, read before the drop
 * @req:	the parsed request
 * @request:	the request as text for the audit line
 * @sock:	the reply socket
 * @lock:	quota lock file
 * @sk:		route socket
 * @link:	the device, as the kernel describes it (for a bridge request, the new TAP)
 * @tap:	bridge request: the TAP created for the caller, "" until then
 * @guest_mac:	bridge request: the guest MAC that goes with @tap
 * @d:		the policy decision
 * @fds:	the opened queues
 * @claim:	a TAP claim in flight, recorded in the lock file (tap_claim.c)
 * @claim_pending: @claim was recorded and is not settled yet
 */
struct helper {
	struct caller caller;
	struct proto_request req;
	char request[64];
	int sock, lock;
	struct nl_sock *sk;
	struct link_state link;
	char tap[IFNAMSIZ];
	uint8_t guest_mac[6];
	struct policy_decision d;
	int fds[PROTO_MAX_QUEUES];
	struct tap_claim claim;
	bool claim_pending;
};

/**
 * settle_claim() - once the reply is out: a granted claim stands, a refused one is undone
 * @h:		request state
 * @granted:	the fds went to the caller
 *
 * The queues are still ours here, so a claim the caller never got goes back
 * through them at once.  If that fails, the record stays for the next helper.
 */
static void settle_claim(struct helper *h, bool granted)
{
	if (!h->claim_pending || (!granted && tap_claim_undo(h->fds[0])) || tap_claim_settle(h->lock))
		return;
	h->claim_pending = false;
	step(STEP_CLAIM_SETTLED);
}

/**
 * finish() - audit, reply, settle a claim and return the exit code; every outcome goes through here
 * @h:		request state
 * @status:	RN_EXIT_OK or the failure's exit code
 * @reason:	for a failure, what went wrong (for the caller and the log)
 *
 * Return: @status, or RN_EXIT_FAILURE if a success could not be delivered.
 */
static int finish(struct helper *h, int status, const char *reason)
{
	/* A bridge request is answered with the TAP made for it, once there is one. */
	const char *device = h->tap[0] ? h->tap : h->req.ifname;
	struct proto_reply r = { .status = (uint16_t)status, .kind = (uint8_t)h->req.kind,
				 .ifindex = (uint32_t)h->link.ifindex, .mtu = h->link.mtu };
	struct audit_event e = {
		.caller = &h->caller, .request = h->request, .queues = h->req.queues,
		.policy_file = h->d.file, .policy_line = h->d.line, .device = device,
		.ifindex = h->link.ifindex, .allowed = status == RN_EXIT_OK, .reason = reason,
	};
	int err;

	memcpy(r.ifname, device, sizeof(r.ifname));
	memcpy(r.mac, h->tap[0] ? h->guest_mac : h->link.mac, sizeof(r.mac));
	if (status == RN_EXIT_OK)
		r.queues = h->req.queues;
	else
		snprintf(r.error, sizeof(r.error), "%s", reason);
	/*
	 * Audited before the fds leave: the caller can kill his helper the
	 * moment he has them, and a grant must never go unlogged.
	 */
	audit_log(&e);
	step(STEP_AUDITED);
	err = proto_send_reply(h->sock, &r, h->fds);
	if (err && status == RN_EXIT_OK) {
		/* The fds never left: a second line says the grant came to nothing. */
		e.allowed = 0;
		e.reason = "the caller did not take the reply";
		status = RN_EXIT_FAILURE;
		audit_log(&e);
	}
	step(STEP_REPLY_SENT);
	settle_claim(h, status == RN_EXIT_OK);
	if (status != RN_EXIT_OK)
		fprintf(stderr, "redox-net-helper: %s: %s\n", h->req.ifname, e.reason);
	fds_close(h->fds, PROTO_MAX_QUEUES);
	return status;
}

/**
 * decide() - load the policy and ask it about this caller and this device kind
 * @h:		request state, with @h->link filled
 * @kind:	the kind the kernel reports
 *
 * Return: NULL if allowed, otherwise the reason (static or in @h->d).
 */
static const char *decide(struct helper *h, enum policy_kind kind)
{
	static char msg[POLICY_MSG_MAX + POLICY_PATH_MAX + 32];
	struct policy_load_opts opts = { .trusted_uid = 0 };
	struct policy_error err;
	struct policy *p;

	if (policy_load(REDOX_NET_POLICY_FILE, &opts, &p, &err)) {
		policy_error_format(&err, msg, sizeof(msg));
		return msg;
	}
	policy_check(p, h->caller.uid, h->caller.gids, h->caller.ngids, kind,
		     h->req.ifname, h->req.queues, &h->d);
	/* The decision's strings point into the policy: copy before freeing it. */
	snprintf(msg, sizeof(msg), "%s", h->d.reason);
	if (h->d.file) {
		static char file[POLICY_PATH_MAX];

		snprintf(file, sizeof(file), "%s", h->d.file);
		h->d.file = file;
	}
	policy_free(p);
	return h->d.verdict == POLICY_ALLOW ? NULL : msg;
}

/**
 * lock_quota() - take the quota lock, then undo a claim that a killed helper left
 * @h:		request state, policy already allowed
 *
 * The lock stays held until the reply is out, so the count, the claim that
 * follows and its settling are one step for all helpers at once.  A claim
 * that cannot be undone now stays counted against the uid whose helper died,
 * which is the safe side, and the next helper tries again.
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *lock_quota(struct helper *h)
{
	int err = quota_lock(h->lock, HELPER_LOCK_IDLE_MS, HELPER_LOCK_MAX_MS);

	if (err)
		return err == -ETIMEDOUT ? "another request holds the quota lock; try again" :
					   "cannot take the quota lock";
	step(STEP_LOCKED);
	(void)tap_claim_reconcile(h->lock, h->sk);
	step(STEP_RECONCILED);
	return NULL;
}

/**
 * count_quota() - under the quota lock: may the caller have one device more?
 * @h:		request state, policy already allowed
 * @exclude:	ifindex of a device the caller counts itself, 0 for none
 * @status:	exit code for a refusal
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *count_quota(struct helper *h, int exclude, int *status)
{
	unsigned int owned;

	*status = RN_EXIT_FAILURE;
	if (quota_count_owned(h->sk, h->caller.uid, exclude, &owned))
		return "cannot list devices to count the quota";
	if (owned + 1 > h->d.max_devices) {
		*status = RN_EXIT_PRIVILEGE;
		return "device quota reached (redox-netsetup down frees devices)";
	}
	step(STEP_COUNTED);
	return NULL;
}

/**
 * record_claim() - write down the claim about to be made, before TUNSETOWNER
 * @h:		request state, the TAP's queues open
 *
 * Return: 0 or a negative errno.
 */
static int record_claim(struct helper *h)
{
	int err;

	memset(&h->claim, 0, sizeof(h->claim));
	h->claim.magic = TAP_CLAIM_MAGIC;
	h->claim.ifindex = h->link.ifindex;
	h->claim.uid = h->caller.uid;
	h->claim.multi_queue = h->link.tun.multi_queue;
	memcpy(h->claim.ifname, h->req.ifname, sizeof(h->claim.ifname));
	err = tap_claim_record(h->lock, &h->claim);
	h->claim_pending = !err;
	return err;
}

/**
 * claim_tap() - under the quota lock: count, attach, and make the device the caller's
 * @h:		request state, policy already allowed
 * @status:	exit code for the outcome
 *
 * A TAP is free when it has no owner or root's; one owned by the caller is
 * his already and does not count twice; one owned by anybody else is theirs.
 * Its owner is read again once the lock is held: another helper may have
 * claimed it, or given back a claim a killed helper left, in the meantime.
 * After attaching, TUNSETOWNER records the claim in the kernel, where the
 * next count sees it, and in the lock file until the reply is out
 * (tap_claim.c); the device is looked up again to be sure the fds belong to
 * the very device that was checked (same ifindex, still in our group).
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *claim_tap(struct helper *h, int *status)
{
	struct link_state now, after;
	const char *why;
	bool mine;
	int err;

	*status = RN_EXIT_FAILURE;
	why = lock_quota(h);
	if (why)
		return why;
	if (link_query(h->sk, h->req.ifname, &now) || now.ifindex != h->link.ifindex)
		return "the TAP changed while waiting for the quota lock";
	h->link = now;
	mine = h->link.tun.has_owner && h->link.tun.owner == h->caller.uid;
	*status = RN_EXIT_PRIVILEGE;
	if (h->link.tun.has_owner && h->link.tun.owner != 0 && !mine)
		return "the TAP belongs to another user";
	why = count_quota(h, h->link.ifindex, status);
	if (why)
		return why;
	*status = RN_EXIT_FAILURE;
	if (privs_dac(true))
		return "cannot raise CAP_DAC_OVERRIDE to open /dev/net/tun";
	err = tap_queues_attach(h->req.ifname, h->req.queues, h->req.queues > 1, h->fds);
	/* Raised for the opens alone: /dev/net/tun may be root's 0600. */
	if (privs_drop_cap(CAP_DAC_OVERRIDE) && !err)
		return "cannot drop CAP_DAC_OVERRIDE";
	if (err) {
		static char msg[96];

		snprintf(msg, sizeof(msg), "cannot attach to the TAP: %s%s", strerror(-err),
			 err == -EBUSY ? " (another process holds its queue)" : "");
		return msg;
	}
	step(STEP_QUEUES_OPEN);
	if (!mine) {
		if (record_claim(h))
			return "cannot record the claim in the quota lock file";
		step(STEP_CLAIM_RECORDED);
		if (ioctl(h->fds[0], TUNSETOWNER, (unsigned long)h->caller.uid) < 0)
			return "cannot record the caller as the TAP's owner";
		step(STEP_CLAIMED);
	}
	if (link_query(h->sk, h->req.ifname, &after) || after.ifindex != h->link.ifindex ||
	    after.group != RN_IFGROUP || !after.tun.has_owner || after.tun.owner != h->caller.uid)
		return "the TAP changed while it was being opened";
	step(STEP_CLAIM_VERIFIED);
	*status = RN_EXIT_OK;
	return NULL;
}

/**
 * pick_slot() - the requested slot if its name is free, or the lowest free one
 * @h:		request state
 * @slots:	the caller's names that exist
 * @slot:	result
 *
 * Return: NULL, or the reason there is none.
 */
static const char *pick_slot(const struct helper *h, const struct bridge_slots *slots,
			     unsigned int *slot)
{
	static char msg[64];

	if (h->req.slot != PROTO_SLOT_ANY) {
		*slot = (unsigned int)h->req.slot;
		if (!slots->used[*slot])
			return NULL;
		snprintf(msg, sizeof(msg), "slot %u is in use", *slot);
		return msg;
	}
	for (*slot = 0; *slot < BRIDGE_TAP_SLOTS; (*slot)++)
		if (!slots->used[*slot])
			return NULL;
	return "every slot's TAP name is in use";
}

/**
 * count_slots() - under the quota lock: may the caller have one VM more, and in which slot?
 * @h:		request state, policy already allowed
 * @slot:	the slot for the new TAP
 * @status:	exit code for a refusal
 *
 * What counts against the quota is what the kernel shows: the devices that
 * carry the caller's slot names (bridge_tap_slots() says why names, not
 * owners).  The new TAP has its name before the lock is released, and
 * vanishes with its fds, so a helper killed at any point leaves nothing the
 * next count gets wrong.
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *count_slots(struct helper *h, unsigned int *slot, int *status)
{
	struct bridge_slots slots;
	const char *why;
	int err;

	*status = RN_EXIT_FAILURE;
	if (privs_net_admin(false))
		return "cannot lower CAP_NET_ADMIN";
	err = bridge_tap_slots(h->caller.uid, &slots);
	if (privs_net_admin(true))
		return "cannot raise CAP_NET_ADMIN again";
	if (err)
		return "cannot look up the caller's TAP names to count the quota";
	*status = RN_EXIT_PRIVILEGE;
	if (slots.count + 1 > h->d.max_devices)
		return "VM quota reached (stop a VM, or 'redox-netsetup down --all' frees leftovers)";
	step(STEP_COUNTED);
	*status = RN_EXIT_CONFLICT;
	why = pick_slot(h, &slots, slot);
	if (!why)
		step(STEP_SLOT);
	return why;
}

/**
 * claim_bridge_tap() - under the quota lock: create the caller's TAP on the bridge
 * @h:		request state, policy already allowed, @h->link the bridge
 * @status:	exit code for the outcome
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *claim_bridge_tap(struct helper *h, int *status)
{
	static char msg[96];
	int bridge = h->link.ifindex, err;
	unsigned int slot;
	const char *why;

	*status = RN_EXIT_FAILURE;
	why = lock_quota(h);
	if (!why)
		why = count_slots(h, &slot, status);
	if (why)
		return why;
	*status = RN_EXIT_FAILURE;
	if (bridge_tap_name(h->caller.uid, slot, h->tap))
		return "no valid TAP name for this uid and slot";
	if (privs_dac(true))
		return "cannot raise CAP_DAC_OVERRIDE to open /dev/net/tun";
	err = bridge_tap_open(h->tap, h->caller.uid, h->req.queues, h->fds);
	/* Raised for the opens alone: /dev/net/tun may be root's 0600. */
	if (privs_drop_cap(CAP_DAC_OVERRIDE) && !err)
		return "cannot drop CAP_DAC_OVERRIDE";
	if (err == -EBUSY) {
		*status = RN_EXIT_CONFLICT;
		snprintf(msg, sizeof(msg), "slot %u is in use: %s exists", slot, h->tap);
		return msg;
	}
	if (err) {
		snprintf(msg, sizeof(msg), "cannot create the TAP: %s", strerror(-err));
		return msg;
	}
	step(STEP_TAP_CREATED);
	/* On failure the fds close in finish(), and the TAP goes with them. */
	if (bridge_tap_no_ipv6(h->tap))
		return "cannot turn IPv6 off on the new TAP";
	if (bridge_tap_attach(h->sk, h->tap, bridge, &h->link))
		return "cannot attach the new TAP to the bridge";
	step(STEP_ON_BRIDGE);
	bridge_tap_mac(h->caller.uid, slot, h->guest_mac);
	*status = RN_EXIT_OK;
	return NULL;
}

/**
 * open_device() - check the device's kind with the kernel, decide, and open its queues
 * @h:		request state
 * @status:	exit code for the outcome
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *open_device(struct helper *h, int *status)
{
	bool tap = h->req.kind == PROTO_KIND_TAP, bridge = h->req.kind == PROTO_KIND_BRIDGE;
	const char *why;
	int err;

	*status = RN_EXIT_FAILURE;
	h->sk = nl_route_open();
	if (!h->sk)
		return "cannot open a netlink socket";
	if (link_query(h->sk, h->req.ifname, &h->link)) {
		memset(&h->link, 0, sizeof(h->link));
		return bridge ? "no such bridge (create it with 'sudo redox-netsetup up --bridge NAME')" :
		       "no such device (create it with 'sudo redox-netsetup up')";
	}
	step(STEP_FOUND);
	/* Authorise by the kind the kernel reports, never by the name alone. */
	*status = RN_EXIT_PRIVILEGE;
	why = tap ? tap_link_problem(&h->link, h->req.queues) :
	      bridge ? bridge_link_problem(&h->link) : macvtap_link_problem(&h->link);
	if (why)
		return why;
	step(STEP_CHECKED);
	why = decide(h, tap ? POLICY_KIND_TAP : bridge ? POLICY_KIND_BRIDGE : POLICY_KIND_MACVTAP);
	if (why)
		return why;
	step(STEP_ALLOWED);
	if (tap)
		return claim_tap(h, status);
	if (bridge)
		return claim_bridge_tap(h, status);
	/* The kernel has no owner for a macvtap to count: the policy alone decides. */
	*status = RN_EXIT_FAILURE;
	if (privs_dac(true))
		return "cannot raise CAP_DAC_OVERRIDE to open /dev/tapN";
	err = macvtap_open_queues(&h->link, h->req.queues, h->fds);
	/* Raised for this open alone: /dev/tapN is root's, mode 0600. */
	if (privs_drop_cap(CAP_DAC_OVERRIDE) && !err)
		return "cannot drop CAP_DAC_OVERRIDE";
	if (err)
		return "cannot open the macvtap's /dev/tap node";
	step(STEP_MACVTAP_OPEN);
	*status = RN_EXIT_OK;
	return NULL;
}

/* Exit before any reply socket is trusted: stderr and the audit log only. */
static int refuse_early(struct helper *h, int status, const char *reason)
{
	struct audit_event e = { .caller = NULL, .request = h->request, .queues = h->req.queues,
				 .device = h->req.ifname, .reason = reason };

	close_range(3, ~0u, 0);
	audit_log(&e);
	fprintf(stderr, "redox-net-helper: %s\n", reason);
	return status;
}

/* The request words, joined with spaces, for the audit line (escaped there). */
static void request_text(char *out, size_t size, int argc, char *argv[])
{
	size_t o = 0;

	out[0] = '\0';
	for (int i = 1; i < argc && o + 1 < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s", i > 1 ? "," : "", argv[i]);
}

int main(int argc, char *argv[])
{
	static struct helper h = { .sock = -1, .lock = -1 };
	struct timeval send_timeout = { .tv_sec = HELPER_SEND_TIMEOUT_S };
	char why_buf[PROTO_ERROR_MAX];
	const char *why;
	int status;

	for (unsigned int i = 0; i < PROTO_MAX_QUEUES; i++)
		h.fds[i] = -1;
	step_hook_init(argc, argv);
	step(STEP_STARTED);
	if (privs_sanitize_process(argc, &why))
		return argc < 1 ? RN_EXIT_USAGE : refuse_early(&h, RN_EXIT_PRIVILEGE, why);
	step(STEP_SANITIZED);
	request_text(h.request, sizeof(h.request), argc, argv);
	if (proto_parse_request(argc, argv, &h.req, why_buf, sizeof(why_buf))) {
		h.req.ifname[0] = '\0';
		return refuse_early(&h, RN_EXIT_USAGE, why_buf);
	}
	step(STEP_PARSED);
	if (privs_check_socket(h.req.fd, &why))
		return refuse_early(&h, RN_EXIT_USAGE, why);
	h.sock = h.req.fd;
	step(STEP_SOCKET);
	if (privs_close_other_fds(h.sock) || privs_read_caller(&h.caller))
		return refuse_early(&h, RN_EXIT_FAILURE, "cannot close inherited fds or read the caller's ids");
	step(STEP_FDS_CLOSED);
	h.lock = privs_open_lock(REDOX_NET_HELPER_LOCK, &why);
	if (h.lock < 0)
		return finish(&h, RN_EXIT_FAILURE, why);
	step(STEP_LOCK_OPENED);
	if (privs_drop_to_caller(&h.caller, &why))
		return finish(&h, RN_EXIT_FAILURE, why);
	if (setsockopt(h.sock, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout)))
		return finish(&h, RN_EXIT_FAILURE, "cannot set a send timeout on the reply socket");
	step(STEP_DROPPED);

	why = open_device(&h, &status);
	/* Every queue is open (or none is): nothing after this needs a capability. */
	if (privs_drop_all() && !why) {
		why = "cannot drop the last capabilities";
		status = RN_EXIT_FAILURE;
	}
	step(STEP_CAPS_DROPPED);
	nl_route_close(h.sk);
	status = finish(&h, status, why ? why : "allowed");
	/* Held through the reply, so a claim is settled before another helper looks at it. */
	close(h.lock);
	step(STEP_LOCK_CLOSED);
	return status;
}
