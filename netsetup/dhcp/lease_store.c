// SPDX-License-Identifier: MIT
/* lease_store.c - DHCP leases in memory, made durable by an append-only journal */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netsetup/dhcp/lease_index.h"
#include "netsetup/dhcp/lease_journal.h"
#include "netsetup/dhcp/lease_names.h"
#include "netsetup/dhcp/lease_store.h"

#define COMPACT_MIN	1024	/* journal records before compaction is worth it */
#define SWEEP_SLOTS	4096	/* slots one lease_store_sweep() call looks at */

/**
 * struct lease_store - every address of the subnet, a MAC index, and the journal
 * @base:		first address of the subnet, host byte order
 * @count:		number of addresses (and of @slots)
 * @slots:		one lease per address, indexed by address - @base
 * @index:		MAC -> slots, chained through the slots (lease_index.c)
 * @names:		the clients' host names (lease_names.c)
 * @sweep_next:		slot where the next lease_store_sweep() goes on
 * @compact_at:		journal records appended before the next compaction is tried
 * @journal:		the file the changes go to
 */
struct lease_store {
	uint32_t base, count, sweep_next;
	struct lease *slots;
	struct lease_index index;
	struct lease_names names;
	size_t compact_at;
	struct lease_journal journal;
};

static struct lease *slot_of(const struct lease_store *s, struct in_addr ip)
{
	uint32_t off = ntohl(ip.s_addr) - s->base;

	return off < s->count ? &s->slots[off] : NULL;
}

/*
 * claim_slot() - the slot of @ip, about to be written: record its address in it.
 * Slots are filled in only when first written, so a large subnet costs memory only
 * for the addresses handed out (the rest of the calloc()ed array is never faulted in).
 */
static struct lease *claim_slot(struct lease_store *s, struct in_addr ip)
{
	struct lease *l = slot_of(s, ip);

	if (l)
		l->ip = ip;
	return l;
}

/* holds() - Return: true if @l is offered to or bound by @mac */
static bool holds(const struct lease *l, const uint8_t mac[6])
{
	return (l->state == LEASE_OFFERED || l->state == LEASE_BOUND) && !memcmp(l->mac, mac, 6);
}

/**
 * lease_store_by_mac() - Return: the lease offered to or bound by @mac (maybe expired), or NULL
 * @s:		store
 * @mac:	client MAC
 */
const struct lease *lease_store_by_mac(const struct lease_store *s, const uint8_t mac[6])
{
	const struct lease *l = NULL;

	while ((l = lease_index_next(&s->index, s->slots, mac, l)) && !holds(l, mac))
		;
	return l;
}

/**
 * lease_store_last_by_mac() - Return: a free address @mac was last bound to, or NULL
 * @s:		store
 * @mac:	client MAC
 *
 * RFC 2131 §4.3.1 offers a client "its previous address as recorded in the
 * client's (now expired or released) binding" first.  It also keeps a client
 * that releases and comes back from leaving a quarantined address behind
 * each time.
 */
const struct lease *lease_store_last_by_mac(const struct lease_store *s, const uint8_t mac[6])
{
	const struct lease *l = NULL;

	while ((l = lease_index_next(&s->index, s->slots, mac, l)) &&
	       !(l->state == LEASE_FREE && l->bound_until))
		;
	return l;
}

/**
 * lease_store_by_ip() - Return: the lease slot of @ip, or NULL when @ip is outside the subnet
 * @s:		store
 * @ip:		address
 */
const struct lease *lease_store_by_ip(const struct lease_store *s, struct in_addr ip)
{
	return slot_of(s, ip);
}

/**
 * lease_is_active() - Return: true if @l keeps its address from anyone else at @now
 * @l:		lease
 * @now:	wall clock, seconds
 */
bool lease_is_active(const struct lease *l, int64_t now)
{
	return l->state != LEASE_FREE && l->expires > now;
}

/**
 * lease_in_quarantine() - Return: true if @l's address is still kept from @mac
 * @l:		lease
 * @mac:	the client that would get it
 * @now:	wall clock, seconds
 *
 * A lease released, expired or left for another address stays its MAC's
 * until its end plus LEASE_QUARANTINE_GRACE: the bridge port filter learns
 * (port, address) from each ACK with a timeout of the lease time, so a VM
 * that gave the address back could go on using it.  The same MAC may take it
 * back at once.
 */
