// SPDX-License-Identifier: MIT
/* journal.c - the state journal: one record per object `up` created or changed */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/decimal.h"
#include "lib/ifname.h"
#include "lib/inet.h"
#include "lib/log.h"
#include "lib/util.h"
#include "teardown/daemon.h"
#include "teardown/journal.h"

#define JOURNAL_MAGIC "redox-net-journal 1"
#define JOURNAL_MAX_RECORDS 4096
/* Second line: "netns INO COOKIE", the network namespace that wrote the journal. */
#define JOURNAL_NETNS "netns "

static const char *const kind_names[] = {
	[JREC_SYSCTL] = "sysctl",
	[JREC_DEVICE] = "device",
	[JREC_ADDRESS] = "address",
	[JREC_NFT_TABLE] = "nft",
	[JREC_DHCP] = "dhcp",
};

/* The only sysctls `up` changes.  Replay writes to /proc/sys/<key>, so a
 * journal must never be able to name any other file. */
static const char *const allowed_sysctls[] = { "net/ipv4/ip_forward" };

/**
 * journal_kind_name() - Return: the record keyword for @kind
 * @kind:	record kind
 */
const char *journal_kind_name(enum journal_kind kind)
{
	return kind_names[kind];
}

static int save(struct journal *j);

static bool token_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/-", *s))
			return false;
	return true;
}

static const char *validate(const struct journal_record *r)
{
	struct daemon_id id;
	struct rn_prefix p;

	switch (r->kind) {
	case JREC_SYSCTL:
		for (size_t i = 0; i < ARRAY_SIZE(allowed_sysctls); i++)
			if (!strcmp(r->object, allowed_sysctls[i]))
				return strspn(r->value, "0123456789") == strlen(r->value) ?
				       NULL : "the old sysctl value is not a number";
		return "that sysctl is not one redox-net changes";
	case JREC_DEVICE:
		if (!ifname_is_valid(r->object))
			return "invalid device name";
		if (strcmp(r->value, "tap") && strcmp(r->value, "macvtap") && strcmp(r->value, "bridge"))
			return "unknown device kind";
		return NULL;
	case JREC_ADDRESS:
		if (!ifname_is_valid(r->object))
			return "invalid device name";
		return prefix_parse(r->value, &p) ? "invalid address" : NULL;
	case JREC_NFT_TABLE:
		return strcmp(r->object, "ip/redox_net") && strcmp(r->object, "bridge/redox_net") ?
		       "not redox-net's nftables table" : NULL;
	case JREC_DHCP:
		/* Replay signals this pid, so no group (0, -1) or odd form may get through. */
		return daemon_id_parse(r->object, r->value, &id);
	}
	return "unknown record";
}

/**
 * journal_parse_line() - parse and validate one record line (without newline)
 * @line:	"KIND OBJECT VALUE"
 * @out:	parsed record
 *
 * Every field is checked for its kind, so a damaged or tampered journal can
 * never make teardown touch something `up` would not have created.
 *
 * Return: NULL on success, otherwise why the line was refused.
 */
