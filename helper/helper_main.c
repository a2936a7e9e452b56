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
#include "lib/proto.h"
#include "helper/pool_claim.h"
#include "helper/port_filter.h"
#include "helper/quota.h"
#include "lib/tap_queues.h"
#include "lib/exitcodes.h"
#include "lib/rtlink.h"
#include "policy/policy.h"

#ifndef REDOX_NET_HELPER_LOCK
#define REDOX_NET_HELPER_LOCK "/run/redox-net/helper.lock"
#endif
/* Longest wait on one holder of the caller's own quota lock, and on it in all; see quota_lock(). */
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
 * @lock:	lock file (quota.c)
 * @rt:		route socket
 * @link:	the device, as the kernel describes it (for a bridge request, the new TAP)
 * @tap:	bridge request: the TAP created for the caller, "" until then
 * @guest_mac:	bridge request: the guest MAC that goes with @tap
 * @d:		the policy decision
 * @fds:	the opened queues
 */
struct helper {
	struct caller caller;
	struct proto_request req;
	char request[64];
	int sock, lock;
	struct rtlink *rt;
	struct link_state link;
	char tap[IFNAMSIZ];
	uint8_t guest_mac[6];
	struct policy_decision d;
	int fds[PROTO_MAX_QUEUES];
};

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
 * lock_quota() - take the caller's own quota lock
 * @h:		request state, policy already allowed
 *
 * Held while his devices are counted and one more is made, and released
 * before the reply (unlock()), so only his own requests ever wait on it.
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *lock_quota(struct helper *h)
{
	int err = quota_lock(h->lock, h->caller.uid, HELPER_LOCK_IDLE_MS, HELPER_LOCK_MAX_MS);

	if (err)
		return err == -ETIMEDOUT ? "another request of yours holds your quota lock; try again" :
					   "cannot take the quota lock";
	step(STEP_LOCKED);
	return NULL;
}

/* unlock() - before the reply: release every lock, so nobody waits on a silent caller */
static const char *unlock(struct helper *h)
{
	if (quota_unlock(h->lock))
		return "cannot release the quota lock";
	step(STEP_UNLOCKED);
	return NULL;
}

/**
 * count_quota() - under the quota lock: may the caller have one pool TAP more?
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
	if (pool_claim_count(h->rt, h->caller.uid, exclude, &owned))
		return "cannot list devices to count the quota";
	if (owned + 1 > h->d.max_devices) {
		*status = RN_EXIT_PRIVILEGE;
		return "device quota reached (redox-netsetup down frees devices)";
	}
	step(STEP_COUNTED);
	return NULL;
}

/**
 * pool_refusal() - the words and exit code for a pool TAP the caller cannot have
 * @v:		pool_claim_verdict()
 * @status:	set to the exit code
 *
 * Return: NULL for POOL_FREE and POOL_MINE, otherwise the reason.
 */
static const char *pool_refusal(enum pool_verdict v, int *status)
{
	switch (v) {
	case POOL_THEIRS:
		*status = RN_EXIT_PRIVILEGE;
		return "the TAP belongs to another user";
	case POOL_IN_USE:
		*status = RN_EXIT_CONFLICT;
		return "the TAP is in use: a process holds one of its queues";
	default:
		return NULL;
	}
}

/**
 * attach_queues() - open the requested queues of the pool TAP, as root may
 * @h:		request state
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *attach_queues(struct helper *h)
{
	static char msg[96];
	int err;

	if (privs_dac(true))
		return "cannot raise CAP_DAC_OVERRIDE to open /dev/net/tun";
	err = tap_queues_attach(h->req.ifname, h->req.queues, h->req.queues > 1, h->fds);
	/* Raised for the opens alone: /dev/net/tun may be root's 0600. */
	if (privs_drop_cap(CAP_DAC_OVERRIDE) && !err)
		return "cannot drop CAP_DAC_OVERRIDE";
	if (err) {
		snprintf(msg, sizeof(msg), "cannot attach to the TAP: %s%s", strerror(-err),
			 err == -EBUSY ? " (another process holds its queue)" : "");
		return msg;
	}
	step(STEP_QUEUES_OPEN);
	return NULL;
}

