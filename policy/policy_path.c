// SPDX-License-Identifier: MIT
/* policy_path.c - open a policy file only if no one but its trusted owner could have written it */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/policy_int.h"

/**
 * policy_path_problem() - explain why a string is not an acceptable policy path
 * @path:	candidate, NUL-terminated
 *
 * Policy paths are absolute and canonical: no empty, "." or ".." component
 * and no trailing '/', so the path that is checked, logged and opened is one
 * and the same.  The character set is small because the path ends up in
 * error messages and in the audit log.
 *
 * Return: NULL if @path is acceptable, otherwise a short reason.
 */
const char *policy_path_problem(const char *path)
{
	const char *comp;
	size_t len;

	if (!path || !*path)
		return "the path is empty";
	if (path[0] != '/')
		return "the path is not absolute";
	len = strnlen(path, POLICY_PATH_MAX);
	if (len >= POLICY_PATH_MAX)
		return "the path is longer than 255 bytes";
	for (size_t i = 0; i < len; i++) {
		char c = path[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("_.+-/", c)))
			return "only letters, digits, '_', '.', '+', '-' and '/' are allowed in a path";
	}
	for (comp = path + 1;; ) {
		size_t n = strcspn(comp, "/");

		if (n == 0)
			return "the path has an empty component or ends in '/'";
		if ((n == 1 && comp[0] == '.') || (n == 2 && !strncmp(comp, "..", 2)))
			return "the path has a '.' or '..' component";
		if (!comp[n])
			return NULL;
		comp += n + 1;
	}
}

/**
 * describe_type() - Return: a few words naming the file type in @mode
 * @mode:	st_mode
 */
static const char *describe_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symlink";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
	case S_IFBLK:
		return "a device node";
	}
	return "of an unknown type";
}

/**
 * check_owner_mode() - refuse an object that someone untrusted could change
 * @st:		its status
 * @is_dir:	true for a directory on the way, false for the policy file
 * @trusted:	the trusted uid
 * @shown:	path prefix naming the object in the message
 * @file:	the policy file being opened, for @err
 * @err:	filled on refusal
 *
 * Directories may belong to root or to @trusted (root owns "/" even when a
 * test trusts its own uid); the file itself must belong to @trusted exactly.
 * Group- or world-writable is refused even with the sticky bit: the rule is
 * that no one but the owner can write anything on the path.
 *
 * Return: 0 if acceptable, -1 otherwise.
 */
static int check_owner_mode(const struct stat *st, bool is_dir, uid_t trusted,
			    const char *shown, const char *file,
			    struct policy_error *err)
{
	const char *what = is_dir ? "directory" : "file";

	if (is_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return policy_error_set(err, file, 0, "%s is %s, not a %s", shown,
					describe_type(st->st_mode),
					is_dir ? "directory" : "regular file");
	if (st->st_uid != trusted && !(is_dir && st->st_uid == 0))
		return policy_error_set(err, file, 0, "%s %s is owned by uid %u, not %u",
					what, shown, (unsigned int)st->st_uid,
					(unsigned int)trusted);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return policy_error_set(err, file, 0,
					"%s %s is group- or world-writable (mode %04o)",
					what, shown, (unsigned int)(st->st_mode & 07777));
	return 0;
}

/**
 * refuse_open() - turn a failed openat() of one path component into an error
 * @dirfd:	directory the component was looked up in
 * @name:	the component
 * @is_dir:	whether a directory was expected
 * @shown:	path prefix naming the component
 * @file:	the policy file being opened
 * @err:	filled
 *
 * O_NOFOLLOW reports a symlink as ELOOP or ENOTDIR; a look at the entry
 * itself turns that into a message an administrator can act on.  When the
 * look finds what was expected after all (the entry was swapped back in the
 * meantime), the message is the kernel's, never "a directory, not a directory".
 *
 * Return: -1.
 */
static int refuse_open(int dirfd, const char *name, bool is_dir, const char *shown,
		       const char *file, struct policy_error *err)
{
	int saved = errno;
	struct stat st;

	if ((saved == ELOOP || saved == ENOTDIR) &&
	    !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
	    (S_ISLNK(st.st_mode) || (is_dir && !S_ISDIR(st.st_mode))))
		return policy_error_set(err, file, 0, "%s is %s, not a %s", shown,
					describe_type(st.st_mode),
					is_dir ? "directory" : "regular file");
	return policy_error_set(err, file, 0, "cannot open %s: %s", shown, strerror(saved));
}

/**
 * open_last() - open the policy file itself below its checked directory
 * @dirfd:	the checked parent directory
 * @name:	last path component
 * @path:	whole path, for messages
 * @trusted:	the trusted uid
 * @st:		filled with the opened file's status
 * @err:	filled on failure
 *
 * The entry is looked at before it is opened so that a device node is never
 * opened at all (opening one can have side effects); O_NONBLOCK keeps a FIFO
 * swapped in between from blocking the open, and the fstat of the descriptor
 * is the check that counts.
 *
 * Return: the descriptor, or -1.
 */
static int open_last(int dirfd, const char *name, const char *path, uid_t trusted,
		     struct stat *st, struct policy_error *err)
{
	struct stat pre;
	int fd;

