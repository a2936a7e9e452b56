// SPDX-License-Identifier: MIT
/*
 * vmm_fds.c - test tool: a stand-in VMM that reports every descriptor it inherited
 *
 * usage: vmm_fds [VMM ARGUMENTS...]   (redox-run-net execs it as CH_BIN; the
 *                                      arguments are ignored)
 * Prints one line, "fds 3=NAME/sq 4=NAME/mq ... pid=PID", naming every open fd
 * above 2 from /proc/self/fd: a TAP queue by its device name and whether it is
 * multi-queue (TUNGETIFF), anything else as other:<what /proc says it is>.  A
 * test compares the line with what it asked for, so a stray descriptor shows.
 * With VMM_FDS_HOLD=1 it then keeps its fds until it is killed, as a running
 * VM would.  It only looks at descriptors; it creates or attaches nothing.
 */
#include <dirent.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_FDS	1024

static int by_number(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* describe() - print " FD=what" for one inherited descriptor */
static void describe(int fd)
{
	struct ifreq ifr = { 0 };
	char path[64], target[256];
	ssize_t n;

	if (ioctl(fd, TUNGETIFF, &ifr) == 0) {
		printf(" %d=%.*s/%s", fd, IFNAMSIZ, ifr.ifr_name,
		       (ifr.ifr_flags & IFF_MULTI_QUEUE) ? "mq" : "sq");
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	printf(" %d=other:%s", fd, target);
}

int main(void)
{
	int fds[MAX_FDS];
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	const char *hold = getenv("VMM_FDS_HOLD");

	if (!d) {
		perror("vmm_fds: /proc/self/fd");
		return 1;
	}
	while ((e = readdir(d)) && n < MAX_FDS) {
		int fd = atoi(e->d_name);

		/* "." and "..", stdio, and the directory being read are not inherited queues. */
		if (fd > 2 && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, n, sizeof(fds[0]), by_number);
	printf("fds");
	for (size_t i = 0; i < n; i++)
		describe(fds[i]);
	printf(" pid=%ld\n", (long)getpid());
	if (fflush(stdout))
		return 1;
	while (hold && !strcmp(hold, "1"))
		pause();
	return 0;
}
