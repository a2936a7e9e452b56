// SPDX-License-Identifier: MIT
/*
 * tap_ioctl_vmm.c - test tool: a hostile stand-in VMM that holds its TAP queue fds and issues ioctls on them
 *
 * usage: tap_ioctl_vmm [VMM ARGUMENTS...]   (redox-run-net execs it as CH_BIN;
 *                                            the arguments are ignored)
 * Environment:
 *   TAP_VMM_DO="CMD;CMD;..."  commands run at start, in order
 *   TAP_VMM_CTL=PATH          a FIFO read for more commands, one a line, until
 *                             it is killed (without it, it holds its fds and waits)
 * Commands, each on fd 3 unless "@FD" follows the verb:
 *   owner UID       TUNSETOWNER UID (no capability needed on an attached fd)
 *   group GID       TUNSETGROUP GID
 *   hwaddr MAC      SIOCSIFHWADDR through the TAP fd (tun's own ioctl path)
 *   detach          TUNSETQUEUE IFF_DETACH_QUEUE (a multi-queue TAP)
 *   attach          TUNSETQUEUE IFF_ATTACH_QUEUE
 *   close           close the fd (the queue goes away)
 * It first prints "fds 3=NAME/mq 4=NAME/mq ... pid=PID" (the inherited TAP
 * queues, as tests/tools/vmm_fds does), then one line per command:
 * "did CMD" or "failed CMD: ERROR", each flushed at once so a test can wait
 * for it.  This is what any VMM, or anybody holding a queue fd, can do.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/decimal.h"

#define MAX_FD	64

/* report() - one line for the test: what was done, or why not; Return: @err */
static int report(const char *cmd, int err)
{
	if (err)
		printf("failed %s: %s\n", cmd, strerror(err));
	else
		printf("did %s\n", cmd);
	fflush(stdout);
	return err;
}

/* Return: 0 with @mac filled from "aa:bb:cc:dd:ee:ff", or -1. */
static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];
	char end;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

/**
 * run_one() - carry out one command line
 * @line:	"VERB[@FD] [ARG]", NUL-terminated, without the newline
 *
 * Return: 0 or a positive errno (already reported).
 */
static int run_one(char *line)
{
	char shown[128], verb[32] = "", arg[64] = "";
	unsigned long long num = 0;
	struct ifreq ifr = { 0 };
	int fd = 3, n;
	char *at;

	snprintf(shown, sizeof(shown), "%s", line);
	n = sscanf(line, "%31s %63s", verb, arg);
	if (n < 1)
		return 0;
	at = strchr(verb, '@');
	if (at) {
		*at = '\0';
		if (decimal_parse(at + 1, MAX_FD, &num))
			return report(shown, EINVAL);
		fd = (int)num;
	}
	if (!strcmp(verb, "owner") || !strcmp(verb, "group")) {
		if (n < 2 || decimal_parse(arg, 0xffffffffULL, &num))
			return report(shown, EINVAL);
		n = ioctl(fd, !strcmp(verb, "owner") ? TUNSETOWNER : TUNSETGROUP, (unsigned long)num);
	} else if (!strcmp(verb, "hwaddr")) {
		ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
		if (n < 2 || parse_mac(arg, (unsigned char *)ifr.ifr_hwaddr.sa_data))
			return report(shown, EINVAL);
		n = ioctl(fd, SIOCSIFHWADDR, &ifr);
	} else if (!strcmp(verb, "detach") || !strcmp(verb, "attach")) {
		ifr.ifr_flags = !strcmp(verb, "detach") ? IFF_DETACH_QUEUE : IFF_ATTACH_QUEUE;
		n = ioctl(fd, TUNSETQUEUE, &ifr);
	} else if (!strcmp(verb, "close")) {
		n = close(fd);
	} else {
		return report(shown, EINVAL);
	}
	return report(shown, n < 0 ? errno : 0);
}

/* run_list() - run every ';'-separated command of @list (modified in place) */
static void run_list(char *list)
{
	for (char *save = NULL, *c = strtok_r(list, ";", &save); c; c = strtok_r(NULL, ";", &save))
		run_one(c);
}

/* print_fds() - the "fds ..." line: every TAP queue among the fds above 2 */
static void print_fds(void)
{
	printf("fds");
	for (int fd = 3; fd < MAX_FD; fd++) {
		struct ifreq ifr = { 0 };

		if (fcntl(fd, F_GETFD) < 0)
			continue;
		if (ioctl(fd, TUNGETIFF, &ifr) == 0)
			printf(" %d=%.*s/%s", fd, IFNAMSIZ, ifr.ifr_name,
			       (ifr.ifr_flags & IFF_MULTI_QUEUE) ? "mq" : "sq");
		else
			printf(" %d=other", fd);
	}
	printf(" pid=%ld\n", (long)getpid());
	fflush(stdout);
}

int main(void)
{
	const char *todo = getenv("TAP_VMM_DO"), *ctl = getenv("TAP_VMM_CTL");
	char line[256];

	print_fds();
	if (todo && *todo) {
		char *copy = strdup(todo);

		if (!copy)
			return 1;
		run_list(copy);
		free(copy);
	}
	for (;;) {
		FILE *f;

		if (!ctl || !*ctl) {
			pause();
			continue;
		}
		/* Each writer opens, writes and closes: read until EOF, then wait for the next. */
		f = fopen(ctl, "re");
		if (!f) {
			report("open control FIFO", errno);
			return 1;
		}
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			run_one(line);
		}
		fclose(f);
	}
}
