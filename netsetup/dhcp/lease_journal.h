/* SPDX-License-Identifier: MIT */
/* lease_journal.h - the lease file on disk: replay, group-committed appends, atomic rewrite */
#ifndef REDOX_NET_LEASE_JOURNAL_H
#define REDOX_NET_LEASE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "netsetup/dhcp/lease_record.h"

#define LEASE_FILE		"leases"
#define LEASE_TMP_FILE		"leases.tmp"

/**
 * struct lease_journal - the journal file and the records waiting for the next commit
 * @dir:		directory path, for messages; NULL when nothing is persisted
 * @dirfd:		open directory, for openat/renameat and its fsync
 * @fd:			journal opened O_APPEND, -1 until the first rewrite
 * @pending:		formatted records queued since the last commit
 * @pending_len:	bytes in @pending
 * @pending_cap:	size of @pending
 * @pending_records:	records in @pending
 * @appended:		records appended since the last rewrite
 * @skipped:		damaged records the replay at open skipped
 * @must_rewrite:	appends are refused until a whole new file is in place: none
 *			yet, a failed append left a tail that could not be cut off, or
 *			a rename went through but the directory could not be synced
 * @failing:		the last write failed and the fix was logged; cleared by
 *			the next one that succeeds
 */
struct lease_journal {
	char *dir;
	int dirfd, fd;
	char *pending;
	size_t pending_len, pending_cap, pending_records;
	size_t appended;
	unsigned int skipped;
	bool must_rewrite;
	bool failing;
};

/* Replays one checked record; Return: NULL, or why it is skipped. */
typedef const char *(*lease_journal_apply_fn)(void *ctx, const struct lease_record *r);

int lease_journal_open(struct lease_journal *j, const char *dir,
		       lease_journal_apply_fn apply, void *ctx);
void lease_journal_queue(struct lease_journal *j, const struct lease_record *r);
void lease_journal_discard(struct lease_journal *j);
int lease_journal_commit(struct lease_journal *j);
int lease_journal_rewrite(struct lease_journal *j);
int lease_journal_chown(struct lease_journal *j, uid_t uid, gid_t gid);
void lease_journal_close(struct lease_journal *j);

#endif