const char *journal_parse_line(const char *line, struct journal_record *out)
{
	char kind[16], extra;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (strlen(line) > (size_t)3 * JOURNAL_FIELD_MAX)
		return "line too long";
	if (sscanf(line, "%15s %63s %63s %c", kind, out->object, out->value, &extra) != 3)
		return "expected KIND OBJECT VALUE";
	if (!token_ok(out->object) || !token_ok(out->value))
		return "unexpected characters";
	for (i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (!strcmp(kind, kind_names[i]))
			break;
	if (i == ARRAY_SIZE(kind_names))
		return "unknown record kind";
	out->kind = (enum journal_kind)i;
	return validate(out);
}

/**
 * journal_format_record() - print a record as one journal line, with newline
 * @rec:	record, validated
 * @buf:	destination
 * @size:	size of @buf
 *
 * Return: length written, or -EINVAL if the record does not validate.
 */
int journal_format_record(const struct journal_record *rec, char *buf, size_t size)
{
	int n;

	if (validate(rec) || !token_ok(rec->object) || !token_ok(rec->value))
		return -EINVAL;
	n = snprintf(buf, size, "%s %s %s\n", kind_names[rec->kind], rec->object, rec->value);
	return n < 0 || (size_t)n >= size ? -EINVAL : n;
}

static int push(struct journal *j, const struct journal_record *rec)
{
	if (j->count == JOURNAL_MAX_RECORDS)
		return -E2BIG;
	if (j->count == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 16;
		struct journal_record *n = reallocarray(j->recs, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		j->recs = n;
		j->cap = cap;
	}
	j->recs[j->count++] = *rec;
	return 0;
}

/**
 * parse_owner() - parse the "INO COOKIE" of a journal's netns line
 * @s:		the line after "netns "
 * @id:		filled with the namespace
 *
 * Return: 0, or -EINVAL when it is not two decimals.
 */
static int parse_owner(const char *s, struct netns_id *id)
{
	char ino[24], cookie[24], extra;

	if (strlen(s) >= sizeof(ino) + sizeof(cookie) ||
	    sscanf(s, "%23s %23s %c", ino, cookie, &extra) != 2 ||
	    decimal_parse(ino, ~0ULL, &id->ino) || decimal_parse(cookie, ~0ULL, &id->cookie))
		return -EINVAL;
	return 0;
}

static int read_records(struct journal *j, int dirfd)
{
	struct journal_record rec;
	char line[512];
	bool first = true;
	FILE *f;
	int fd, err = 0;

	fd = openat(dirfd, "journal", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		j->missing = errno == ENOENT;
		return errno == ENOENT ? 0 : -errno;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {	/* over-long line: skip the rest of it */
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			j->bad_lines++;
			continue;
		}
		if (first) {
			first = false;
			if (!strcmp(line, JOURNAL_MAGIC))
				continue;
			j->bad_lines++;
		}
		if (!j->count && !j->has_owner && !strncmp(line, JOURNAL_NETNS, strlen(JOURNAL_NETNS))) {
			if (parse_owner(line + strlen(JOURNAL_NETNS), &j->owner))
				j->bad_lines++;
			else
				j->has_owner = true;
			continue;
		}
		if (journal_parse_line(line, &rec))
			j->bad_lines++;
		else
			err = push(j, &rec);
	}
	fclose(f);
	return err;
}

/**
 * check_owner() - make sure the journal just read belongs to this network namespace
 * @j:		journal, read
 *
 * Two namespaces may share a run directory (`ip netns exec` keeps the host's /run;
 * a --run-dir given to both).  A journal written by a namespace that still exists
 * is refused, so that neither takes over or undoes the other's records.  One
 * written by a namespace that is gone (its devices, sysctls and table went with
 * it) is dropped, even when a new namespace got its inode: the cookie tells them
 * apart.  A journal without a netns line (older versions) is taken as this one's.
 *
 * Return: 0, or -EXDEV when the journal belongs to another live namespace.
 */
static int check_owner(struct journal *j)
{
	if (netns_id_self(&j->self) < 0 || !j->has_owner || netns_id_same(&j->owner, &j->self))
		return 0;
	if (j->owner.ino != j->self.ino && netns_ino_alive(j->owner.ino)) {
		log_err("the journal in %s belongs to network namespace net:[%llu], not this one (net:[%llu])",
			j->dir, j->owner.ino, j->self.ino);
		log_hint("run redox-netsetup in that namespace, or give this one its own --run-dir");
		return -EXDEV;
	}
	log_info("the journal in %s was left by network namespace net:[%llu], which no longer exists; dropping its %zu record%s",
		 j->dir, j->owner.ino, j->count, j->count == 1 ? "" : "s");
	j->count = 0;
	j->missing = true;
	j->has_owner = false;
	return save(j);
}

/**
 * journal_open() - lock a run directory and read its journal
 * @j:		journal to fill
 * @dir:	run directory, e.g. /run/redox-net
 * @create:	create the directory (mode 0700) when it is missing
 *
 * The lock is held until journal_close(), so two `up`/`down` runs never
 * interleave their steps.
 *
 * Return: 0, or a negative errno (-ENOENT when @dir is missing and !@create).
 */
int journal_open(struct journal *j, const char *dir, bool create)
{
	int err;

	memset(j, 0, sizeof(*j));
	j->lock_fd = j->dir_fd = -1;
	if (strlen(dir) >= sizeof(j->dir))
		return -ENAMETOOLONG;
	strcpy(j->dir, dir);
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	j->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j->dir_fd < 0)
		return -errno;
	j->lock_fd = openat(j->dir_fd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (j->lock_fd < 0 || flock(j->lock_fd, LOCK_EX) < 0) {
		err = -errno;
		journal_close(j);
		return err;
	}
	err = read_records(j, j->dir_fd);
	if (!err)
		err = check_owner(j);
	if (err)
		journal_close(j);
	return err;
}

/**
 * journal_close() - release the lock and the records
 * @j:		journal
 */
void journal_close(struct journal *j)
{
	if (j->dir_fd >= 0)
		close(j->dir_fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	j->lock_fd = j->dir_fd = -1;
	free(j->recs);
	j->recs = NULL;
	j->count = j->cap = 0;
}

/**
 * write_all() - write @len bytes of @buf to @fd, resuming after short writes
 * @fd:		file
 * @buf:	bytes
 * @len:	how many
 *
 * Return: 0, or a negative errno (-EIO if the file took nothing and said nothing).
 */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The journal is a handful of lines, so every change rewrites it whole: the
 * lines are gathered in a buffer, written to a temporary file, and the file is
 * renamed over the old one once it is complete.  A process killed at any point
 * leaves the old journal or the new one, never a torn one: the rename is atomic
 * and what was written is in the page cache whether or not the process lives.
 *
 * There is no fsync.  It would protect the file against a power loss, but the
 * journal describes kernel state (devices, addresses, a table, a sysctl) that a
 * power loss erases too, and /run is a tmpfs that goes with it.  On a disk-backed
 * run directory, whatever survives (the old journal, the new one, or an empty
 * file) describes objects that no longer exist: its netns line names the
 * namespace of the previous boot, so journal_open() drops it (check_owner()),
 * and replay of a record whose object is gone is harmless anyway.
 */
static int save(struct journal *j)
{
	char buf[4096];
	size_t len;
	int fd, n, err = 0;

	if (j->count == 0) {
		if (unlinkat(j->dir_fd, "journal", 0) < 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	fd = openat(j->dir_fd, "journal.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = j->self.ino ? snprintf(buf, sizeof(buf), "%s\n%s%llu %llu\n", JOURNAL_MAGIC, JOURNAL_NETNS,
				   j->self.ino, j->self.cookie) :
			  snprintf(buf, sizeof(buf), "%s\n", JOURNAL_MAGIC);
	len = (size_t)n;
	for (size_t i = 0; !err && i < j->count; i++) {
		char line[256];

		n = journal_format_record(&j->recs[i], line, sizeof(line));
		if (n < 0) {
			err = n;
			break;
		}
		if (len + (size_t)n > sizeof(buf)) {
			err = write_all(fd, buf, len);
			len = 0;
		}
		memcpy(buf + len, line, (size_t)n);
		len += (size_t)n;
	}
	if (!err)
		err = write_all(fd, buf, len);
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(j->dir_fd, "journal.tmp", j->dir_fd, "journal") < 0)
		err = -errno;
	if (err)
		unlinkat(j->dir_fd, "journal.tmp", 0);
	return err;
}

/**
 * journal_find() - Return: the record for (@kind, @object), or NULL
 * @j:		journal
 * @kind:	record kind
 * @object:	object name
 */
struct journal_record *journal_find(struct journal *j, enum journal_kind kind, const char *object)
{
	for (size_t i = 0; i < j->count; i++)
		if (j->recs[i].kind == kind && !strcmp(j->recs[i].object, object))
			return &j->recs[i];
	return NULL;
}

/**
 * journal_put() - add a record, or update the one for the same object, and save
 * @j:		journal
 * @rec:	record
 *
 * Return: 0 once the record is durable, or a negative errno (nothing changed).
 */
int journal_put(struct journal *j, const struct journal_record *rec)
{
	struct journal_record *old = journal_find(j, rec->kind, rec->object), saved;
	int err;

	if (validate(rec))
		return -EINVAL;
	if (old) {
		saved = *old;
		*old = *rec;
		err = save(j);
		if (err)
			*old = saved;
		return err;
	}
	err = push(j, rec);
	if (!err && (err = save(j)))
		j->count--;
	return err;
}

/**
 * journal_truncate() - keep only the first @count records, and save
 * @j:		journal
 * @count:	records to keep; 0 removes the journal file
 *
 * Return: 0 or a negative errno.
 */
int journal_truncate(struct journal *j, size_t count)
{
	if (count < j->count)
		j->count = count;
	return save(j);
}

/**
 * journal_drop() - remove the records marked in @drop (they were undone), and save
 * @j:		journal
 * @drop:	one flag per record
 *
 * Return: 0 or a negative errno.
 */
int journal_drop(struct journal *j, const bool *drop)
{
	size_t kept = 0;

	for (size_t i = 0; i < j->count; i++)
		if (!drop[i])
			j->recs[kept++] = j->recs[i];
	j->count = kept;
	return save(j);
}
