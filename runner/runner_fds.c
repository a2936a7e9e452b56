// SPDX-License-Identifier: MIT
/* runner_fds.c - get TAP or macvtap queue fds for the runner: straight from the kernel, or from the helper */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/runner_fds.h"
#include "lib/tap_queues.h"
#include "lib/log.h"
#include "lib/exitcodes.h"
#include "lib/rtlink.h"

/**
 * may_attach_directly() - may this process attach to the TAP itself, without the helper?
 * @l:		the TAP
 *
 * Only while nobody holds any of its queues, attached or detached: the kernel
 * cannot say whose a queue is, and its owner is whatever the last holder of
 * a queue fd made it (TUNSETOWNER needs no capability).  A user who kept his
 * queues and handed the TAP to us would otherwise share our guest's traffic.
 * Then, as the kernel decides (tun_not_capable()): we are its owner or in
 * its group.
 *
 * Return: true if we may.
 */
static bool may_attach_directly(const struct link_state *l)
{
	gid_t groups[NGROUPS_MAX];
	int n;

	if (l->tun.queues + l->tun.disabled_queues > 0)
		return false;
	if (l->tun.has_owner && l->tun.owner == geteuid())
		return true;
	if (!l->tun.has_group)
		return false;
	if (l->tun.group == getegid())
		return true;
	n = getgroups(NGROUPS_MAX, groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == l->tun.group)
			return true;
	return false;
}

/**
 * only_queues() - after attaching: are ours the TAP's only queues?
 * @rt:		route socket
 * @l:		the TAP as it was checked
 * @queues:	how many we attached
 *
 * Return: 0, or -EBUSY if the device changed or somebody else holds a queue.
 */
static int only_queues(struct rtlink *rt, const struct link_state *l, unsigned int queues)
{
	struct link_state now;

	if (rtlink_get(rt, l->name, &now) || now.ifindex != l->ifindex ||
	    now.tun.queues != queues || now.tun.disabled_queues)
		return -EBUSY;
	return 0;
}

/* Run the helper on one end of a socketpair and read its one reply.
 * Return: 0, RN_EXIT_PRIVILEGE when its policy refused, or -1. */
static int ask_helper(const char *path, const struct proto_request *req, int *fds,
		      struct proto_reply *r)
{
	struct proto_request child_req = *req;
	char bufs[3][32], *const envp[] = { NULL };
	const char *argv[PROTO_ARGV_MAX], *why;
	int sv[2], status, err;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* The helper closes foreign fds itself; we pass it nothing but its socket at 3. */
		if (dup2(sv[1], 3) < 0 || close_range(4, ~0u, 0) < 0)
			_exit(127);
		child_req.fd = 3;
		proto_request_argv(&child_req, bufs, argv);
		execve(path, (char *const *)argv, envp);
		_exit(127);
	}
	close(sv[1]);
	err = proto_recv_reply(sv[0], r, fds, &why);
	close(sv[0]);
	waitpid(pid, &status, 0);
	if (err) {
		log_err("%s: %s (helper %s)", req->ifname, why, path);
		return -1;
	}
	if (r->status) {
		log_err("%s: the helper refused: %s", req->ifname, r->error);
		/* A policy denial keeps its own exit code, so scripts can tell it apart. */
		return r->status == RN_EXIT_PRIVILEGE ? RN_EXIT_PRIVILEGE : -1;
	}
	return 0;
}

/**
 * runner_get_fds() - the queue fds for a request, by the cheapest allowed way
 * @helper_path: redox-net-helper to run when the kernel would refuse us
 * @req:	what to open
 * @fds:	PROTO_MAX_QUEUES slots; the first @req->queues are filled
 * @info:	the device's name, MAC, MTU
 * @via_helper:	set when the helper was needed
 *
 * A TAP whose owner or group is ours can be attached without any privilege,
 * so no setuid program runs at all (the fast path).  Everything else goes to
 * the helper, which decides by its policy.  A bridge request goes to it at
 * once: only the helper can make the VM's TAP, and it looks the bridge up
 * itself, so a lookup here would only add a netlink round trip to every start.
 *
 * Return: 0, RN_EXIT_PRIVILEGE when the helper's policy refused, or -1, always
 * after printing what is wrong and how to fix it.
 */
int runner_get_fds(const char *helper_path, const struct proto_request *req, int *fds,
		   struct proto_reply *info, bool *via_helper)
{
	struct rtlink *rt;
	struct link_state l;
	const char *problem = NULL;
	int err;

	*via_helper = req->kind == PROTO_KIND_BRIDGE;
	if (*via_helper)
		return ask_helper(helper_path, req, fds, info);
	rt = rtlink_open();
	/* Its own branch: err = -errno would read 0, and then an unfilled @l, if errno were 0. */
	if (!rt) {
		log_err("cannot open a route netlink socket: %s", strerror(errno));
		return -1;
	}
	err = rtlink_get(rt, req->ifname, &l);
	if (err == -ENODEV) {
		rtlink_close(rt);
		log_err("%s does not exist", req->ifname);
		log_hint("create it with `sudo redox-netsetup up --%s %s`",
			 req->kind == PROTO_KIND_TAP ? "tap" :
			 req->kind == PROTO_KIND_BRIDGE ? "bridge" : "macvtap", req->ifname);
		return -1;
	}
	if (err) {
		rtlink_close(rt);
		log_err("%s: cannot look it up: %s", req->ifname, strerror(-err));
		return -1;
	}
	if (req->kind == PROTO_KIND_TAP)
		problem = tap_link_problem(&l, req->queues);
	if (problem) {
		rtlink_close(rt);
		log_err("%s: %s", req->ifname, problem);
		return -1;
	}
	memset(info, 0, sizeof(*info));
	if (req->kind == PROTO_KIND_TAP && may_attach_directly(&l) &&
	    tap_queues_attach(req->ifname, req->queues, req->queues > 1, fds) == 0) {
		err = only_queues(rt, &l, req->queues);
		rtlink_close(rt);
		if (err) {
			fds_close(fds, req->queues);
			log_err("%s is in use: another process attached to it while we did", req->ifname);
			log_hint("stop the VM that uses it, or take another TAP");
			return -1;
		}
		memcpy(info->ifname, l.name, sizeof(info->ifname));
		memcpy(info->mac, l.mac, sizeof(info->mac));
		info->mtu = l.mtu;
		info->ifindex = (uint32_t)l.ifindex;
		info->queues = req->queues;
		return 0;
	}
	rtlink_close(rt);
	*via_helper = true;
	return ask_helper(helper_path, req, fds, info);
}

/**
 * runner_place_fds() - move the queue fds to 3, 4, ... and close everything else
 * @fds:	descriptors, replaced by their final numbers
 * @n:		how many
 *
 * First every fd goes above the target range, so no dup2() can overwrite a
 * queue not yet moved; dup2() then clears FD_CLOEXEC on the final copies,
 * which is what lets the VMM inherit them.
 *
 * Return: 0 or -1.
 */
int runner_place_fds(int *fds, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int high = fcntl(fds[i], F_DUPFD_CLOEXEC, (int)(3 + n));

		if (high < 0)
			return -1;
		close(fds[i]);
		fds[i] = high;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (dup2(fds[i], (int)(3 + i)) < 0)
			return -1;
		close(fds[i]);
		fds[i] = (int)(3 + i);
	}
	return close_range(3 + n, ~0u, 0);
}
