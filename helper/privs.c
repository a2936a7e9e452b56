// SPDX-License-Identifier: MIT
/*
 * privs.c - the setuid helper's whole privileged setup, in the order it runs
 *
 * Everything that guards the setuid boundary lives here, in the order
 * helper_main.c calls it (bubblewrap's acquire_privs is the model): first the
 * process is made independent of what the caller handed it (environment,
 * signals, umask, fds, limits), then it becomes the caller again with
 * CAP_NET_ADMIN alone.  Each step checks its result and the drop is read back
 * from the kernel.
 */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper/privs.h"

/**
 * reset_signals() - default dispositions and an empty mask
 *
 * Ignored signals and the blocked mask survive execve.  A caller could block
 * SIGALRM to defeat the lock timeout, or ignore SIGPIPE/SIGTERM to change how
 * the helper dies; none of that may carry over.
 *
 * Return: 0 or -1.
 */
static int reset_signals(void)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* glibc reserves 32 and 33 for itself and refuses them. */
		if (sigaction(sig, &sa, NULL) < 0 && errno != EINVAL)
			return -1;
	}
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL);
}

/**
 * open_std_fds() - make sure 0, 1 and 2 are open, to /dev/null if the caller closed them
 *
 * Otherwise the next file opened would become stdout or stderr, and a message
 * meant for the terminal could land in it.
 *
 * Return: 0 or -1.
 */
static int open_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (errno != EBADF || open("/dev/null", O_RDWR | O_NOCTTY) != fd)
			return -1;
	}
	return 0;
}

/**
 * privs_sanitize_process() - undo everything an untrusted caller controls, first thing in main
 * @argc:	main's argc
 * @why:	on failure, what was refused
 *
 * argc == 0 is refused before anything reads argv (CVE-2021-4034).  The
 * environment is wiped and cleared even though glibc already filtered it for AT_SECURE:
 * nothing here reads it, and an empty one cannot surprise a library.  No core
 * dump and no ptrace: the process holds root's capabilities for a moment and
 * later fds the caller has not been given yet.  The helper works only as a
 * setuid-root program: without AT_SECURE it was started by root itself or
 * through file capabilities (a wrapper that loses the secure-exec handling),
 * and with no_new_privs the setuid bit did nothing.
 *
 * Return: 0, or -1 with @why set.
 */
int privs_sanitize_process(int argc, const char **why)
{
	struct rlimit none = { 0, 0 };

	if (argc < 1) {
		*why = "started without argv[0]";
		return -1;
	}
	/* clearenv() only drops the pointers; /proc/PID/environ would still show the strings. */
	for (char **e = environ; e && *e; e++)
		explicit_bzero(*e, strlen(*e));
	if (clearenv()) {
		*why = "cannot clear the environment";
		return -1;
	}
	if (reset_signals()) {
		*why = "cannot reset signal handling";
		return -1;
	}
	umask(077);
	if (open_std_fds()) {
		*why = "cannot open /dev/null for fds 0-2";
		return -1;
	}
	if (setrlimit(RLIMIT_CORE, &none) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		*why = "cannot turn off core dumps";
		return -1;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0) {
		*why = "no_new_privs is set, so the setuid bit had no effect; run it without no_new_privs";
		return -1;
	}
	if (!getauxval(AT_SECURE) || geteuid() != 0) {
		*why = "not started as a setuid-root program by an ordinary user "
		       "(install it setuid root; root itself does not need it)";
		return -1;
	}
	return 0;
}

/**
 * privs_check_socket() - the --fd must be the runner's AF_UNIX SOCK_SEQPACKET socket
 * @fd:		descriptor number from the command line
 * @why:	on failure, what it is instead
 *
 * Anything else (a file, a pipe, a TCP socket, a closed number, stdio) would
 * make the reply go somewhere the caller did not mean, or nowhere.
 *
 * Return: 0, or -1 with @why set.
 */
int privs_check_socket(int fd, const char **why)
{
	int type = 0, domain = 0;
	socklen_t len = sizeof(int);
	struct stat st;

	if (fd <= 2 || fstat(fd, &st) < 0) {
		*why = "--fd is not an open descriptor above 2";
		return -1;
	}
	if (!S_ISSOCK(st.st_mode) ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_UNIX ||
	    (len = sizeof(int), getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) ||
	    type != SOCK_SEQPACKET) {
		*why = "--fd is not an AF_UNIX SOCK_SEQPACKET socket";
		return -1;
	}
	return 0;
}

