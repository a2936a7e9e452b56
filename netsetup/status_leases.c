// SPDX-License-Identifier: MIT
/*
 * status_leases.c - `status`: the responder's lease journal, read without disturbing it
 *
 * The responder never holds a lock on its journal and needs none from a
 * reader: it only appends whole lines and syncs them before it sends an ACK,
 * and replaces the file by renaming a complete new one over it
 * (netsetup/dhcp/lease_journal.c).  So one open() pins one file, which is
 * either the journal as it was before a rewrite, or the current one; every
 * line in it ending in a newline was written whole.  A last line without
 * one is an append still in progress, which no ACK has depended on yet: it is
 * left out and reported, as the responder's own replay does.  Nothing here
 * writes, locks or creates anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netsetup/dhcp/lease_journal.h"
#include "netsetup/dhcp/lease_record.h"
#include "netsetup/status_leases.h"

/**
 * apply() - one record, with the rules the responder replays it with
 * @r:		the record
 * @want:	the MACs looked up
 * @n:		how many
 *
 * A MAC holds at most one bound address: its latest bind.  Someone else's
 * bind of that address, a release of it by the MAC, or a decline of it ends
 * the binding (lease_store.c, apply_record() and assign()).
 */
static void apply(const struct lease_record *r, struct lease_want *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lease_want *w = &want[i];
		bool mine = !memcmp(w->mac, r->mac, 6), same_ip = w->ip.s_addr == r->ip.s_addr;

		if (r->kind == LEASE_REC_BIND && mine) {
			w->found = true;
			w->ip = r->ip;
			w->expires = r->time;
		} else if (w->found && same_ip &&
			   (r->kind == LEASE_REC_DECLINE || r->kind == LEASE_REC_BIND ||
			    (r->kind == LEASE_REC_RELEASE && mine))) {
			w->found = false;
		}
	}
}

/**
 * status_leases_lookup() - the bound address and expiry of each MAC in @want
 * @dir:	the responder's lease directory (--lease-dir)
 * @want:	MACs to look up; results are filled in
 * @n:		how many
 * @out:	what the read found
 *
 * Return: 0; -ENOENT if there is no journal (no responder ever ran with
 * @dir); -EACCES when the caller may not read it (the directory is the
 * responder user's, mode 0700); or another negative errno.
 */
int status_leases_lookup(const char *dir, struct lease_want *want, size_t n,
			 struct lease_read *out)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned int lineno = 0;
	FILE *f;
	int fd;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		want[i].found = false;
	if (snprintf(path, sizeof(path), "%s/%s", dir, LEASE_FILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		struct lease_record r;

		if (++lineno == 1 && line[0] == '#' && line[len - 1] == '\n')
			continue;
		if (line[len - 1] != '\n') {
			out->torn = true;
			break;
		}
		line[len - 1] = '\0';
		if ((size_t)len - 1 != strlen(line) || lease_record_parse(line, &r)) {
			out->damaged++;
			continue;
		}
		out->records++;
		apply(&r, want, n);
	}
	free(line);
	fclose(f);
	return 0;
}
