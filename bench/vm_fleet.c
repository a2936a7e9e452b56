// SPDX-License-Identifier: MIT
/*
 * vm_fleet.c - benchmark tool: start N VMs one after another and time each one's
 * networking from the fork to the moment the VM reports its lease.
 *
 *   vm_fleet N UID[,UID]... READY PROGRAM [ARG]...
 *
 * VM i runs PROGRAM as UID number i mod (the number of UIDs), with that uid as
 * its gid and no supplementary groups, stdout on a pipe.  The next VM starts
 * once this one printed a line beginning with READY: with redox-run-net as
 * PROGRAM and tests/tools/ch_vmm as the VMM, that is after the helper request,
 * the TAP, the exec of the VMM and a whole DHCP exchange on fd 3.  The VMs keep
 * running when vm_fleet exits; the caller stops them.
 *
 * It prints one line of key=value results (milliseconds):
 *   vms wall per_vm median p90 max    over every VM, from fork to READY
 *   handoff lease                     medians: fork to the VMM's first line, and from
 *                                     there to READY (the DHCP exchange)
 *   first_tenth last_tenth            medians of the first and last tenth of the VMs,
 *   handoff_first ... lease_last      in all, and of each part
 *   distinct                          how many different words followed READY (leases)
 * A VM that exits, or says nothing for 10 s, stops the run: its output is printed
 * and the exit status is 1.  It refuses to run in the namespace the benchmark
 * started in (RXN_ROOT_NETNS_INO).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/guard.h"

#define MAX_VMS		65536
#define MAX_UIDS	64
#define WAIT_MS		10000
#define OUT_MAX		4096

/**
 * struct vm_times - one VM's timings, in milliseconds
 * @total:	fork to READY
 * @handoff:	fork to the VM's first output
 * @lease:	first output to READY
 */
