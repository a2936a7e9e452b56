// SPDX-License-Identifier: MIT
/* replay.c - undo journal records, newest first; remove what redox-net left behind */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/netlink.h"
#include "nft/nft_portfilter.h"
#include "nft/nft_ruleset.h"
#include "lib/sysctl.h"
#include "teardown/daemon.h"
#include "teardown/journal.h"
#include "teardown/replay.h"

static bool kind_is_ours(const struct link_state *l)
{
	return !strcmp(l->kind, "tun") || !strcmp(l->kind, "macvtap") || !strcmp(l->kind, "bridge");
}

static const struct link_state *find_link(const struct link_state *links, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(links[i].name, name))
			return &links[i];
	return NULL;
}

/**
 * delete_devices() - delete devices redox-net created, as one batch when that is safe
 * @sk:		route socket
 * @names:	device names to delete
 * @n:		number of names
 *
 * A device is only deleted if it carries redox-net's netdev group: a device
 * of that name that someone else made is left alone.  When the group holds
 * exactly the devices asked for, and all are of kinds redox-net creates, one
 * RTM_DELLINK for the group deletes them all at the cost of one RCU grace
 * period; otherwise, so as never to delete something that is not ours, they
 * go one by one.
 *
 * Return: the number of devices that could not be deleted.
 */
static int delete_devices(struct nl_sock *sk, char (*names)[IFNAMSIZ], size_t n)
{
	struct link_state *links;
	size_t nlinks, members = 0, wanted = 0;
	bool batch = true;
	int failed = 0, err;

	if (!n)
		return 0;
	err = link_list(sk, &links, &nlinks);
	if (err) {
		log_err("cannot list devices: %s", nl_strerror(err));
		return (int)n;
	}
	for (size_t i = 0; i < n; i++) {
		const struct link_state *l = find_link(links, nlinks, names[i]);

		if (l && l->group != RN_IFGROUP) {
			log_warn("%s was not created by redox-net (it is not in netdev group %u); left alone",
				 names[i], RN_IFGROUP);
			names[i][0] = '\0';
		} else if (!l) {
			names[i][0] = '\0';	/* already gone */
		} else {
			wanted++;
		}
	}
	for (size_t i = 0; i < nlinks; i++) {
		bool asked = false;

		if (links[i].group != RN_IFGROUP)
			continue;
		members++;
		for (size_t k = 0; k < n; k++)
			asked |= !strcmp(names[k], links[i].name);
		if (!asked || !kind_is_ours(&links[i]))
			batch = false;
	}
	if (batch && wanted > 1 && members == wanted) {
		err = link_delete_group(sk, RN_IFGROUP);
		if (!err) {
			log_info("deleted %zu devices in one batch", wanted);
			goto out;
		}
		log_warn("batch delete failed (%s); deleting one by one", nl_strerror(err));
	}
	for (size_t i = 0; i < n; i++) {
		const struct link_state *l = names[i][0] ? find_link(links, nlinks, names[i]) : NULL;

		if (!l)
			continue;
		err = link_delete(sk, l->ifindex);
		if (err && err != -ENODEV) {
			log_err("cannot delete %s: %s", l->name, nl_strerror(err));
			failed++;
		} else {
			log_info("deleted %s", l->name);
		}
	}
out:
	free(links);
	return failed;
}

static int managed_device_left(struct nl_sock *sk, char name[IFNAMSIZ])
{
	struct link_state *links;
	size_t n;
	int found = 0;

	if (link_list(sk, &links, &n))
		return -1;
	for (size_t i = 0; i < n && !found; i++)
		if (links[i].group == RN_IFGROUP) {
			strcpy(name, links[i].name);
			found = 1;
		}
	free(links);
	return found;
}

static int undo_sysctl(struct nl_sock *sk, const struct journal_record *r,
		       const struct teardown_opts *opts)
{
	char dev[IFNAMSIZ];
	int err;

	if (opts->keep_forwarding) {
		log_info("left %s as it is (--keep-forwarding)", r->object);
		return 0;
	}
	/* Forwarding is shared: another managed device may still route guests. */
	if (managed_device_left(sk, dev) == 1) {
		log_info("left %s on: %s is still managed by redox-net", r->object, dev);
		return 0;
	}
	err = sysctl_write(r->object, r->value);
	if (err)
		log_err("cannot restore %s to %s: %s", r->object, r->value, strerror(-err));
	else
		log_info("restored %s to %s", r->object, r->value);
	return err;
}

static int undo_address(struct nl_sock *sk, const struct journal_record *r)
{
	struct link_state l;
	struct rn_prefix p;
	int err;

	if (prefix_parse(r->value, &p) || link_query(sk, r->object, &l))
		return 0;	/* the device is gone, and its address with it */
	if (l.group != RN_IFGROUP)
		return 0;	/* not our device: its addresses are not ours either */
	err = addr_delete(sk, l.ifindex, &p);
	if (err && err != -EADDRNOTAVAIL && err != -ENODEV) {
		log_err("cannot remove %s from %s: %s", r->value, r->object, nl_strerror(err));
		return err;
	}
	return 0;
}

/**
 * undo_dhcp() - stop the responder `up --dhcp` started, and forget its pidfile
 * @r:		JREC_DHCP record
 * @dir:	run directory
 *
 * Return: 0 once it is gone (or was already), otherwise a negative errno.
 */
