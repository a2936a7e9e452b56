// SPDX-License-Identifier: MIT
/* policy_load.c - read the policy file and its includes from trusted places, fail closed */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/policy_int.h"

/**
 * struct loaded_file - identity of a file already read, to catch loops and repeats
 * @dev:	st_dev
 * @ino:	st_ino
 * @open:	still being parsed (it is on the include stack)
 */
struct loaded_file {
	dev_t dev;
	ino_t ino;
	bool open;
};

/**
 * struct loader - state of one policy_load() call
 * @opts:	trusted owner and resolver
 * @parse:	options handed to the parser, with the include callback pointing back here
 * @files:	every file read so far, in order
 * @nfiles:	entries in @files
 * @depth:	files currently open, the main file included
 */
struct loader {
	const struct policy_load_opts *opts;
	struct policy_parse_opts parse;
	struct loaded_file files[POLICY_MAX_FILES];
	size_t nfiles;
	unsigned int depth;
};

/**
 * read_all() - read a whole policy file into memory
 * @fd:		descriptor from policy_open_trusted()
 * @st:		its status; st_size is at most POLICY_FILE_MAX
 * @path:	name for messages
 * @len:	set to the number of bytes read
 * @err:	filled on failure
 *
 * The buffer has one byte more than the file claims, so a file that grows
 * while it is read is noticed and refused rather than read in part.
 *
 * Return: the contents (free() them), or NULL.
 */
static char *read_all(int fd, const struct stat *st, const char *path, size_t *len,
		      struct policy_error *err)
{
	size_t cap = (size_t)st->st_size + 1, got = 0;
	char *buf = malloc(cap);

	if (!buf) {
		policy_error_set(err, path, 0, "out of memory");
		return NULL;
	}
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			policy_error_set(err, path, 0, "cannot read: %s", strerror(errno));
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)st->st_size) {
		policy_error_set(err, path, 0, "the file changed while it was read");
		free(buf);
		return NULL;
	}
	*len = got;
	return buf;
}

/**
 * remember_file() - record a file about to be parsed, refusing loops and repeats
 * @l:		loader
 * @st:		the opened file's status
 * @path:	its path, for messages
 * @err:	filled on refusal
 *
 * Files are told apart by device and inode, so a loop is caught however the
 * path to the file is spelled.  A file still open is an include loop; a
 * file read before is refused too, as its rules would all be duplicates.
 *
 * Return: 0, or -1.
 */
static int remember_file(struct loader *l, const struct stat *st, const char *path,
			 struct policy_error *err)
{
	for (size_t i = 0; i < l->nfiles; i++) {
		if (l->files[i].dev != st->st_dev || l->files[i].ino != st->st_ino)
			continue;
		return policy_error_set(err, path, 0, l->files[i].open ?
					"include loop: the file includes itself" :
					"the file was already included");
	}
	if (l->nfiles >= POLICY_MAX_FILES)
		return policy_error_set(err, path, 0, "more than %d policy files",
					POLICY_MAX_FILES);
	l->files[l->nfiles++] = (struct loaded_file){ st->st_dev, st->st_ino, true };
	return 0;
}

/**
 * load_file() - check, read and parse one file into the policy; also the include callback
 * @ctx:	the loader
 * @path:	absolute path of the file
 * @p:		policy being built
 * @err:	filled on failure
 *
 * Included files get exactly the checks the main file gets.
 *
 * Return: 0, or -1.
 */
static int load_file(void *ctx, const char *path, struct policy *p, struct policy_error *err)
{
	struct loader *l = ctx;
	struct stat st;
	size_t len = 0, me;
	char *buf;
	int fd, rc;

	if (l->depth > POLICY_INCLUDE_DEPTH)
		return policy_error_set(err, path, 0, "includes are nested more than %d deep",
					POLICY_INCLUDE_DEPTH);
	fd = policy_open_trusted(path, l->opts->trusted_uid, &st, err);
	if (fd < 0)
		return -1;
	if (remember_file(l, &st, path, err)) {
		close(fd);
		return -1;
	}
	me = l->nfiles - 1;
	buf = read_all(fd, &st, path, &len, err);
	close(fd);
	if (!buf)
		return -1;
	l->depth++;
	rc = policy_parse_buffer(buf, len, path, &l->parse, p, err);
	l->depth--;
	l->files[me].open = false;
	free(buf);
	return rc;
}

/**
 * policy_load() - load the policy from a file that only its trusted owner could have written
 * @path:	absolute path of the main policy file (the helper's is compiled in)
 * @opts:	trusted owner (0 in the helper) and resolver (NULL: the system's)
 * @out:	set to the policy on success, to NULL on failure
 * @err:	on failure, the file:line at fault and why
 *
 * The file, every included file and every directory above each of them must
 * be safe (see policy_open_trusted()), and every line must parse.  Anything
 * less fails the whole load: there is no partial policy.
 *
 * Return: 0 on success, -1 on failure.
 */
int policy_load(const char *path, const struct policy_load_opts *opts,
		struct policy **out, struct policy_error *err)
{
	struct loader *l;
	struct policy *p;
	int rc = -1;

	*out = NULL;
	if (!opts)
		return policy_error_set(err, path, 0, "no load options");
	/* The loader is a few KiB: keep it off the helper's stack. */
	l = calloc(1, sizeof(*l));
	p = policy_new();
	if (!l || !p) {
		policy_error_set(err, path, 0, "out of memory");
		goto out;
	}
	l->opts = opts;
	l->parse.resolver = opts->resolver ? opts->resolver : &policy_resolver_system;
	l->parse.include = load_file;
	l->parse.include_ctx = l;
	rc = load_file(l, path, p, err);
out:
	free(l);
	if (rc)
		policy_free(p);
	else
		*out = p;
	return rc;
}