bool lease_in_quarantine(const struct lease *l, const uint8_t mac[6], int64_t now)
{
	return l->bound_until && memcmp(l->mac, mac, 6) &&
	       now < l->bound_until + LEASE_QUARANTINE_GRACE;
}

/**
 * lease_store_hostname() - Return: the length of @l's host name (option 12), 0 for none
 * @s:		store
 * @l:		one of its leases
 * @name:	set to the name's bytes, raw and untrusted (never NULL)
 */
size_t lease_store_hostname(const struct lease_store *s, const struct lease *l,
			    const uint8_t **name)
{
	return lease_names_get(&s->names, l->name, name);
}

/* set_name() - give @l a copy of @name, or none when @len is 0 */
static void set_name(struct lease_store *s, struct lease *l, const uint8_t *name, size_t len)
{
	lease_names_drop(&s->names, l->name);
	l->name = lease_names_put(&s->names, name, len, (uint32_t)(l - s->slots));
}

/**
 * lease_store_named() - the next lease whose host name is @name, ASCII case ignored
 * @s:		store
 * @name:	a host name
 * @len:	its length
 * @after:	NULL to start, or the lease this call returned last
 *
 * Only leases holding a name are visited (a hash chain), whatever the subnet's
 * size.  The caller decides whether the lease is current.
 *
 * Return: the lease, or NULL when no further one has that name.
 */
const struct lease *lease_store_named(const struct lease_store *s, const uint8_t *name, size_t len,
				      const struct lease *after)
{
	uint32_t owner = 0;

	return lease_names_find(&s->names, name, len, after ? after->name : 0, &owner) &&
	       owner < s->count ? &s->slots[owner] : NULL;
}

/**
 * assign() - give @ip to @mac in memory, taking any other address from @mac
 * @s:		store
 * @mac:	client
 * @ip:		address inside the subnet
 * @state:	LEASE_OFFERED or LEASE_BOUND
 * @expires:	end of the hold
 *
 * A MAC holds one address at a time.  The journal replays the same rule, so
 * memory and the reloaded file agree.
 *
 * Return: the slot, or NULL if @ip is outside the subnet.
 */
static struct lease *assign(struct lease_store *s, const uint8_t mac[6], struct in_addr ip,
			    uint8_t state, int64_t expires)
{
	struct lease *l = claim_slot(s, ip), *old;

	if (!l)
		return NULL;
	old = (struct lease *)lease_store_by_mac(s, mac);
	if (old && old != l) {
		old->state = LEASE_FREE;	/* its @bound_until keeps it from others */
		set_name(s, old, NULL, 0);
	}
	if (!holds(l, mac)) {
		/* Only a slot out of quarantine changes hands (the server checks). */
		if (memcmp(l->mac, mac, 6))
			l->bound_until = 0;
		lease_index_set_mac(&s->index, s->slots, (uint32_t)(l - s->slots), mac);
		set_name(s, l, NULL, 0);
	}
	l->state = state;
	l->expires = expires;
	l->flags &= (uint8_t)~LEASE_F_EXPIRY_SEEN;
	if (state == LEASE_BOUND)
		l->bound_until = expires;
	return l;
}

/* queue_bind() - queue a "bind" record of lease @l that ends at @until */
static void queue_bind(struct lease_store *s, const struct lease *l, int64_t until)
{
	struct lease_record r = { .kind = LEASE_REC_BIND, .ip = l->ip, .time = until };
	const uint8_t *name;

	r.hostname_len = (uint8_t)lease_names_get(&s->names, l->name, &name);
	memcpy(r.mac, l->mac, 6);
	memcpy(r.hostname, name, r.hostname_len);
	lease_journal_queue(&s->journal, &r);
}

/**
 * lease_store_offer() - hold @ip for @mac until @expires (memory only)
 * @s:		store
 * @mac:	client
 * @ip:		offered address, inside the subnet
 * @expires:	end of the hold
 *
 * Offers are not journaled: after a crash the client's REQUEST is checked
 * against the bindings as if the offer had never been made.  If @mac is
 * already bound to @ip (even expired), the binding stays and is held until
 * at least @expires.
 */
