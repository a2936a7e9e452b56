// SPDX-License-Identifier: MIT
/*
 * api_socket.c - where a VM's Cloud Hypervisor API socket lives by default
 *
 * $XDG_RUNTIME_DIR/redox-run-net/TAP.sock: per user (the directory is the
 * user's own, mode 0700, so no one else can connect to the VMM or plant a
 * socket there) and per VM (a TAP serves one VM), and both the starting
 * runner and the `pause`/`snapshot`/... commands find it from the TAP name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/api_socket.h"
#include "lib/log.h"

/* Return: a runtime directory that is ours, or NULL after saying why none is. */
static const char *runtime_dir(char *buf, size_t bufsz)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (xdg && *xdg == '/')
		return xdg;
	/* sudo and su often drop it; systemd-logind's directory is still there. */
	snprintf(buf, bufsz, "/run/user/%u", (unsigned int)geteuid());
	if (lstat(buf, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
		return buf;
	log_err("XDG_RUNTIME_DIR is not set and %s is not yours, so the VM has no API socket "
		"path", buf);
	log_hint("give --api-socket PATH (or CH_API_SOCKET), or set XDG_RUNTIME_DIR");
	return NULL;
}

/**
 * api_socket_default() - the default API socket path of the VM on TAP @vm
 * @vm:		the TAP's name, already valid by ifname_problem()
 * @out:	the path
 * @outsz:	its size
 * @create_dir:	create the redox-run-net directory (mode 0700) if it is missing
 *
 * The directory must be a real directory owned by us with no access for
 * others; anything else there (a symlink, someone else's directory) is
 * refused, never followed.
 *
 * Return: 0, or -1 after saying what is wrong.
 */
int api_socket_default(const char *vm, char *out, size_t outsz, bool create_dir)
{
	char buf[64], dir[API_SOCKET_PATH_MAX];
	const char *base = runtime_dir(buf, sizeof(buf));
	struct stat st;
	int n;

	if (!base)
		return -1;
	n = snprintf(dir, sizeof(dir), "%s/redox-run-net", base);
	if (n < 0 || (size_t)n >= sizeof(dir) ||
	    snprintf(out, outsz, "%s/%s.sock", dir, vm) >= (int)outsz || strlen(out) >= outsz ||
	    strlen(out) >= API_SOCKET_PATH_MAX) {
		log_err("the API socket path under %s is longer than a UNIX socket allows", base);
		log_hint("give a shorter --api-socket PATH");
		return -1;
	}
	if (create_dir && mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_err("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) < 0) {
		if (!create_dir && errno == ENOENT)
			return 0;	/* no VM ever ran: connecting says so */
		log_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		log_err("%s is not a directory of yours closed to others (mode 0700)", dir);
		log_hint("remove it; redox-run-net creates it again");
		return -1;
	}
	return 0;
}

/**
 * api_socket_clear_stale() - remove a socket left behind by a VMM that is gone
 * @path:	the default API socket path, in our own 0700 directory
 *
 * Cloud Hypervisor cannot bind over an existing file, and a VMM that was
 * killed leaves its socket behind.  Only a socket nobody listens on goes; a
 * live one means that VM still runs.
 *
 * Return: 0 when @path is free now, -1 after saying what is in the way.
 */
int api_socket_clear_stale(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		log_err("%s is in the way and is not a socket", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	err = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
	close(fd);
	if (!err) {
		log_err("a VM on %s is already running (its API socket answers)", path);
		log_hint("stop it, or give this VM another --tap or --api-socket");
		return -1;
	}
	if (err != ECONNREFUSED || unlink(path) < 0) {
		log_err("%s: %s", path, strerror(err == ECONNREFUSED ? errno : err));
		return -1;
	}
	return 0;
}
