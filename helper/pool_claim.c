// SPDX-License-Identifier: MIT
/*
 * pool_claim.c - whose a pool TAP is, by a record its fd's holder cannot rewrite
 *
 * Whoever holds a queue fd of a TAP can change its kernel owner
 * (TUNSETOWNER), its group and its MAC, and attach and detach queues, with no
 * capability at all.  So neither "owner 0 means free" nor "count the TAPs the
 * kernel says are yours" can decide a claim or a quota: the first let a user
 * keep his queues on a TAP he had made look free, and share it with the next
 * user; the second let him move his TAPs onto another user's count.
 *
 * What decides instead:
 * - the helper's record of a grant is the TAP's alias, "redox-net uid=N"
 *   (link_alias_for()), which only CAP_NET_ADMIN can write and which vanishes
 *   with the device, so there is nothing to reconcile with the kernel;
 * - a TAP is granted only when nobody holds any of its queues, attached or
 *   detached (IFLA_TUN_NUM_QUEUES and IFLA_TUN_NUM_DISABLED_QUEUES), because
 *   the kernel cannot say whose a queue is;
 * - after attaching, the helper checks that the queues it hands over are
 *   the only ones (pool_claim_holds()).
 * A grant stands, counted against its user's quota whether or not a VM runs,
 * until he gives the TAP back (kernel owner root, no queue held: then he can
 * no longer attach to it without the helper) or it is deleted.
 */
#include <errno.h>

#include "helper/pool_claim.h"
#include "lib/link_state.h"
#include "lib/rtlink.h"

/* Return: true if anybody holds a queue of @l, attached or detached. */
static bool queues_held(const struct link_state *l)
{
	return l->tun.queues + l->tun.disabled_queues > 0;
}

/* Return: true if the TAP's user gave it back: kernel owner root, and nobody holds a queue. */
static bool released(const struct link_state *l)
{
	return (!l->tun.has_owner || l->tun.owner == 0) && !queues_held(l);
}

/**
 * pool_claim_verdict() - may @uid claim the pool TAP @l now?
 * @l:		the TAP as the kernel describes it
 * @uid:	the caller
 *
 * Nobody may while somebody holds one of its queues, whoever that is.  A
 * TAP the helper recorded as someone else's is free again once he gave it
 * back (TUNSETOWNER 0 through his fd, none of its queues held, so he can no
 * longer attach to it himself), and free for the one user he gave it to
 * (TUNSETOWNER to that uid): the grant then moves to that user's quota, and
 * only at his own request, so nobody can fill another's quota this way.  A TAP without a record is free while
 * the kernel shows no owner but root (redox-netsetup makes pool TAPs that
 * way), and the kernel owner's when it shows one (`up --owner USER` made it
 * for him); the grant then records it.
 *
 * Return: the verdict.
 */
enum pool_verdict pool_claim_verdict(const struct link_state *l, uid_t uid)
{
	uint32_t recorded;

	if (queues_held(l))
		return POOL_IN_USE;
	if (link_alias_owner(l, &recorded)) {
		if (recorded == uid)
			return POOL_MINE;
		/* Given back, or given to the caller by its user (TUNSETOWNER through his fd). */
		return released(l) || l->tun.owner == uid ? POOL_FREE : POOL_THEIRS;
	}
	if (!l->tun.has_owner || l->tun.owner == 0)
		return POOL_FREE;
	return l->tun.owner == uid ? POOL_MINE : POOL_THEIRS;
}

/* struct count_arg - pool_claim_count()'s tally */
struct count_arg {
	uid_t uid;
	int exclude;
	unsigned int count;
};

static int count_one(const struct link_state *l, void *arg)
{
	struct count_arg *c = arg;
	uint32_t recorded;

	/* What he gave back no longer counts: he cannot attach to it without the helper. */
	if (l->group == RN_IFGROUP && link_is_tap(l) && l->ifindex != c->exclude &&
	    link_alias_owner(l, &recorded) && recorded == c->uid && !released(l))
		c->count++;
	return 0;
}

/**
 * pool_claim_count() - how many pool TAPs the helper granted to @uid
 * @rt:		route socket
 * @uid:	the user
 * @exclude_ifindex: the TAP being requested, counted by the caller itself
 * @count:	result
 *
 * Return: 0 or a negative errno.
 */
int pool_claim_count(struct rtlink *rt, uid_t uid, int exclude_ifindex, unsigned int *count)
{
	struct count_arg c = { .uid = uid, .exclude = exclude_ifindex };
	int err = rtlink_dump(rt, count_one, &c);

	if (!err)
		*count = c.count;
	return err;
}

/**
 * pool_claim_record() - write down that the TAP is @uid's
 * @rt:		route socket
 * @ifindex:	the TAP
 * @uid:	the caller
 *
 * Written before the kernel owner is set and before the reply: a helper
 * killed after this leaves a grant that counts against its caller, who
 * may take the TAP up again; nobody else can.
 *
 * Return: 0 or a negative errno.
 */
int pool_claim_record(struct rtlink *rt, int ifindex, uid_t uid)
{
	char alias[LINK_ALIAS_MAX];

	if (link_alias_for(uid, alias))
		return -EINVAL;
	return rtlink_set_alias(rt, ifindex, alias);
}

/**
 * pool_claim_holds() - after attaching: is the claim what was meant?
 * @l:		the TAP looked up again
 * @ifindex:	the TAP that was checked
 * @uid:	the caller
 * @queues:	how many queues the helper attached
 *
 * The same device, still ours, recorded as the caller's, with exactly the
 * helper's queues and no other, attached or detached: anybody who attached
 * in between (a kernel owner or group member, through his own fd) would
 * share the caller's traffic, so the request is refused instead.
 *
 * Return: true if the claim can be handed over.
 */
bool pool_claim_holds(const struct link_state *l, int ifindex, uid_t uid, unsigned int queues)
{
	uint32_t recorded;

	return l->ifindex == ifindex && l->group == RN_IFGROUP && link_is_tap(l) &&
	       link_alias_owner(l, &recorded) && recorded == uid &&
	       l->tun.has_owner && l->tun.owner == uid &&
	       l->tun.queues == queues && l->tun.disabled_queues == 0;
}
