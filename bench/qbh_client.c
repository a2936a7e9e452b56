// SPDX-License-Identifier: MIT
/*
 * qbh_client.c - benchmark tool: get a TAP fd from qemu-bridge-helper the way QEMU's
 * -netdev bridge does, then exec a program with that fd at 3, as redox-run-net does.
 *
 *   qbh_client HELPER BRIDGE PROGRAM [ARG]...
 *
 * QEMU makes a socketpair, forks, execs "HELPER --use-vnet --br=BRIDGE --fd=N",
 * reads one byte carrying the TAP fd (SCM_RIGHTS) and waits for the helper.
 * It refuses to run in the namespace the benchmark started in (RXN_ROOT_NETNS_INO).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/tools/guard.h"

/* Return: the fd received on @sock (inheritable, for the program exec'd last), or -1. */
static int recv_fd(int sock)
{
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

int main(int argc, char *argv[])
{
	char br[64], fdarg[32];
	int sv[2], fd, status;
	pid_t pid;

	if (guard_refuse_root_netns("qbh_client"))
		return 2;
	if (argc < 4) {
		fprintf(stderr, "usage: qbh_client HELPER BRIDGE PROGRAM [ARG]...\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int child = dup(sv[1]);	/* without FD_CLOEXEC, for the helper */

		snprintf(br, sizeof(br), "--br=%s", argv[2]);
		snprintf(fdarg, sizeof(fdarg), "--fd=%d", child);
		execl(argv[1], argv[1], "--use-vnet", br, fdarg, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) || fd < 0) {
		fprintf(stderr, "qbh_client: %s gave no TAP fd (exit status %d)\n", argv[1],
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return 1;
	}
	if (fd != 3 && (dup2(fd, 3) < 0 || close(fd) < 0))
		return 1;
	execv(argv[3], argv + 3);
	perror(argv[3]);
	return 1;
}