void lease_store_offer(struct lease_store *s, const uint8_t mac[6], struct in_addr ip,
		       int64_t expires)
{
	struct lease *l = claim_slot(s, ip);

	/* Offering a client the address it is bound to must not weaken the binding. */
	if (l && l->state == LEASE_BOUND && !memcmp(l->mac, mac, 6)) {
		if (l->expires < expires)
			l->expires = expires;
		return;
	}
	assign(s, mac, ip, LEASE_OFFERED, expires);
}

/**
 * lease_store_bind() - bind @ip to @mac and queue the journal record
 * @s:			store
 * @mac:		client
 * @ip:			address, inside the subnet
 * @expires:		end of the lease
 * @hostname:		client's option 12, or NULL
 * @hostname_len:	its length (cut to LEASE_HOSTNAME_MAX)
 *
 * The ACK may be sent only after lease_store_commit() has returned 0.
 */
void lease_store_bind(struct lease_store *s, const uint8_t mac[6], struct in_addr ip,
		      int64_t expires, const uint8_t *hostname, size_t hostname_len)
{
	struct lease *l = assign(s, mac, ip, LEASE_BOUND, expires);

	if (!l)
		return;
	set_name(s, l, hostname, hostname_len);
	queue_bind(s, l, l->expires);
}

/**
 * lease_store_release() - free @ip (DHCPRELEASE) and queue the journal record
 * @s:		store
 * @ip:		address
 *
 * The address is free for its MAC only: @bound_until keeps it from others
 * (lease_in_quarantine()).
 */
void lease_store_release(struct lease_store *s, struct in_addr ip)
{
	struct lease *l = claim_slot(s, ip);
	struct lease_record r = { .kind = LEASE_REC_RELEASE, .ip = ip };

	if (!l || l->state != LEASE_BOUND)
		return;
	l->state = LEASE_FREE;
	set_name(s, l, NULL, 0);
	memcpy(r.mac, l->mac, 6);
	lease_journal_queue(&s->journal, &r);
}

/**
 * lease_store_decline() - keep @ip from everyone until @until (DHCPDECLINE)
 * @s:		store
 * @ip:		address another host answered ARP for
 * @until:	end of the quarantine
 */
void lease_store_decline(struct lease_store *s, struct in_addr ip, int64_t until)
{
	struct lease *l = claim_slot(s, ip);
	struct lease_record r = { .kind = LEASE_REC_DECLINE, .ip = ip, .time = until };

	if (!l)
		return;
	l->state = LEASE_DECLINED;
	l->expires = until;
	set_name(s, l, NULL, 0);
	lease_journal_queue(&s->journal, &r);
}

/**
 * lease_store_charge() - note which interface's bound @ip counts against (dhcp_bounds.c)
 * @s:		store
 * @ip:		address inside the subnet
 * @port:	served interface, 1-based; 0 for none
 * @stamp:	the charge's number
 */
void lease_store_charge(struct lease_store *s, struct in_addr ip, uint8_t port, uint16_t stamp)
{
	struct lease *l = claim_slot(s, ip);

	if (l) {
		l->port = port;
		l->stamp = stamp;
	}
}

/**
 * lease_store_withdraw() - take back an offer nobody has requested yet (memory only)
 * @s:		store
 * @ip:		offered address
 *
 * An earlier binding of the same MAC keeps its quarantine (@bound_until).
 */
void lease_store_withdraw(struct lease_store *s, struct in_addr ip)
{
	struct lease *l = claim_slot(s, ip);

	if (l && l->state == LEASE_OFFERED)
		l->state = LEASE_FREE;
}

/**
 * lease_store_reclaim() - take an address back from a guest's TAP for another MAC on it
 * @s:		store
 * @ip:		address
 *
 * A binding is released (and journaled as such); whatever the address was,
 * it is free at once, with no quarantine: dhcp_bounds.c reclaims only on a
 * TAP, one guest's own link, where the bridge port filter plays no part.
 */
void lease_store_reclaim(struct lease_store *s, struct in_addr ip)
{
	struct lease *l = claim_slot(s, ip);

	if (!l)
		return;
	lease_store_release(s, ip);
	l->state = LEASE_FREE;
	l->bound_until = 0;
}

