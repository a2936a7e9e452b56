// SPDX-License-Identifier: MIT
/*
 * helper_client.c - test tool: plays the runner's side of the helper protocol and
 * misbehaves on request, to test the setuid helper directly.
 *
 * usage: helper_client [--no-read | --close-first | --prefill] [--verify]
 *                      [--persist] [--owner UID]
 *                      [--hold | --relay NETNS_PATH GUEST_TAP | --exec VMM]
 *                      [--user UID] [--group GID]... [--env VAR=VALUE]... -- CMD ARG...
 * --user drops to UID (gid 65534 plus the --group list) in the child itself, and
 * --env is set only for the final exec, so no helper program runs with either.
 * An argument "--fd=@" is replaced by the helper's end of the socketpair.  Prints
 * one line "status=.. queues=.. nfds=.. ifname=.. ifindex=.. error=.. exit=.. signal=.."
 * (exit and signal: how the helper ended) and exits with the reply's status (for a
 * protocol failure, the helper's exit code, or 100 if it had none).
 * After a success, --persist makes the TAP persistent and --owner UID gives it to
 * UID (TUNSETOWNER), both through the first fd, which is what any holder of the fd
 * can do; --hold keeps the fds open until killed, as a VMM would, --relay execs the
 * relay tool on the first fd (at fd 3), and --exec places the fds at 3, 4, ... with
 * nothing else open above 2, as redox-run-net does, and execs VMM.
 */
#include <errno.h>
#include <grp.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/proto.h"
#include "runner/runner_fds.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* exec_relay() - run tools/relay next to this program on @fd, placed at 3 */
static int exec_relay(const char *self, int fd, const char *ns, const char *tap)
{
	char path[4096];
	const char *slash = strrchr(self, '/');

	snprintf(path, sizeof(path), "%.*srelay", slash ? (int)(slash - self + 1) : 0, self);
	if (dup2(fd, 3) < 0)
		return 102;
	execl(path, "relay", "fd:3", ns, tap, (char *)NULL);
	return 103;
}

int main(int argc, char *argv[])
{
	int sv[2], fds[PROTO_MAX_QUEUES], a = 1, status, verified = 0;
	int no_read = 0, close_first = 0, verify = 0, prefill = 0, nenv = 0, hold = 0, persist = 0;
	const char *relay_ns = NULL, *relay_tap = NULL, *vmm = NULL;
	long owner = -1;
	gid_t groups[16];
	size_t ngroups = 0;
	long uid = -1;
	char *env[32];
	struct proto_reply r;
	const char *why = "";
	char fdarg[32];
	double t0;
	pid_t pid;

	for (; a < argc && strcmp(argv[a], "--"); a++) {
		no_read |= !strcmp(argv[a], "--no-read");
		close_first |= !strcmp(argv[a], "--close-first");
		verify |= !strcmp(argv[a], "--verify");
		prefill |= !strcmp(argv[a], "--prefill");
		if (!strcmp(argv[a], "--user") && a + 1 < argc)
			uid = atol(argv[++a]);
		else if (!strcmp(argv[a], "--group") && a + 1 < argc && ngroups < 16)
			groups[ngroups++] = (gid_t)atol(argv[++a]);
		else if (!strcmp(argv[a], "--env") && a + 1 < argc && nenv < 31)
			env[nenv++] = argv[++a];
		else if (!strcmp(argv[a], "--owner") && a + 1 < argc)
			owner = atol(argv[++a]);
		else if (!strcmp(argv[a], "--exec") && a + 1 < argc)
			vmm = argv[++a];
		else if (!strcmp(argv[a], "--relay") && a + 2 < argc) {
			relay_ns = argv[++a];
			relay_tap = argv[++a];
		}
		hold |= !strcmp(argv[a], "--hold");
		persist |= !strcmp(argv[a], "--persist");
	}
	if (a + 1 >= argc || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return 2;
	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
	if (prefill) {
		/* Fill our own receive queue through the helper's end, so its reply cannot be queued. */
		char junk[256] = { 0 };

		while (send(sv[1], junk, sizeof(junk), MSG_DONTWAIT) > 0)
			;
		no_read = 1;
	}
	for (int i = a + 1; i < argc; i++)
		if (!strcmp(argv[i], "--fd=@"))
			argv[i] = fdarg;
	t0 = now();
	pid = fork();
	if (pid == 0) {
		int fl = 0;

		close(sv[0]);
		ioctl(sv[1], FIONCLEX, &fl);
		if (uid >= 0 && (setgroups(ngroups, groups) || setresgid(65534, 65534, 65534) ||
				 setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid)))
			_exit(126);
		for (int i = 0; i < nenv; i++)
			putenv(env[i]);
		execv(argv[a + 1], argv + a + 1);
		_exit(127);
	}
	close(sv[1]);
	if (close_first)
		close(sv[0]);
	if (no_read || close_first) {
		waitpid(pid, &status, 0);
		printf("exit=%d signal=%d elapsed_ms=%.0f\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0, (now() - t0) * 1000);
		return 0;
	}
	if (proto_recv_reply(sv[0], &r, fds, &why)) {
		waitpid(pid, &status, 0);
		printf("protocol_error=\"%s\" exit=%d signal=%d\n", why,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		/* No reply: report the helper's own exit code. */
		return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 100;
	}
	waitpid(pid, &status, 0);
	for (unsigned int i = 0; verify && i < r.queues; i++) {
		struct ifreq ifr = { 0 };

		if (ioctl(fds[i], TUNGETIFF, &ifr) == 0 && !strcmp(ifr.ifr_name, r.ifname))
			verified++;
	}
	printf("status=%u queues=%u ifname=%s ifindex=%u mtu=%u mac=%02x:%02x:%02x:%02x:%02x:%02x verified=%d exit=%d signal=%d error=\"%s\"\n",
	       r.status, r.queues, r.ifname, r.ifindex, r.mtu, r.mac[0], r.mac[1], r.mac[2], r.mac[3],
	       r.mac[4], r.mac[5], verified, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       WIFSIGNALED(status) ? WTERMSIG(status) : 0, r.error);
	fflush(stdout);
	if (r.status || !r.queues)
		return r.status;
	if (persist && ioctl(fds[0], TUNSETPERSIST, 1UL) < 0)
		return 101;
	if (owner >= 0 && ioctl(fds[0], TUNSETOWNER, (unsigned long)owner) < 0)
		return 104;
	if (vmm) {
		if (runner_place_fds(fds, r.queues))
			return 105;
		execl(vmm, vmm, (char *)NULL);
		return 106;
	}
	if (relay_ns)
		return exec_relay(argv[0], fds[0], relay_ns, relay_tap);
	while (hold)
		pause();
	return 0;
}