struct vm_times {
	double total, handoff, lease;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Start @argv as @uid with its stdout on a new pipe; Return: the pipe's read end, or -1. */
static int spawn_as(uid_t uid, char *argv[], pid_t *pid)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*pid = fork();
	if (*pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (*pid == 0) {
		if (dup2(p[1], 1) < 0 || setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	return p[0];
}

/**
 * wait_ready() - read a VM's output until a line starts with @ready
 * @fd:		the VM's stdout
 * @ready:	the prefix that says it is up
 * @out:	everything read, NUL-terminated (OUT_MAX bytes)
 * @first:	set to the time the first byte came
 *
 * Return: the offset of the text after @ready in @out, or -1 on EOF or timeout.
 */
static int wait_ready(int fd, const char *ready, char *out, double *first)
{
	double deadline = now_ms() + WAIT_MS;
	size_t len = 0, line = 0, rlen = strlen(ready);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	out[0] = '\0';
	*first = 0;
	while (len + 1 < OUT_MAX) {
		double left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left + 1) <= 0)
			return -1;
		n = read(fd, out + len, OUT_MAX - 1 - len);
		if (n <= 0)
			return -1;
		if (!*first)
			*first = now_ms();
		len += (size_t)n;
		out[len] = '\0';
		for (char *nl; (nl = strchr(out + line, '\n')); line = (size_t)(nl + 1 - out))
			if (!strncmp(out + line, ready, rlen))
				return (int)(line + rlen);
	}
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Return: the @q quantile (0..1) of @n values, which are sorted in place. */
static double quantile(double *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);

	qsort(v, n, sizeof(*v), cmp_double);
	return v[i];
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Return: how many different strings @words holds (sorted in place). */
static size_t distinct(char **words, size_t n)
{
	size_t k = n ? 1 : 0;

	qsort(words, n, sizeof(*words), cmp_str);
	for (size_t i = 1; i < n; i++)
		k += strcmp(words[i], words[i - 1]) != 0;
	return k;
}

/* Return: the @q quantile of field @off of VMs [@from, @from + @count); @v is scratch. */
static double field_quantile(const struct vm_times *t, size_t from, size_t count, size_t off,
			     double q, double *v)
{
	for (size_t i = 0; i < count; i++)
		memcpy(&v[i], (const char *)&t[from + i] + off, sizeof(double));
	return quantile(v, count, q);
}

/* Print the results line; @v is scratch for @n values, @words are the leases. */
static void report(const struct vm_times *t, size_t n, double wall, double *v, char **words)
{
	size_t tenth = n / 10 ? n / 10 : 1, last = n - tenth;
	size_t total = offsetof(struct vm_times, total), handoff = offsetof(struct vm_times, handoff),
	       lease = offsetof(struct vm_times, lease);

	printf("vms=%zu wall=%.1f per_vm=%.3f median=%.3f p90=%.3f max=%.3f", n, wall,
	       wall / (double)n, field_quantile(t, 0, n, total, 0.5, v),
	       field_quantile(t, 0, n, total, 0.9, v), field_quantile(t, 0, n, total, 1, v));
	printf(" handoff=%.3f lease=%.3f first_tenth=%.3f last_tenth=%.3f",
	       field_quantile(t, 0, n, handoff, 0.5, v), field_quantile(t, 0, n, lease, 0.5, v),
	       field_quantile(t, 0, tenth, total, 0.5, v), field_quantile(t, last, tenth, total, 0.5, v));
	printf(" handoff_first=%.3f handoff_last=%.3f lease_first=%.3f lease_last=%.3f distinct=%zu\n",
	       field_quantile(t, 0, tenth, handoff, 0.5, v), field_quantile(t, last, tenth, handoff, 0.5, v),
	       field_quantile(t, 0, tenth, lease, 0.5, v), field_quantile(t, last, tenth, lease, 0.5, v),
	       distinct(words, n));
}

/* Parse "65534,65533": Return: the number of uids, or 0 if the list is bad. */
static size_t parse_uids(char *list, uid_t *uids)
{
	size_t n = 0;

	for (char *save = NULL, *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long v = strtoul(w, &end, 10);

		if (*end || end == w || v >= 0xffffffffUL || n == MAX_UIDS)
			return 0;
		uids[n++] = (uid_t)v;
	}
	return n;
}

int main(int argc, char *argv[])
{
	static char out[OUT_MAX];
	uid_t uids[MAX_UIDS];
	struct vm_times *t;
	size_t n, nuids;
	double start, *scratch;
	char **words;

	if (guard_refuse_root_netns("vm_fleet"))
		return 2;
	if (argc < 5 || (n = strtoul(argv[1], NULL, 10)) < 1 || n > MAX_VMS ||
	    !(nuids = parse_uids(argv[2], uids))) {
		fprintf(stderr, "usage (inside a benchmark namespace): vm_fleet N UID[,UID]... READY PROGRAM [ARG]...\n");
		return 2;
	}
	t = calloc(n, sizeof(*t));
	scratch = calloc(n, sizeof(*scratch));
	words = calloc(n, sizeof(*words));
	if (!t || !scratch || !words)
		return 1;
	start = now_ms();
	for (size_t i = 0; i < n; i++) {
		double t0 = now_ms(), first;
		pid_t pid;
		int fd = spawn_as(uids[i % nuids], argv + 4, &pid), at;

		at = fd < 0 ? -1 : wait_ready(fd, argv[3], out, &first);
		if (fd >= 0)
			close(fd);
		if (at < 0) {
			fprintf(stderr, "vm_fleet: VM %zu (uid %u) did not report '%s' within %d ms; it said:\n%s\n",
				i, (unsigned int)uids[i % nuids], argv[3], WAIT_MS, out);
			return 1;
		}
		t[i].total = now_ms() - t0;
		t[i].handoff = first - t0;
		t[i].lease = t[i].total - t[i].handoff;
		words[i] = strndup(out + at, strcspn(out + at, " ,\n"));
		if (!words[i])
			return 1;
	}
	report(t, n, now_ms() - start, scratch, words);
	return 0;
}