/**
 * lease_store_pending() - Return: bytes of journal records waiting for lease_store_commit()
 * @s:		store
 */
size_t lease_store_pending(const struct lease_store *s)
{
	return s->journal.pending_len;
}

/**
 * snapshot() - replace the journal with one record per binding and per live decline
 * @s:		store
 * @now:	wall clock, seconds; declines and quarantines over by then are left out
 *
 * Memory holds every change, the queued ones included, so the snapshot takes
 * their place in the new file.  An address no longer bound but still in
 * quarantine is written first as its old binding and a release, so that the
 * reload keeps it from other MACs; the live bindings follow, and win.
 *
 * Return: 0, or -1 with errno set (see lease_journal_rewrite()).
 */
static int snapshot(struct lease_store *s, int64_t now)
{
	lease_journal_discard(&s->journal);
	for (uint32_t i = 0; i < s->count; i++) {
		const struct lease *l = &s->slots[i];
		struct lease_record r = { .kind = LEASE_REC_RELEASE, .ip = l->ip };

		if (l->state == LEASE_BOUND || !l->bound_until ||
		    l->bound_until + LEASE_QUARANTINE_GRACE <= now)
			continue;
		memcpy(r.mac, l->mac, 6);
		queue_bind(s, l, l->bound_until);
		lease_journal_queue(&s->journal, &r);
	}
	for (uint32_t i = 0; i < s->count; i++) {
		const struct lease *l = &s->slots[i];
		struct lease_record r = { .kind = LEASE_REC_DECLINE, .ip = l->ip, .time = l->expires };

		if (l->state == LEASE_BOUND)
			queue_bind(s, l, l->expires);
		else if (l->state == LEASE_DECLINED && l->expires > now)
			lease_journal_queue(&s->journal, &r);
	}
	return lease_journal_rewrite(&s->journal);
}

/**
 * lease_store_commit() - make every queued change durable with one fdatasync
 * @s:		store
 *
 * The group commit: call once per batch, and send its ACKs only if this
 * returns 0.  On failure the bindings stay in memory (their addresses stay
 * taken) but no ACK goes out, so no client holds a lease the file lacks.
 * When an earlier failure left the journal unfit for appends, the changes
 * are saved by writing the whole file anew instead.
 *
 * Return: 0, or -1 with errno set.
 */
int lease_store_commit(struct lease_store *s)
{
	if (s->journal.must_rewrite && s->journal.pending_len) {
		if (snapshot(s, INT64_MIN))
			return -1;
		s->compact_at = COMPACT_MIN + s->count;
		return 0;
	}
	return lease_journal_commit(&s->journal);
}

/**
 * apply_record() - replay one journal record into memory
 * @ctx:	the store
 * @r:		record, already checked by lease_record_parse()
 *
 * Records are applied in file order with the same rules as the live calls,
 * so a later bind of an address or a MAC supersedes an earlier one.
 *
 * Return: NULL on success, otherwise why the record is skipped.
 */
static const char *apply_record(void *ctx, const struct lease_record *r)
{
	struct lease_store *s = ctx;
	struct lease *l = claim_slot(s, r->ip);

	if (!l)
		return "address outside the served subnet";
	if (r->kind == LEASE_REC_BIND) {
		assign(s, r->mac, r->ip, LEASE_BOUND, r->time);	/* @l, inside the subnet */
		set_name(s, l, r->hostname, r->hostname_len);
		return NULL;
	}
	if (r->kind == LEASE_REC_RELEASE && !holds(l, r->mac))
		return NULL;
	l->state = r->kind == LEASE_REC_RELEASE ? LEASE_FREE : LEASE_DECLINED;
	if (r->kind == LEASE_REC_DECLINE)
		l->expires = r->time;
	set_name(s, l, NULL, 0);
	return NULL;
}

/**
 * lease_store_compact() - replace the journal with one record per binding
 * @s:		store
 * @now:	wall clock, seconds
 *
 * Expired bindings are kept (a returning client gets its old address back),
 * so the snapshot has at most one record per address (two for one in
 * quarantine, see snapshot()); expired declines and quarantines go.
 *
 * Return: 0, or -1 with errno set (see lease_journal_rewrite() for which
 * file then takes the appends, if any).
 */
