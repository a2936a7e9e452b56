// SPDX-License-Identifier: MIT
/* netns_id.c - which network namespace this is, so each one keeps a journal of its own */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "teardown/netns_id.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71	/* Linux 5.14; older headers lack it */
#endif

/* Where `ip netns add` pins named namespaces; `ip netns exec` keeps the host's /run. */
#define NETNS_RUN_DIR "/run/netns"

/**
 * netns_id_self() - identify the network namespace this process is in
 * @id:		filled with its inode and cookie (cookie 0 when the kernel has none)
 *
 * Return: 0, or a negative errno when /proc/self/ns/net cannot be read.
 */
int netns_id_self(struct netns_id *id)
{
	struct stat st;
	socklen_t len = sizeof(id->cookie);
	int fd;

	memset(id, 0, sizeof(*id));
	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	id->ino = (unsigned long long)st.st_ino;
	/* Any socket answers for the namespace it was made in. */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &id->cookie, &len) < 0 ||
	    len != sizeof(id->cookie))
		id->cookie = 0;
	close(fd);
	return 0;
}

/**
 * netns_id_same() - whether @a and @b are the same namespace
 * @a:		one identity
 * @b:		another
 *
 * The inode alone is not enough, since a dead namespace's inode is reused; the
 * cookie settles it whenever both sides have one.
 *
 * Return: true when they are (as far as can be told) the same namespace.
 */
bool netns_id_same(const struct netns_id *a, const struct netns_id *b)
{
	if (a->ino != b->ino)
		return false;
	return !a->cookie || !b->cookie || a->cookie == b->cookie;
}

/* ino_in_dir() - whether an entry of @dir (or @dir/ENTRY/@leaf) is a namespace with @ino */
static bool ino_in_dir(const char *dir, const char *leaf, unsigned long long ino)
{
	char path[512];
	struct dirent *e;
	struct stat st;
	bool found = false;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s%s", dir, e->d_name, leaf) >= (int)sizeof(path))
			continue;
		found = stat(path, &st) == 0 && (unsigned long long)st.st_ino == ino;
	}
	closedir(d);
	return found;
}

/**
 * netns_ino_alive() - whether some network namespace with inode @ino still exists
 * @ino:	nsfs inode
 *
 * Looks where a namespace is kept alive in a way others can see: a name under
 * /run/netns, or a process in it.  One held only by an open fd or a bind mount
 * elsewhere is missed, and counts as gone.
 *
 * Return: true when one was found.
 */
bool netns_ino_alive(unsigned long long ino)
{
	return ino_in_dir(NETNS_RUN_DIR, "", ino) || ino_in_dir("/proc", "/ns/net", ino);
}

/**
 * netns_name_self() - the name under /run/netns of the namespace this process is in
 * @name:	filled with the name (the smallest, when it has several)
 * @size:	size of @name
 *
 * Return: 0, -ENOENT when it has no name (the host's own namespace, or one made
 * with `unshare -n`), or another negative errno.
 */
int netns_name_self(char *name, size_t size)
{
	struct stat self, st;
	struct dirent *e;
	char path[512];
	int err = -ENOENT;
	DIR *d;

	if (stat("/proc/self/ns/net", &self) < 0)
		return -errno;
	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= size ||
		    snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, e->d_name) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) < 0 || st.st_ino != self.st_ino || st.st_dev != self.st_dev)
			continue;
		if (err || strcmp(e->d_name, name) < 0)
			strcpy(name, e->d_name);
		err = 0;
	}
	closedir(d);
	return err;
}

/**
 * netns_run_dir() - the journal directory of this network namespace, under @dir
 * @dir:	the run directory on entry; on return, where this namespace's journal lives
 * @size:	size of @dir
 * @shared:	the default run directory (/run/redox-net), the one namespaces share;
 *		any other @dir was chosen for this namespace and is kept as it is
 * @create:	make the directories above the journal's (up, down); status and
 *		doctor only read
 *
 * `ip netns exec` keeps the host's /run, so every named namespace would share
 * one journal.  The host's own namespace (and any unnamed one) keeps @dir as it
 * is; a named namespace gets @dir/netns/NAME (0700, made by journal_open()).  The journal itself
 * records which namespace wrote it, so a namespace that reuses a name or an inode
 * is never taken for the one that died (journal_open()).
 *
 * Return: 0, or a negative errno when the directories cannot be made.
 */
int netns_run_dir(char *dir, size_t size, const char *shared, bool create)
{
	char name[256];
	size_t len = strlen(dir);

	if (strcmp(dir, shared) || netns_name_self(name, sizeof(name)))
		return 0;
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (snprintf(dir + len, size - len, "/netns") >= (int)(size - len))
		return -ENAMETOOLONG;
	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	len = strlen(dir);
	if (snprintf(dir + len, size - len, "/%s", name) >= (int)(size - len))
		return -ENAMETOOLONG;
	return 0;
}
