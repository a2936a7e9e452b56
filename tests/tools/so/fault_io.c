// SPDX-License-Identifier: MIT
/*
 * fault_io.c - test library (LD_PRELOAD): make a journal's writes fail on demand.
 *
 * The journal is the DHCP lease journal (files named leases and leases.tmp),
 * or, with RXN_FAULT_FILE=journal, redox-netsetup's state journal (journal and
 * journal.tmp).  The test names a control file in RXN_FAULT_CTL.  While that
 * file exists, its words choose which calls on the journal (and the directory
 * holding it) fail, with EIO, or with ENOSPC when the word "enospc" is there too:
 *
 *   write      every write() to the journal or its temporary file
 *   torn       a write() lands half its bytes and returns short; the next fails
 *   fdatasync  fdatasync() of the journal (the group commit)
 *   fsync      fsync() of a file (the compaction's temporary file)
 *   dirsync    fsync() of a directory (after the compaction's rename)
 *   ftruncate  ftruncate() of the journal (cutting off a failed append)
 *   rename     renameat() onto the journal (the compaction's last step)
 *   sendto     sendto() to an AF_PACKET address: the DHCP responder's reply in a
 *              frame to the client's MAC (any file name; EIO or ENOSPC as above)
 *
 * Every other call, and every call on any other file, goes straight through.
 * Each injected failure is reported on stderr as "fault_io: CALL failed with
 * ERR", so a test can tell that its fault was hit.  The control file is read
 * on every journal call, so the test arms and disarms faults in a running
 * process by writing and removing it; its directory must be searchable by
 * the user the responder drops to.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CTL_MAX	256

/* armed() - Return: true if the control file exists and lists @word */
static bool armed(const char *word)
{
	const char *path = getenv("RXN_FAULT_CTL");
	char buf[CTL_MAX + 2] = " ", key[32];
	ssize_t n;
	int fd;

	if (!path || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, buf + 1, CTL_MAX - 1);
	close(fd);
	if (n <= 0)
		return false;
	for (ssize_t i = 1; i <= n; i++)
		if (buf[i] == '\n' || buf[i] == '\t')
			buf[i] = ' ';
	buf[n + 1] = ' ';
	buf[n + 2] = '\0';
	snprintf(key, sizeof(key), " %s ", word);
	return strstr(buf, key) != NULL;
}

/* inject() - fail the call @name with EIO or ENOSPC, and say so; Return: -1 */
static int inject(const char *name)
{
	int err = armed("enospc") ? ENOSPC : EIO;
	char line[96];
	int len = snprintf(line, sizeof(line), "fault_io: %s failed with %s\n", name,
			   err == ENOSPC ? "ENOSPC" : "EIO");

	/* Straight to the system call: the library's own write() must not recurse. */
	if (len > 0)
		(void)!syscall(SYS_write, 2, line, (size_t)len);
	errno = err;
	return -1;
}

/* is_lease_name() - Return: true if the last component of @path names the journal or its temp file */
static bool is_lease_name(const char *path)
{
	const char *base = strrchr(path, '/'), *name = getenv("RXN_FAULT_FILE");
	size_t len;

	if (!name || !*name)
		name = "leases";
	len = strlen(name);
	base = base ? base + 1 : path;
	return !strncmp(base, name, len) &&
	       (base[len] == '\0' || base[len] == ' ' || !strncmp(base + len, ".tmp", 4));
}

/* is_journal_fd() - Return: true if @fd is the journal or its temporary file (even unlinked) */
static bool is_journal_fd(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return false;
	path[n] = '\0';
	return is_lease_name(path);
}

/* next() - Return: the definition of @name this library hides (libc's, or a sanitizer's) */
static void *next(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f)
		abort();
	return f;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real)(int, const void *, size_t);
	static bool torn;

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))next("write");
	if (is_journal_fd(fd)) {
		if (armed("torn") && !torn && len > 1) {
			torn = true;
			return real(fd, buf, len / 2);
		}
		if (armed("write") || (torn && armed("torn"))) {
			torn = false;
			return inject("write");
		}
		torn = false;
	}
	return real(fd, buf, len);
}

int fdatasync(int fd)
{
	static int (*real)(int);

	if (!real)
		real = (int (*)(int))next("fdatasync");
	if (is_journal_fd(fd) && armed("fdatasync"))
		return inject("fdatasync");
	return real(fd);
}

int fsync(int fd)
{
	static int (*real)(int);
	struct stat st;

	if (!real)
		real = (int (*)(int))next("fsync");
	if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
		if (armed("dirsync"))
			return inject("fsync of the directory");
	} else if (is_journal_fd(fd) && armed("fsync")) {
		return inject("fsync");
	}
	return real(fd);
}

int ftruncate(int fd, off_t len)
{
	static int (*real)(int, off_t);

	if (!real)
		real = (int (*)(int, off_t))next("ftruncate");
	if (is_journal_fd(fd) && armed("ftruncate"))
		return inject("ftruncate");
	return real(fd, len);
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	static int (*real)(int, const char *, int, const char *);

	if (!real)
		real = (int (*)(int, const char *, int, const char *))next("renameat");
	if (is_lease_name(newpath) && armed("rename"))
		return inject("rename");
	return real(olddirfd, oldpath, newdirfd, newpath);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, int, const struct sockaddr *, socklen_t))
			next("sendto");
	if (to && tolen >= sizeof(sa_family_t) && to->sa_family == AF_PACKET && armed("sendto"))
		return inject("sendto of a frame");
	return real(fd, buf, len, flags, to, tolen);
}