int lease_store_compact(struct lease_store *s, int64_t now)
{
	if (!s->journal.dir)
		return 0;
	return snapshot(s, now);
}

/**
 * lease_store_maybe_compact() - compact once the journal has grown well past a snapshot
 * @s:		store
 * @now:	wall clock, seconds
 *
 * A snapshot holds about one record per address (at most two), so this bounds the file
 * to a small multiple of that while each ACK costs one appended line.  After a failure (a
 * full disk) the next try waits for COMPACT_MIN more records: no snapshot per batch.
 *
 * Return: 0, or -1 with errno set.
 */
int lease_store_maybe_compact(struct lease_store *s, int64_t now)
{
	size_t appended = s->journal.appended;

	if (appended < s->compact_at)
		return 0;
	if (lease_store_compact(s, now)) {
		s->compact_at = appended + COMPACT_MIN;
		return -1;
	}
	s->compact_at = COMPACT_MIN + s->count;
	return 0;
}

/**
 * lease_store_skipped() - Return: damaged journal records the reload at open skipped
 * @s:		store
 */
unsigned int lease_store_skipped(const struct lease_store *s)
{
	return s->journal.skipped;
}

/**
 * lease_store_sweep() - report bindings that ran out, going through a slice of the subnet
 * @s:		store
 * @now:	wall clock, seconds
 * @expired:	called once for each binding over since it was last bound
 * @ctx:	passed to @expired
 *
 * The binding stays (a returning client gets its address back); its name goes.
 * SWEEP_SLOTS slots a call, once a second, go through a /16 in 16 s.
 *
 * Return: the number of expiries reported.
 */
size_t lease_store_sweep(struct lease_store *s, int64_t now,
			 void (*expired)(const struct lease *l, void *ctx), void *ctx)
{
	size_t n = 0;

	for (uint32_t k = 0; k < SWEEP_SLOTS && k < s->count; k++) {
		struct lease *l = &s->slots[s->sweep_next++ % s->count];

		if (l->state != LEASE_BOUND || l->expires > now || (l->flags & LEASE_F_EXPIRY_SEEN))
			continue;
		l->flags |= LEASE_F_EXPIRY_SEEN;
		set_name(s, l, NULL, 0);
		expired(l, ctx);
		n++;
	}
	return n;
}

/**
 * lease_store_open() - load the leases of a subnet and start a fresh journal
 * @out:	the new store
 * @dir:	directory for the journal (created 0700 if missing); NULL keeps
 *		everything in memory (tests, fuzzing)
 * @base:	first address of the subnet (the network address)
 * @count:	number of addresses in the subnet, 1 to 2^20
 * @now:	wall clock, seconds
 *
 * The journal is compacted at once, which also drops a torn last line.
 *
 * Return: 0, or -1 with errno set (and the reason logged).
 */
int lease_store_open(struct lease_store **out, const char *dir, struct in_addr base,
		     uint32_t count, int64_t now)
{
	struct lease_store *s;
	int err;

	*out = NULL;
	if (count == 0 || count > (1u << 20)) {
		errno = EINVAL;
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->base = ntohl(base.s_addr);
	s->count = count;
	s->compact_at = COMPACT_MIN + count;
	s->slots = calloc(count, sizeof(*s->slots));
	if (!s->slots || lease_index_init(&s->index) ||
	    lease_journal_open(&s->journal, dir, apply_record, s) ||
	    lease_store_compact(s, now)) {
		err = errno;
		lease_store_close(s);
		errno = err;
		return -1;
	}
	*out = s;
	return 0;
}

/**
 * lease_store_chown() - hand the lease directory and journal to the responder's user
 * @s:		store
 * @uid:	owner
 * @gid:	group
 *
 * Return: 0, or -1 with errno set.
 */
int lease_store_chown(struct lease_store *s, uid_t uid, gid_t gid)
{
	return lease_journal_chown(&s->journal, uid, gid);
}

/**
 * lease_store_close() - flush queued records and free the store
 * @s:		store, or NULL
 */
void lease_store_close(struct lease_store *s)
{
	if (!s)
		return;
	lease_journal_close(&s->journal);
	lease_index_free(&s->index);
	lease_names_free(&s->names);
	free(s->slots);
	free(s);
}