/**
 * privs_close_other_fds() - close every inherited descriptor except 0-2 and @keep
 * @keep:	the validated reply socket
 *
 * Return: 0 or -1.
 */
int privs_close_other_fds(int keep)
{
	if (keep > 3 && close_range(3, (unsigned int)keep - 1, 0) < 0)
		return -1;
	if (close_range((unsigned int)keep + 1, ~0u, 0) < 0)
		return -1;
	/* Nothing we open later may leak into anything; we exec nothing, but still. */
	return fcntl(keep, F_SETFD, FD_CLOEXEC);
}

/**
 * privs_read_caller() - record the real ids and the supplementary groups
 * @c:		filled
 *
 * Read before the drop, which clears the supplementary groups: the policy
 * decides with exactly these (real uid, real gid, the kernel's group list).
 *
 * Return: 0 or -1.
 */
int privs_read_caller(struct caller *c)
{
	int n;

	c->uid = getuid();
	c->gid = getgid();
	c->pid = getpid();
	c->gids[0] = c->gid;
	n = getgroups(NGROUPS_MAX, c->gids + 1);
	if (n < 0)
		return -1;
	c->ngids = (size_t)n + 1;
	return 0;
}

/*
 * open_failed() - word a failed open() as what happened, not as a bad file
 * @what:	what could not be opened
 * @why:	the message
 *
 * The caller chooses the rlimits: with RLIMIT_NOFILE at 4 the open fails
 * with EMFILE, and blaming the file would send people looking in the wrong
 * place.  ELOOP is O_NOFOLLOW meeting a symlink.
 *
 * Return: -1.
 */
static int open_failed(const char *what, const char **why)
{
	static char msg[128];
	int err = errno;

	if (err == EMFILE || err == ENFILE)
		snprintf(msg, sizeof(msg), "%s: too many open files (the caller's RLIMIT_NOFILE is too low)",
			 what);
	else if (err == ELOOP)
		snprintf(msg, sizeof(msg), "%s: it is a symlink", what);
	else
		snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err));
	*why = msg;
	return -1;
}

/**
 * privs_open_lock() - open the quota lock file, as root, refusing anything odd
 * @path:	compiled-in absolute path
 * @why:	on failure, what was wrong
 *
 * The directory must be root's and writable by root alone; the file is opened
 * with O_NOFOLLOW and checked through the descriptor, so nobody can point the
 * lock at a file of their choice or share it with an unrelated lock.
 *
 * Return: the descriptor, or -1 with @why set.
 */
int privs_open_lock(const char *path, const char **why)
{
	char dir[256], base[256];
	struct stat st;
	int dfd, fd;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
	    snprintf(base, sizeof(base), "%s", path) >= (int)sizeof(base)) {
		*why = "lock path too long";
		return -1;
	}
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST) {
		*why = "cannot create the lock directory";
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return open_failed("cannot open the lock directory", why);
	if (fstat(dfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
		close(dfd);
		*why = "the lock directory is a symlink, not root's, or writable by others";
		return -1;
	}
	fd = openat(dfd, basename(base), O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	close(dfd);
	if (fd < 0)
		return open_failed("cannot open the lock file", why);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    st.st_nlink != 1 || (st.st_mode & 077)) {
		close(fd);
		*why = "the lock file is not a private regular file of root's";
		return -1;
	}
	return fd;
}

/* The effective, permitted and inheritable sets as the kernel holds them: one capget(). */
static int read_caps(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d) < 0)
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*perm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	*inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

/**
 * privs_verify_caps() - read the capability sets back from the kernel
 * @eff_want:	bit mask of the capabilities that must be effective
 * @perm_want:	bit mask of the capabilities that must be permitted
 *
 * Return: true if effective and permitted are exactly these, nothing is
 * inheritable or ambient, and the bounding set is empty.
 */
bool privs_verify_caps(uint64_t eff_want, uint64_t perm_want)
{
	uint64_t eff, perm, inh;

	if (read_caps(&eff, &perm, &inh) || eff != eff_want || perm != perm_want || inh)
		return false;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0 ||
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) > 0)
			return false;
	return true;
}

