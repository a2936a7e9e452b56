/* SPDX-License-Identifier: MIT */
/* journal.h - the state journal: one record per object `up` created or changed */
#ifndef REDOX_NET_JOURNAL_H
#define REDOX_NET_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "teardown/netns_id.h"

#define JOURNAL_FIELD_MAX 64

enum journal_kind {
	JREC_SYSCTL,	/* object: sysctl key, value: the value before `up` */
	JREC_DEVICE,	/* object: device name, value: "tap", "macvtap" or "bridge" */
	JREC_ADDRESS,	/* object: device name, value: address/prefix */
	JREC_NFT_TABLE,	/* object: "family/table", value: digest of what was installed */
	JREC_DHCP,	/* object: the responder's pid, value: its start time (struct daemon_id) */
};

/**
 * struct journal_record - one undoable change
 * @kind:	what was changed
 * @object:	which object (validated for its kind)
 * @value:	what undo needs (validated for its kind)
 */
struct journal_record {
	enum journal_kind kind;
	char object[JOURNAL_FIELD_MAX];
	char value[JOURNAL_FIELD_MAX];
};

/**
 * struct journal - the journal of one run directory, locked while open
 * @dir:	run directory
 * @lock_fd:	flock()ed lock file, -1 when not open
 * @dir_fd:	the run directory, open while the journal is (save() writes through it)
 * @recs:	records in the order they were written
 * @count:	number of records
 * @cap:	allocated records
 * @bad_lines:	lines that failed validation when it was read (damaged journal)
 * @missing:	there was no journal file
 * @self:	the network namespace this process is in; save() stamps the journal with it
 * @owner:	the namespace that wrote the journal (its "netns" line), when @has_owner
 * @has_owner:	the journal had a "netns" line (journals before it had none)
 */
struct journal {
	char dir[4096];
	int lock_fd, dir_fd;
	struct journal_record *recs;
	size_t count, cap;
	unsigned int bad_lines;
	bool missing;
	struct netns_id self, owner;
	bool has_owner;
};

const char *journal_kind_name(enum journal_kind kind);
const char *journal_parse_line(const char *line, struct journal_record *out);
int journal_format_record(const struct journal_record *rec, char *buf, size_t size);

int journal_open(struct journal *j, const char *dir, bool create);
void journal_close(struct journal *j);
struct journal_record *journal_find(struct journal *j, enum journal_kind kind,
				    const char *object);
int journal_put(struct journal *j, const struct journal_record *rec);
int journal_truncate(struct journal *j, size_t count);
int journal_drop(struct journal *j, const bool *drop);

#endif
