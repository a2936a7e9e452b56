// SPDX-License-Identifier: MIT
/*
 * tap_claim.c - a pool TAP's claim that a killed helper cannot leave behind
 *
 * The helper makes a pool TAP the caller's (TUNSETOWNER) before it sends the
 * fds, so that the quota count sees the claim before the caller holds the
 * device.  The caller may SIGKILL his helper at any moment (it runs with his
 * real uid), and one killed between the claim and the reply would leave a TAP
 * that is the caller's although he never got it: counted against his quota,
 * refused to everybody else, for as long as the TAP exists.  So the claim is
 * first written into the quota lock file, which only root can write, and
 * erased once the reply has gone (or the claim was undone).  The next helper,
 * under the same lock, finds a claim that was never settled and gives the TAP
 * back, unless somebody holds one of its queues.
 *
 * Only a free TAP is claimed, one with no owner or root's.  The kernel cannot
 * clear an owner, so a TAP given back is root's, which the helper treats the
 * same.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "helper/privs.h"
#include "helper/quota.h"
#include "helper/tap_claim.h"
#include "helper/tap_queues.h"
#include "lib/ifname.h"
#include "lib/netlink.h"

_Static_assert(sizeof(struct tap_claim) <= QUOTA_GEN_OFFSET, "the claim overlaps the lock's generation");

/**
 * tap_claim_record() - write the claim about to be made into the lock file
 * @lock:	the quota lock file, held
 * @c:		the claim
 *
 * Written with one pwrite() before TUNSETOWNER: a helper killed at any point
 * after it leaves either no claim or a record of it.  /run is a tmpfs, so
 * there is nothing to fsync; a crash of the machine takes the TAP with it.
 *
 * Return: 0 or a negative errno.
 */
int tap_claim_record(int lock, const struct tap_claim *c)
{
	ssize_t n = pwrite(lock, c, sizeof(*c), 0);

	if (n == (ssize_t)sizeof(*c))
		return 0;
	return n < 0 ? -errno : -EIO;
}

/**
 * tap_claim_settle() - erase the record: the claim stands, or was undone
 * @lock:	the quota lock file, held
 *
 * Overwritten with zeros rather than truncated: the lock's generation
 * (quota.c) lives further on in the same file.
 *
 * Return: 0 or a negative errno.
 */
int tap_claim_settle(int lock)
{
	static const struct tap_claim none;

	return tap_claim_record(lock, &none);
}

/**
 * tap_claim_undo() - give the claimed TAP back (to root) through one of its queue fds
 * @tap_fd:	a queue of the claimed TAP
 *
 * TUNSETOWNER on an attached fd needs no capability, so this works after the
 * helper gave up all of them.
 *
 * Return: 0 or a negative errno.
 */
int tap_claim_undo(int tap_fd)
{
	return ioctl(tap_fd, TUNSETOWNER, 0UL) < 0 ? -errno : 0;
}

/**
 * tap_claim_read() - the claim the lock file holds, if any
 * @lock:	the quota lock file, held
 * @c:		filled when there is one
 *
 * Anything but one whole, valid record of ours is no claim: the empty file
 * of an older helper, or a record cut short.
 *
 * Return: 1 with @c filled, 0 when there is no claim, or a negative errno.
 */
int tap_claim_read(int lock, struct tap_claim *c)
{
	ssize_t n = pread(lock, c, sizeof(*c), 0);

	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*c) && c->magic == TAP_CLAIM_MAGIC &&
	       memchr(c->ifname, '\0', sizeof(c->ifname)) && ifname_is_valid(c->ifname);
}

/**
 * tap_claim_in_use() - must a claim that was never settled stand?
 * @c:		the claim
 * @l:		the device of that name now
 *
 * It stands when the device is no longer the one claimed (another ifindex,
 * not one of our TAPs, or re-owned since: nothing of ours to undo), and when
 * anybody holds one of its queues, attached or detached: then the fds did
 * leave (the helper was killed after sending them), or the caller, as its
 * owner, attached himself, and either way he holds the device the quota
 * must count.
 *
 * Return: true if the claim stands, false if it is to be undone.
 */
bool tap_claim_in_use(const struct tap_claim *c, const struct link_state *l)
{
	return l->ifindex != c->ifindex || !link_is_tap(l) || l->group != RN_IFGROUP ||
	       !l->tun.has_owner || l->tun.owner != c->uid ||
	       l->tun.queues + l->tun.disabled_queues > 0;
}

/* Attach one queue, as root may, to a TAP nobody holds; Return: the fd or a negative errno. */
static int attach_one(const struct tap_claim *c)
{
	int fd, err;

	if (privs_dac(true))
		return -EPERM;
	err = tap_queues_attach(c->ifname, 1, c->multi_queue, &fd);
	/* Lowered, not dropped: the request itself opens /dev/net/tun after this. */
	if (privs_dac(false)) {
		if (!err)
			close(fd);
		return -EPERM;
	}
	return err ? err : fd;
}

/**
 * tap_claim_reconcile() - undo the claim of a helper that died before settling it
 * @lock:	the quota lock file, held
 * @sk:		route socket
 *
 * Runs under the lock before the quota is counted.  To change the owner the
 * TAP must be attached to; a single-queue TAP that somebody holds refuses
 * that (EBUSY), so the claim stands.  The caller may attach to a multi-queue
 * TAP while we do (he is still its owner), so after the owner is changed back,
 * which stops any further attach of his, the queues are counted once more: a
 * queue besides ours means he holds the device, and the claim is restored.
 *
 * Return: 0 (nothing left to do), or a negative errno with the record kept
 * for the next helper.
 */
int tap_claim_reconcile(int lock, struct nl_sock *sk)
{
	struct link_state l;
	struct tap_claim c;
	int err = tap_claim_read(lock, &c), fd;

	if (err <= 0)
		return err;
	err = link_query(sk, c.ifname, &l);
	if (err == -ENODEV || (!err && tap_claim_in_use(&c, &l)))
		return tap_claim_settle(lock);
	if (err)
		return err;
	fd = attach_one(&c);
	if (fd == -EBUSY)
		return tap_claim_settle(lock);
	if (fd < 0)
		return fd;
	err = link_query(sk, c.ifname, &l);
	if (!err && l.ifindex == c.ifindex) {
		err = tap_claim_undo(fd);
		/* Whoever attached before the owner changed back shows up now; unsure means he did. */
		if (!err && (link_query(sk, c.ifname, &l) || l.tun.queues + l.tun.disabled_queues > 1))
			err = ioctl(fd, TUNSETOWNER, (unsigned long)c.uid) < 0 ? -errno : 0;
	}
	close(fd);
	return err ? err : tap_claim_settle(lock);
}