static int undo_dhcp(const struct journal_record *r, const char *dir)
{
	struct daemon_id id;
	int err;

	if (daemon_id_parse(r->object, r->value, &id))
		return -EINVAL;	/* journal_parse_line() let no such record in */
	err = daemon_stop(&id);
	if (err) {
		log_err("cannot stop the DHCP responder (pid %d)", (int)id.pid);
		return err;
	}
	daemon_pidfile_remove(dir, &id);
	return 0;
}

static int undo_record(struct nl_sock *sk, const struct journal_record *r,
		       const struct teardown_opts *opts, const char *dir)
{
	int err;

	switch (r->kind) {
	case JREC_SYSCTL:
		return undo_sysctl(sk, r, opts);
	case JREC_ADDRESS:
		return undo_address(sk, r);
	case JREC_NFT_TABLE:
		/* journal_parse_line() lets only our two tables in */
		err = strcmp(r->object, RN_PF_JOURNAL_OBJECT) ? nft_table_remove() :
		      nft_portfilter_remove();
		if (err)
			log_err("cannot delete nftables table %s: %s", r->object, strerror(-err));
		else
			log_info("deleted nftables table %s", r->object);
		return err;
	case JREC_DHCP:
		return undo_dhcp(r, dir);
	case JREC_DEVICE:
		break;	/* batched by the caller */
	}
	return 0;
}

/**
 * teardown_replay() - undo journal records [@from, end), newest first
 * @sk:		route socket
 * @j:		open journal; undone records are removed from it
 * @from:	first record to undo (0 for all; `up` rolls back only its own)
 * @opts:	user choices
 *
 * Consecutive device records are collected and deleted together, so that a
 * bridge and its TAPs cost one grace period; any other record first flushes
 * the devices collected so far, which keeps the order of undo the exact
 * reverse of the order of `up`.  Every undo tolerates its object being gone
 * already, so replaying twice, or after a crash half-way, is safe.
 *
 * Return: 0 when everything was undone, otherwise the number of failures.
 */
int teardown_replay(struct nl_sock *sk, struct journal *j, size_t from,
		    const struct teardown_opts *opts)
{
	char (*pending)[IFNAMSIZ] = calloc(j->count + 1, IFNAMSIZ);
	size_t *pending_idx = calloc(j->count + 1, sizeof(size_t));
	bool *drop = calloc(j->count + 1, sizeof(bool));
	size_t npending = 0;
	int failed = 0;

	if (!pending || !pending_idx || !drop) {
		free(pending);
		free(pending_idx);
		free(drop);
		return 1;
	}
	for (size_t i = j->count; i-- > from; ) {
		const struct journal_record *r = &j->recs[i];

		if (r->kind == JREC_DEVICE) {
			strcpy(pending[npending], r->object);
			pending_idx[npending++] = i;
			continue;
		}
		if (npending) {
			int f = delete_devices(sk, pending, npending);

			/* Records of devices that failed to go stay for the next run. */
			for (size_t k = 0; k < npending; k++)
				drop[pending_idx[k]] = f == 0;
			failed += f;
			npending = 0;
		}
		if (undo_record(sk, r, opts, j->dir) == 0)
			drop[i] = true;
		else
			failed++;
	}
	if (npending) {
		int f = delete_devices(sk, pending, npending);

		for (size_t k = 0; k < npending; k++)
			drop[pending_idx[k]] = f == 0;
		failed += f;
	}
	if (journal_drop(j, drop)) {
		log_err("cannot update the journal in %s", j->dir);
		failed++;
	}
	free(pending);
	free(pending_idx);
	free(drop);
	return failed;
}

/**
 * teardown_leftovers() - remove every managed object the kernel shows, journal or not
 * @sk:		route socket
 * @dir:	run directory, whose pidfile names a DHCP responder the journal may have lost
 *
 * This is `down --all`: the DHCP responder, devices in redox-net's netdev
 * group whose kind is one redox-net creates (TAPs a user made persistent with
 * their fd included), and the ip and bridge redox_net tables.  It cannot know old sysctl
 * values, so it leaves forwarding alone.
 *
 * Return: the number of objects that could not be removed.
 */
int teardown_leftovers(struct nl_sock *sk, const char *dir)
{
	struct link_state *links;
	char (*names)[IFNAMSIZ];
	struct daemon_id id;
	size_t n, k = 0;
	int failed = 0, err;

	err = daemon_pidfile_read(dir, &id);
	if (!err && daemon_stop(&id)) {
		log_err("cannot stop the DHCP responder (pid %d)", (int)id.pid);
		failed++;
	} else if (err != -ENOENT) {
		daemon_pidfile_remove(dir, NULL);
	}

	err = nft_table_remove();
	if (err) {
		log_err("cannot delete nftables table %s: %s", RN_NFT_JOURNAL_OBJECT, strerror(-err));
		failed++;
	}
	err = nft_portfilter_remove();
	if (err) {
		log_err("cannot delete nftables table %s: %s", RN_PF_JOURNAL_OBJECT, strerror(-err));
		failed++;
	}
	err = link_list(sk, &links, &n);
	if (err) {
		log_err("cannot list devices: %s", nl_strerror(err));
		return failed + 1;
	}
	names = calloc(n + 1, IFNAMSIZ);
	if (!names) {
		free(links);
		return failed + 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (links[i].group != RN_IFGROUP)
			continue;
		if (kind_is_ours(&links[i]))
			strcpy(names[k++], links[i].name);
		else
			log_warn("%s (%s) is in redox-net's netdev group but redox-net never creates that kind; left alone",
				 links[i].name, links[i].kind[0] ? links[i].kind : "no kind");
	}
	failed += delete_devices(sk, names, k);
	free(names);
	free(links);
	return failed;
}
