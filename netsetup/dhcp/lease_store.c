// SPDX-License-Identifier: MIT
/* lease_store.c - DHCP leases in memory, made durable by an append-only journal */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dhcp/lease_record.h"
#include "netsetup/dhcp/lease_store.h"

#define FILE_HEADER	"# redox-net DHCP leases v1\n"
#define COMPACT_MIN	1024	/* journal records before compaction is worth it */
#define WARN_MAX	10	/* bad records named one by one; the rest are counted */

/**
 * struct lease_store - every address of the subnet, a MAC index, and the journal
 * @base:		first address of the subnet, host byte order
 * @count:		number of addresses (and of @slots)
 * @slots:		one lease per address, indexed by address - @base
 * @index:		open-addressing hash of MAC -> slot + 1 (0 is empty).  Entries
 *			are never deleted; lookups check the slot still holds the MAC,
 *			and the table is rebuilt from @slots when half full.
 * @index_cap:		size of @index, a power of two of at least 4 * @count
 * @index_used:		non-empty entries in @index
 * @dir:		directory path, for messages; NULL for a memory-only store
 * @dirfd:		open directory, for openat/renameat and its fsync
 * @fd:			journal, opened O_APPEND; -1 when memory-only
 * @pending:		records queued since the last commit
 * @pending_len:	bytes in @pending
 * @pending_cap:	size of @pending
 * @pending_records:	records in @pending
 * @journal_records:	records appended since the last compaction
 */
struct lease_store {
	uint32_t base, count;
	struct lease *slots;
	uint32_t *index;
	size_t index_cap, index_used;
	char *dir;
	int dirfd, fd;
	char *pending;
	size_t pending_len, pending_cap;
	size_t pending_records, journal_records;
};