/**
 * take_tap() - record the grant, make the caller the kernel owner, and check the queues are ours alone
 * @h:		request state, under both locks, the queues attached
 *
 * If a step after the record fails, the TAP is given back its previous
 * record and owner through one of our queues, so that a refused request
 * charges nobody with a TAP that someone else may now hold.  A helper killed
 * in between leaves the grant standing, counted against its own caller.
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *take_tap(struct helper *h)
{
	const struct link_state before = h->link;
	struct link_state after;
	const char *why = NULL;
	uint32_t recorded;
	bool record = !link_alias_owner(&before, &recorded) || recorded != h->caller.uid;

	if (record) {
		if (pool_claim_record(h->rt, before.ifindex, h->caller.uid))
			return "cannot record the claim on the TAP";
		step(STEP_CLAIM_RECORDED);
	}
	/* Also for his own TAP, which he may have given to someone else since. */
	if (ioctl(h->fds[0], TUNSETOWNER, (unsigned long)h->caller.uid) < 0) {
		why = "cannot record the caller as the TAP's owner";
	} else {
		step(STEP_CLAIMED);
		if (rtlink_get(h->rt, h->req.ifname, &after) ||
		    !pool_claim_holds(&after, before.ifindex, h->caller.uid, h->req.queues))
			why = "the TAP changed while it was being opened (another process attached to it)";
	}
	if (!why) {
		step(STEP_CLAIM_VERIFIED);
		return NULL;
	}
	/* The kernel cannot clear an owner; root's means the same: nobody's. */
	(void)ioctl(h->fds[0], TUNSETOWNER, before.tun.has_owner ? (unsigned long)before.tun.owner : 0UL);
	if (record)
		(void)rtlink_set_alias(h->rt, before.ifindex, before.alias);
	return why;
}

/**
 * claim_tap() - count, attach, and make the pool TAP the caller's, under his and its locks
 * @h:		request state, policy already allowed
 * @status:	exit code for the outcome
 *
 * The verdict is taken once before any lock, so that nobody can hold the
 * claim lock of a TAP that is someone else's or in use, and again once both
 * locks are held: another request may have claimed it in the meantime.  The
 * grant is recorded (pool_claim.c) before the kernel owner is set, and the
 * device is looked up once more to be sure the fds are the only queues of
 * the very device that was checked.
 *
 * Return: NULL, or the reason for refusing.
 */
static const char *claim_tap(struct helper *h, int *status)
{
	struct link_state now;
	const char *why;
	int err;

	*status = RN_EXIT_FAILURE;
	if ((why = pool_refusal(pool_claim_verdict(&h->link, h->caller.uid), status)))
		return why;
	if ((why = lock_quota(h)))
		return why;
	err = quota_lock_device(h->lock, h->link.ifindex);
	if (err) {
		*status = err == -EBUSY ? RN_EXIT_CONFLICT : RN_EXIT_FAILURE;
		return err == -EBUSY ? "another request is claiming this TAP right now; try again" :
				       "cannot take the TAP's claim lock";
	}
	step(STEP_DEVICE_LOCKED);
	if (rtlink_get(h->rt, h->req.ifname, &now) || now.ifindex != h->link.ifindex)
		return "the TAP changed while waiting for the quota lock";
	h->link = now;
	if ((why = pool_refusal(pool_claim_verdict(&h->link, h->caller.uid), status)))
		return why;
	if ((why = count_quota(h, h->link.ifindex, status)))
		return why;
	*status = RN_EXIT_FAILURE;
	if ((why = attach_queues(h)))
		return why;
	if ((why = take_tap(h)))
		return why;
	if ((why = unlock(h)))
		return why;
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
 * owners).  The new TAP has its name before the caller's lock is released,
 * and vanishes with its fds, so a helper killed at any point leaves nothing
 * the next count gets wrong.
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
 * claim_bridge_tap() - under the caller's quota lock: create his TAP on the bridge
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
	bridge_tap_mac(h->caller.uid, slot, h->guest_mac);
	/* Before the port goes up: a guest's one DISCOVER must pass the filter. */
	err = port_filter_bind(h->tap, h->guest_mac);
	if (err == -ENOENT)
		return "the bridge has no port filter (made by an older redox-net): run 'sudo redox-netsetup up --bridge NAME' again";
	if (err)
		return "cannot add the VM's MAC to the bridge's port filter";
	step(STEP_FILTER_BOUND);
	if (bridge_tap_attach(h->rt, h->tap, bridge, h->guest_mac, &h->link))
		return "cannot attach the new TAP to the bridge";
	step(STEP_ON_BRIDGE);
	if ((why = unlock(h)))
		return why;
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
	h->rt = rtlink_open();
	if (!h->rt)
		return "cannot open a netlink socket";
	if (rtlink_get(h->rt, h->req.ifname, &h->link)) {
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
	rtlink_close(h.rt);
	/* Granted or refused, no lock is held while the reply waits on the caller. */
	close(h.lock);
	step(STEP_LOCK_CLOSED);
	return finish(&h, status, why ? why : "allowed");
}
