// SPDX-License-Identifier: MIT
/* lease_journal.c - the lease file on disk: replay, group-committed appends, atomic rewrite */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dhcp/lease_journal.h"

#define FILE_HEADER	"# redox-net DHCP leases v1\n"
#define WARN_MAX	10	/* bad records named one by one; the rest are counted */

/**
 * lease_journal_queue() - add one record to the next commit or rewrite
 * @j:		journal
 * @r:		record
 */
void lease_journal_queue(struct lease_journal *j, const struct lease_record *r)
{
	char line[LEASE_RECORD_MAX];
	size_t n;

	if (!j->dir)
		return;
	n = lease_record_format(r, line);
	line[n++] = '\n';
	if (j->pending_len + n > j->pending_cap) {
		size_t cap = j->pending_cap ? 2 * j->pending_cap : 4096;
		char *p;

		while (cap < j->pending_len + n)
			cap *= 2;
		p = realloc(j->pending, cap);
		if (!p)
			abort();	/* a few KB: nothing sensible is left to do */
		j->pending = p;
		j->pending_cap = cap;
	}
	memcpy(j->pending + j->pending_len, line, n);
	j->pending_len += n;
	j->pending_records++;
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
 * lease_journal_discard() - drop the records queued since the last commit
 * @j:		journal
 */
void lease_journal_discard(struct lease_journal *j)
{
	j->pending_len = j->pending_records = 0;
}

/**
 * release_buffer() - give back a write buffer grown to a snapshot's size
 * @j:		journal, with nothing queued
 *
 * A compaction queues every lease at once, so the buffer grows to the size
 * of the whole file (about 70 bytes a lease: 4.5 MB for a /16); a batch of
 * appends needs a few KB.  Kept, it would stay private memory for good.
 */
static void release_buffer(struct lease_journal *j)
{
	free(j->pending);
	j->pending = NULL;
	j->pending_cap = 0;
}

/**
 * journal_failed() - log a write of the journal that failed, and the fix once per run of failures
 * @j:		journal
 * @what:	what could not be done
 * @err:	errno
 */
static void journal_failed(struct lease_journal *j, const char *what, int err)
{
	log_err("%s/%s: %s: %s", j->dir, LEASE_FILE, what, strerror(err));
	if (j->failing)
		return;
	j->failing = true;
	if (err == ENOSPC || err == EDQUOT)
		log_hint("free space on the file system that holds %s (or raise the quota there); "
			 "no lease is acknowledged that cannot be saved", j->dir);
	else
		log_hint("check the file system that holds %s (the kernel log names I/O errors); "
			 "no lease is acknowledged that cannot be saved", j->dir);
}

/* journal_saved() - a write went through: say so if the ones before it failed */
static void journal_saved(struct lease_journal *j)
{
	if (!j->failing)
		return;
	j->failing = false;
	log_info("%s/%s: lease records are saved again", j->dir, LEASE_FILE);
}

/**
 * lease_journal_commit() - append every queued record and make them durable with one fdatasync
 * @j:		journal
 *
 * This is the group commit: the caller queues the records of a whole batch,
 * calls this once, and sends the ACKs only if it returns 0.  On failure the
 * partial tail is cut off again, so later records never glue onto half a line.
 * If even that fails (a file system may need space to shrink a file), the
 * half line stays where it is, at the very end, where the replay knows it
 * for a torn write; nothing more is appended behind it, and @j->must_rewrite
 * tells the caller that only lease_journal_rewrite() can save records now.
 *
 * Return: 0, or -1 with errno set (the queued records are dropped).
 */
int lease_journal_commit(struct lease_journal *j)
{
	off_t before;
	int err;

	if (!j->pending_len)
		return 0;
	if (j->must_rewrite) {
		lease_journal_discard(j);
		errno = EIO;
		return -1;
	}
	before = lseek(j->fd, 0, SEEK_END);
	if (before >= 0 && !write_all(j->fd, j->pending, j->pending_len) && !fdatasync(j->fd)) {
		j->appended += j->pending_records;
		lease_journal_discard(j);
		journal_saved(j);
		return 0;
	}
	err = errno;
	journal_failed(j, "cannot append lease records", err);
	if (before >= 0 && ftruncate(j->fd, before)) {
		log_err("%s/%s: cannot cut off a partial record: %s; no record is appended until "
			"the whole file is rewritten", j->dir, LEASE_FILE, strerror(errno));
		j->must_rewrite = true;
	}
	lease_journal_discard(j);
	errno = err;
	return -1;
}

/**
 * lease_journal_rewrite() - make the queued records the whole journal, atomically
 * @j:		journal; the caller has queued a snapshot of every lease
 *
 * Write a temporary file, fsync it, rename it over the journal and fsync the
 * directory, so at every instant the file on disk is either the old journal
 * or the whole new one.  The new file then takes the appends.
 *
 * A failure before the rename leaves the old journal as it was, in use.
 * After the rename the new file is the journal whatever happens, so it is
 * the one kept open; but if the directory cannot be synced, a crash could
 * bring the old file back, so appends stay refused (@j->must_rewrite) until
 * a later rewrite gets all the way through.
 *
 * Return: 0, or -1 with errno set.
 */
int lease_journal_rewrite(struct lease_journal *j)
{
	int fd, err;

	if (!j->dir)
		return 0;
	fd = openat(j->dirfd, LEASE_TMP_FILE,
		    O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, FILE_HEADER, strlen(FILE_HEADER)) ||
	    write_all(fd, j->pending, j->pending_len) || fsync(fd) ||
	    renameat(j->dirfd, LEASE_TMP_FILE, j->dirfd, LEASE_FILE)) {
		err = errno;
		journal_failed(j, "cannot rewrite the lease journal", err);
		if (fd >= 0) {
			unlinkat(j->dirfd, LEASE_TMP_FILE, 0);
			close(fd);
		}
		lease_journal_discard(j);
		release_buffer(j);
		errno = err;
		return -1;
	}
	if (j->fd >= 0)
		close(j->fd);
	j->fd = fd;
	j->appended = 0;
	lease_journal_discard(j);
	release_buffer(j);
	if (fsync(j->dirfd)) {
		err = errno;
		journal_failed(j, "cannot sync the directory after rewriting the lease journal", err);
		j->must_rewrite = true;
		errno = err;
		return -1;
	}
	j->must_rewrite = false;
	journal_saved(j);
	return 0;
}