static uint32_t h(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static struct lease *slot_of(const struct lease_store *s, struct in_addr ip)
{
	uint32_t off = h(ip) - s->base;

	return off < s->count ? &s->slots[off] : NULL;
}

/* mac_hash() - FNV-1a over the six bytes */
static size_t mac_hash(const uint8_t mac[6])
{
	uint32_t x = 2166136261u;

	for (int i = 0; i < 6; i++)
		x = (x ^ mac[i]) * 16777619u;
	return x;
}

/* holds() - Return: true if @l is offered to or bound by @mac */
static bool holds(const struct lease *l, const uint8_t mac[6])
{
	return (l->state == LEASE_OFFERED || l->state == LEASE_BOUND) && !memcmp(l->mac, mac, 6);
}

static void index_insert(struct lease_store *s, uint32_t slot)
{
	size_t i = mac_hash(s->slots[slot].mac) & (s->index_cap - 1);

	while (s->index[i]) {
		if (s->index[i] == slot + 1)
			return;
		i = (i + 1) & (s->index_cap - 1);
	}
	s->index[i] = slot + 1;
	s->index_used++;
}

/**
 * index_add() - remember that @slot now belongs to its MAC
 * @s:		store
 * @slot:	index into @s->slots
 *
 * Stale entries pile up as addresses change hands; once half the table is
 * used it is rebuilt from the slots, which keeps probes short and memory flat.
 */
static void index_add(struct lease_store *s, uint32_t slot)
{
	if (2 * (s->index_used + 1) > s->index_cap) {
		memset(s->index, 0, s->index_cap * sizeof(*s->index));
		s->index_used = 0;
		for (uint32_t i = 0; i < s->count; i++)
			if (s->slots[i].state == LEASE_OFFERED || s->slots[i].state == LEASE_BOUND)
				index_insert(s, i);
	}
	index_insert(s, slot);
}

/**
 * lease_store_by_mac() - Return: the lease offered to or bound by @mac (maybe expired), or NULL
 * @s:		store
 * @mac:	client MAC
 */
const struct lease *lease_store_by_mac(const struct lease_store *s, const uint8_t mac[6])
{
	for (size_t i = mac_hash(mac) & (s->index_cap - 1); s->index[i];
	     i = (i + 1) & (s->index_cap - 1)) {
		const struct lease *l = &s->slots[s->index[i] - 1];

		if (holds(l, mac))
			return l;
	}
	return NULL;
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
	struct lease *l = slot_of(s, ip), *old;

	if (!l)
		return NULL;
	old = (struct lease *)lease_store_by_mac(s, mac);
	if (old && old != l)
		old->state = LEASE_FREE;
	if (!holds(l, mac)) {
		memcpy(l->mac, mac, 6);
		l->hostname_len = 0;
		l->state = state;
		index_add(s, (uint32_t)(l - s->slots));
	}
	l->state = state;
	l->expires = expires;
	return l;
}

/**
 * queue_record() - add one journal line to the next commit
 * @s:		store
 * @r:		record
 */
static void queue_record(struct lease_store *s, const struct lease_record *r)
{
	char line[LEASE_RECORD_MAX];
	size_t n;

	if (!s->dir)
		return;
	n = lease_record_format(r, line);
	line[n++] = '\n';
	if (s->pending_len + n > s->pending_cap) {
		size_t cap = s->pending_cap ? 2 * s->pending_cap : 4096;
		char *p;

		while (cap < s->pending_len + n)
			cap *= 2;
		p = realloc(s->pending, cap);
		if (!p)
			abort();	/* a few KB: nothing sensible is left to do */
		s->pending = p;
		s->pending_cap = cap;
	}
	memcpy(s->pending + s->pending_len, line, n);
	s->pending_len += n;
	s->pending_records++;
}

/* queue_bind() - queue the "bind" record of lease @l */
static void queue_bind(struct lease_store *s, const struct lease *l)
{
	struct lease_record r = {
		.kind = LEASE_REC_BIND, .ip = l->ip, .time = l->expires,
		.hostname_len = l->hostname_len,
	};

	memcpy(r.mac, l->mac, 6);
	memcpy(r.hostname, l->hostname, l->hostname_len);
	queue_record(s, &r);
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
	struct lease *l = slot_of(s, ip);

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
	if (hostname_len > LEASE_HOSTNAME_MAX)
		hostname_len = LEASE_HOSTNAME_MAX;
	if (hostname_len)
		memcpy(l->hostname, hostname, hostname_len);
	l->hostname_len = (uint8_t)hostname_len;
	queue_bind(s, l);
}

/**
 * lease_store_release() - free @ip (DHCPRELEASE) and queue the journal record
 * @s:		store
 * @ip:		address
 */
void lease_store_release(struct lease_store *s, struct in_addr ip)
{
	struct lease *l = slot_of(s, ip);
	struct lease_record r = { .kind = LEASE_REC_RELEASE, .ip = ip };

	if (!l || l->state != LEASE_BOUND)
		return;
	l->state = LEASE_FREE;
	memcpy(r.mac, l->mac, 6);
	queue_record(s, &r);
}

/**
 * lease_store_decline() - keep @ip from everyone until @until (DHCPDECLINE)
 * @s:		store
 * @ip:		address another host answered ARP for
 * @until:	end of the quarantine
 */
void lease_store_decline(struct lease_store *s, struct in_addr ip, int64_t until)
{
	struct lease *l = slot_of(s, ip);
	struct lease_record r = { .kind = LEASE_REC_DECLINE, .ip = ip, .time = until };

	if (!l)
		return;
	l->state = LEASE_DECLINED;
	l->expires = until;
	queue_record(s, &r);
}

/**
 * lease_store_pending() - Return: bytes of journal records waiting for lease_store_commit()
 * @s:		store
 */
size_t lease_store_pending(const struct lease_store *s)
{
	return s->pending_len;
}

/**
 * write_all() - write @len bytes or fail
 * @fd:		file
 * @buf:	bytes
 * @len:	count
 *
 * Return: 0, or -1 with errno set.
 */
static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * lease_store_commit() - append every queued record and make them durable with one fdatasync
 * @s:		store
 *
 * This is the group commit: the caller queues the bindings of a whole batch,
 * calls this once, and sends the ACKs only if it returns 0.  On failure the
 * partial tail is cut off again, so later records never glue onto half a line;
 * the bindings stay in memory (the addresses stay taken) but no ACK goes out,
 * so no client holds a lease the file does not have.
 *
 * Return: 0, or -1 with errno set.
 */
int lease_store_commit(struct lease_store *s)
{
	off_t before;
	int err;

	if (s->fd < 0 || !s->pending_len)
		return 0;
	before = lseek(s->fd, 0, SEEK_END);
	if (before >= 0 && !write_all(s->fd, s->pending, s->pending_len) && !fdatasync(s->fd)) {
		s->journal_records += s->pending_records;
		s->pending_len = s->pending_records = 0;
		return 0;
	}
	err = errno;
	log_err("%s/%s: cannot append lease records: %s", s->dir, LEASE_FILE, strerror(err));
	if (before >= 0 && ftruncate(s->fd, before))
		log_err("%s/%s: cannot cut off a partial record: %s", s->dir, LEASE_FILE,
			strerror(errno));
	s->pending_len = s->pending_records = 0;
	errno = err;
	return -1;
}

/**
 * apply_record() - replay one journal record into memory
 * @s:		store
 * @r:		record, already checked by lease_record_parse()
 *
 * Records are applied in file order with the same rules as the live calls,
 * so a later bind of an address or a MAC supersedes an earlier one.
 *
 * Return: NULL on success, otherwise why the record is skipped.
 */
static const char *apply_record(struct lease_store *s, const struct lease_record *r)
{
	struct lease *l = slot_of(s, r->ip);

	if (!l)
		return "address outside the served subnet";
	if (r->kind == LEASE_REC_BIND) {
		l = assign(s, r->mac, r->ip, LEASE_BOUND, r->time);
		memcpy(l->hostname, r->hostname, r->hostname_len);
		l->hostname_len = r->hostname_len;
	} else if (r->kind == LEASE_REC_RELEASE) {
		if (holds(l, r->mac))
			l->state = LEASE_FREE;
	} else {
		l->state = LEASE_DECLINED;
		l->expires = r->time;
	}
	return NULL;
}

/**
 * load() - read the journal back, skipping (and naming) every bad record
 * @s:		store with an open @dirfd
 *
 * A last line without its newline is a write cut short by a crash or power
 * loss; it was never synced, so no ACK depended on it.
 *
 * Return: 0, or -1 with errno set if the file exists but cannot be read.
 */
static int load(struct lease_store *s)
{
	int fd = openat(s->dirfd, LEASE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	unsigned int lineno = 0, bad = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct lease_record r;
		const char *why;

		lineno++;
		if (line[n - 1] != '\n')
			why = "record cut short (a crash during a write); it was never acknowledged";
		else if (line[0] == '#' && lineno == 1)
			continue;
		else if ((size_t)n != strlen(line))
			why = "record contains a NUL byte";
		else {
			line[n - 1] = '\0';
			why = lease_record_parse(line, &r);
			if (!why)
				why = apply_record(s, &r);
		}
		if (why && ++bad <= WARN_MAX)
			log_warn("%s/%s:%u: %s; record skipped", s->dir, LEASE_FILE, lineno, why);
	}
	if (bad > WARN_MAX)
		log_warn("%s/%s: %u more bad records skipped", s->dir, LEASE_FILE, bad - WARN_MAX);
	free(line);
	fclose(f);
	return 0;
}

/**
 * lease_store_compact() - replace the journal with one record per live binding
 * @s:		store
 * @now:	wall clock, seconds
 *
 * Write a temporary file, fsync it, rename it over the journal and fsync the
 * directory, so at every instant the journal on disk is either the old one or
 * the whole new one.  Expired bindings are kept (a returning client gets its
 * old address back); expired declines are dropped.
 *
 * Return: 0, or -1 with errno set (the old journal then stays in use).
 */
int lease_store_compact(struct lease_store *s, int64_t now)
{
	int fd, err;

	if (!s->dir)
		return 0;
	if (lease_store_commit(s))
		return -1;
	fd = openat(s->dirfd, LEASE_TMP_FILE,
		    O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if (write_all(fd, FILE_HEADER, strlen(FILE_HEADER)))
		goto fail;
	for (uint32_t i = 0; i < s->count; i++) {
		const struct lease *l = &s->slots[i];
		struct lease_record r = { .kind = LEASE_REC_DECLINE, .ip = l->ip, .time = l->expires };

		if (l->state == LEASE_BOUND)
			queue_bind(s, l);
		else if (l->state == LEASE_DECLINED && l->expires > now)
			queue_record(s, &r);
	}
	if (write_all(fd, s->pending, s->pending_len) || fsync(fd) ||
	    renameat(s->dirfd, LEASE_TMP_FILE, s->dirfd, LEASE_FILE) || fsync(s->dirfd))
		goto fail;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	s->pending_len = s->pending_records = 0;
	s->journal_records = 0;
	return 0;
fail:
	err = errno;
	log_err("%s/%s: cannot compact the lease journal: %s", s->dir, LEASE_FILE, strerror(err));
	if (fd >= 0) {
		unlinkat(s->dirfd, LEASE_TMP_FILE, 0);
		close(fd);
	}
	s->pending_len = s->pending_records = 0;
	errno = err;
	return -1;
}

/**
 * lease_store_maybe_compact() - compact once the journal has grown well past a snapshot
 * @s:		store
 * @now:	wall clock, seconds
 *
 * A snapshot holds at most one record per address, so this bounds the file to
 * about twice that, while each ACK still costs one appended line.
 *
 * Return: 0, or -1 with errno set.
 */
int lease_store_maybe_compact(struct lease_store *s, int64_t now)
{
	if (s->journal_records < COMPACT_MIN + s->count)
		return 0;
	return lease_store_compact(s, now);
}

/**
 * make_dirs() - create @path and missing parents with mode 0700
 * @path:	absolute directory path
 *
 * Return: 0, or -1 with errno set.
 */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -1;
		if (!c)
			return 0;
		*p = c;
	}
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
 * The journal is compacted at once, which also drops a torn last line so the
 * next append starts on a line of its own.
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
	s->base = h(base);
	s->count = count;
	s->fd = s->dirfd = -1;
	for (s->index_cap = 16; s->index_cap < 4 * (size_t)count; s->index_cap *= 2)
		;
	s->slots = calloc(count, sizeof(*s->slots));
	s->index = calloc(s->index_cap, sizeof(*s->index));
	if (!s->slots || !s->index || (dir && !(s->dir = strdup(dir))))
		goto fail;
	for (uint32_t i = 0; i < count; i++)
		s->slots[i].ip.s_addr = htonl(s->base + i);
	if (dir) {
		if (make_dirs(dir) ||
		    (s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		    load(s)) {
			log_err("%s: cannot read the lease directory: %s", dir, strerror(errno));
			goto fail;
		}
		if (lease_store_compact(s, now))
			goto fail;
	}
	*out = s;
	return 0;
fail:
	err = errno;
	lease_store_close(s);
	errno = err;
	return -1;
}

/**
 * lease_store_chown() - hand the directory and journal to the user the responder runs as
 * @s:		store
 * @uid:	owner
 * @gid:	group
 *
 * Compaction creates files in the directory after privileges are dropped, so
 * that user must own it.  Mode 0700: hostnames and MACs are nobody else's business.
 *
 * Return: 0, or -1 with errno set.
 */
int lease_store_chown(struct lease_store *s, uid_t uid, gid_t gid)
{
	if (!s->dir)
		return 0;
	if (fchown(s->dirfd, uid, gid) || fchmod(s->dirfd, 0700) || fchown(s->fd, uid, gid)) {
		log_err("%s: cannot hand the lease directory to uid %u: %s", s->dir,
			(unsigned int)uid, strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * lease_store_close() - flush queued records and free the store
 * @s:		store, or NULL
 */
void lease_store_close(struct lease_store *s)
{
	if (!s)
		return;
	lease_store_commit(s);
	if (s->fd >= 0)
		close(s->fd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->pending);
	free(s->index);
	free(s->slots);
	free(s->dir);
	free(s);
}