/**
 * privs_drop_to_caller() - become the caller again, holding CAP_NET_ADMIN alone
 * @c:		the caller's real ids
 * @why:	on failure, what failed
 *
 * CAP_DAC_OVERRIDE stays permitted but not effective: opening /dev/tapN (root's,
 * 0600) needs it, and so does /dev/net/tun where it is 0600.  privs_dac()
 * raises it around those opens alone and privs_drop_cap() removes it after.
 *
 * All three uids and gids become the real ones, so nothing can switch back;
 * the supplementary groups go (the policy kept its own copy); the bounding
 * set is cleared.  Then it is read back: ids with getresuid/getresgid,
 * capabilities with capget.  The kernel resets dumpable when the euid
 * changes, so it is cleared once more.
 *
 * Return: 0, or -1 with @why set.
 */
int privs_drop_to_caller(const struct caller *c, const char **why)
{
	uint64_t want = 1ull << CAP_NET_ADMIN;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN) ||
	    capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_DAC_OVERRIDE) ||
	    capng_change_id((int)c->uid, (int)c->gid,
			    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING | CAPNG_CLEAR_AMBIENT)) {
		*why = "cannot drop privileges (capng_change_id)";
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
		*why = "cannot reset keepcaps or dumpable";
		return -1;
	}
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg) ||
	    ru != c->uid || eu != c->uid || su != c->uid ||
	    rg != c->gid || eg != c->gid || sg != c->gid || getgroups(0, NULL) != 0) {
		*why = "the uid/gid drop did not take effect";
		return -1;
	}
	if (!privs_verify_caps(want, want | 1ull << CAP_DAC_OVERRIDE)) {
		*why = "capabilities other than CAP_NET_ADMIN survived the drop";
		return -1;
	}
	return 0;
}

/*
 * Make @cap effective or not, and check with the kernel that it is (or is not).
 * libcap-ng's copy of the sets is the one privs_drop_to_caller() applied, kept
 * up to date by every change here; it is not read back from /proc (about 50 us
 * each time, four times per request) because nothing else changes them.
 */
static int set_effective(unsigned int cap, bool on)
{
	uint64_t eff, perm, inh;

	if (capng_update(on ? CAPNG_ADD : CAPNG_DROP, CAPNG_EFFECTIVE, cap) ||
	    capng_apply(CAPNG_SELECT_CAPS) || read_caps(&eff, &perm, &inh))
		return -1;
	return !!(eff & 1ull << cap) == on ? 0 : -1;
}

/**
 * privs_dac() - make CAP_DAC_OVERRIDE effective (around a device open) or not
 * @on:		true to raise it, false to lower it
 *
 * Return: 0 or -1.
 */
int privs_dac(bool on)
{
	return set_effective(CAP_DAC_OVERRIDE, on);
}

/**
 * privs_net_admin() - lower CAP_NET_ADMIN (around name lookups) or raise it again
 * @on:		true to raise it, false to lower it
 *
 * It stays permitted.  A lookup of a device name that does not exist with
 * SIOCGIFINDEX makes the kernel load the module "netdev-NAME" for a caller
 * with CAP_NET_ADMIN (dev_load()); without it, the lookup only looks.
 *
 * Return: 0 or -1.
 */
int privs_net_admin(bool on)
{
	return set_effective(CAP_NET_ADMIN, on);
}

/**
 * privs_drop_cap() - give up one capability for good, and check it is gone
 * @cap:	CAP_* value
 *
 * Return: 0 or -1.
 */
int privs_drop_cap(int cap)
{
	uint64_t eff, perm, inh;

	if (capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED, (unsigned int)cap) ||
	    capng_apply(CAPNG_SELECT_CAPS) || read_caps(&eff, &perm, &inh))
		return -1;
	return (eff | perm) & 1ull << cap ? -1 : 0;
}

/**
 * privs_drop_all() - give up every capability once the fds are open
 *
 * Return: 0 or -1.
 */
int privs_drop_all(void)
{
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_apply(CAPNG_SELECT_CAPS))
		return -1;
	return privs_verify_caps(0, 0) ? 0 : -1;
}