	if (fstatat(dirfd, name, &pre, AT_SYMLINK_NOFOLLOW))
		return refuse_open(dirfd, name, false, path, path, err);
	if (check_owner_mode(&pre, false, trusted, path, path, err))
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return refuse_open(dirfd, name, false, path, path, err);
	if (fstat(fd, st)) {
		policy_error_set(err, path, 0, "cannot fstat: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (check_owner_mode(st, false, trusted, path, path, err)) {
		close(fd);
		return -1;
	}
	if (st->st_size > POLICY_FILE_MAX) {
		policy_error_set(err, path, 0, "the file is larger than %d bytes",
				 POLICY_FILE_MAX);
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * check_dir_fd() - check a directory on the path through its descriptor
 * @dirfd:	O_PATH descriptor of the directory
 * @trusted:	the trusted uid
 * @shown:	path prefix naming it
 * @file:	the policy file being opened
 * @err:	filled on refusal
 *
 * Return: 0 if acceptable, -1 otherwise.
 */
static int check_dir_fd(int dirfd, uid_t trusted, const char *shown, const char *file,
			struct policy_error *err)
{
	struct stat st;

	if (fstat(dirfd, &st))
		return policy_error_set(err, file, 0, "cannot fstat %s: %s", shown,
					strerror(errno));
	return check_owner_mode(&st, true, trusted, shown, file, err);
}

/**
 * policy_open_trusted() - open a policy file after checking every directory on its path
 * @path:	absolute canonical path (policy_path_problem() returned NULL)
 * @trusted:	uid that must own the file; directories may be owned by it or by root
 * @st:		filled with the opened file's status
 * @err:	filled on failure, naming the component at fault
 *
 * The walk starts at "/" and opens one component at a time relative to the
 * directory just checked, with O_NOFOLLOW, so that what is checked is what is
 * opened: no symlink anywhere on the path, and no directory or file that
 * anyone but the trusted owner (or root) could have changed.
 *
 * Return: a read-only descriptor of a regular file, or -1.
 */
int policy_open_trusted(const char *path, uid_t trusted, struct stat *st,
			struct policy_error *err)
{
	const char *problem = policy_path_problem(path);
	const char *comp;
	int dirfd;

	if (problem)
		return policy_error_set(err, path, 0, "%s", problem);
	dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return policy_error_set(err, path, 0, "cannot open /: %s", strerror(errno));
	if (check_dir_fd(dirfd, trusted, "/", path, err))
		goto fail;
	for (comp = path + 1;; comp += strcspn(comp, "/") + 1) {
		size_t n = strcspn(comp, "/"), upto = (size_t)(comp - path) + n;
		char name[POLICY_PATH_MAX], shown[POLICY_PATH_MAX];
		int next;

		memcpy(name, comp, n);
		name[n] = '\0';
		if (!comp[n]) {
			next = open_last(dirfd, name, path, trusted, st, err);
			close(dirfd);
			return next;
		}
		/* The path so far, for messages: "/etc", then "/etc/redox-net", ... */
		memcpy(shown, path, upto);
		shown[upto] = '\0';
		next = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			refuse_open(dirfd, name, true, shown, path, err);
			goto fail;
		}
		close(dirfd);
		dirfd = next;
		if (check_dir_fd(dirfd, trusted, shown, path, err))
			goto fail;
	}
fail:
	close(dirfd);
	return -1;
}