/**
 * replay() - read the journal back, skipping (and naming) every bad record
 * @j:		journal with an open @dirfd
 * @apply:	called for each record that passes lease_record_parse()
 * @ctx:	passed to @apply
 *
 * A last line without its newline is a write cut short by a crash or power
 * loss; it was never synced, so no ACK depended on it.  It is dropped and
 * reported apart from damaged records, which @j->skipped counts.
 *
 * Return: 0, or -1 with errno set if the file exists but cannot be read.
 */
static int replay(struct lease_journal *j, lease_journal_apply_fn apply, void *ctx)
{
	int fd = openat(j->dirfd, LEASE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	unsigned int lineno = 0, records = 0, bad = 0;
	bool torn = false;
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

		if (++lineno == 1 && line[0] == '#' && line[n - 1] == '\n')
			continue;
		records++;
		if (line[n - 1] != '\n') {
			log_warn("%s/%s:%u: record cut short (a crash during a write); it was never "
				 "acknowledged; record dropped", j->dir, LEASE_FILE, lineno);
			torn = true;
			continue;
		}
		if ((size_t)n != strlen(line)) {
			why = "record contains a NUL byte";
		} else {
			line[n - 1] = '\0';
			why = lease_record_parse(line, &r);
			if (!why)
				why = apply(ctx, &r);
		}
		if (why && ++bad <= WARN_MAX)
			log_warn("%s/%s:%u: %s; record skipped", j->dir, LEASE_FILE, lineno, why);
	}
	if (bad > WARN_MAX)
		log_warn("%s/%s: %u more bad records skipped", j->dir, LEASE_FILE, bad - WARN_MAX);
	log_info("%s/%s: %u records replayed, %u damaged and skipped%s", j->dir, LEASE_FILE,
		 records - torn, bad, torn ? ", a torn last line dropped" : "");
	j->skipped = bad;
	free(line);
	fclose(f);
	return 0;
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
		char c = *p;

		if (c != '/' && c)
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -1;
		if (!c)
			return 0;
		*p = c;
	}
}

/**
 * lease_journal_open() - open the lease directory and replay the journal in it
 * @j:		journal to set up
 * @dir:	directory (created 0700 if missing), or NULL to persist nothing
 * @apply:	called for every valid record, in file order
 * @ctx:	passed to @apply
 *
 * Appends are possible only after the first lease_journal_rewrite(), which
 * the caller does at once: that also drops a torn last line, so the next
 * append starts on a line of its own.
 *
 * Return: 0, or -1 with errno set and the reason logged.
 */
int lease_journal_open(struct lease_journal *j, const char *dir,
		       lease_journal_apply_fn apply, void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->fd = j->dirfd = -1;
	if (!dir)
		return 0;
	j->must_rewrite = true;
	j->dir = strdup(dir);
	if (!j->dir || make_dirs(dir) ||
	    (j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    replay(j, apply, ctx)) {
		log_err("%s: cannot read the lease directory: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * lease_journal_chown() - hand the directory and journal to the user the responder runs as
 * @j:		journal, after its first rewrite
 * @uid:	owner
 * @gid:	group
 *
 * Rewrites create files in the directory after privileges are dropped, so
 * that user must own it.  Mode 0700: hostnames and MACs are nobody else's business.
 *
 * Return: 0, or -1 with errno set.
 */
int lease_journal_chown(struct lease_journal *j, uid_t uid, gid_t gid)
{
	if (!j->dir)
		return 0;
	if (fchown(j->dirfd, uid, gid) || fchmod(j->dirfd, 0700) || fchown(j->fd, uid, gid)) {
		log_err("%s: cannot hand the lease directory to uid %u: %s", j->dir,
			(unsigned int)uid, strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * lease_journal_close() - commit what is queued and release everything
 * @j:		journal
 */
void lease_journal_close(struct lease_journal *j)
{
	lease_journal_commit(j);
	if (j->fd >= 0)
		close(j->fd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	free(j->pending);
	free(j->dir);
	memset(j, 0, sizeof(*j));
	j->fd = j->dirfd = -1;
}
