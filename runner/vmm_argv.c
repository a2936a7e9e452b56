// SPDX-License-Identifier: MIT
/* vmm_argv.c - the Cloud Hypervisor and QEMU command lines redox-run-net execs */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner/vmm_argv.h"

/**
 * struct argv_builder - argv entries whose text lives in one caller-owned buffer
 * @argv:	the vector
 * @argc:	entries used
 * @store:	text storage
 * @used:	bytes of @store used
 * @size:	size of @store
 * @failed:	something did not fit
 */
struct argv_builder {
	const char **argv;
	int argc;
	char *store;
	unsigned int used, size;
	bool failed;
};

__attribute__((format(printf, 2, 3)))
static void add(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed || b->argc >= VMM_ARGV_MAX - 1) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->store + b->used, b->size - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (unsigned int)n >= b->size - b->used) {
		b->failed = true;
		return;
	}
	b->argv[b->argc++] = b->store + b->used;
	b->used += (unsigned int)n + 1;
}

/*
 * "3" or "[3,4,5]" (Cloud Hypervisor) or "3:4:5" (QEMU's fds=).  --restore's
 * net_fds takes a list even for one fd: "[3]".
 */
static void fd_list(char *out, size_t size, unsigned int nfds, bool qemu, bool brackets)
{
	size_t o = 0;

	brackets = brackets || (!qemu && nfds > 1);
	if (brackets)
		o += (size_t)snprintf(out + o, size - o, "[");
	for (unsigned int i = 0; i < nfds && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%u", i ? (qemu ? ":" : ",") : "", 3 + i);
	if (brackets && o < size)
		snprintf(out + o, size - o, "]");
}

/*
 * Cloud Hypervisor: one fd per RX/TX queue pair, so num_queues is twice the
 * fds (and left out for one fd, where 2 is the default); several fds need the
 * brackets.  No ip=, mask=, host_mac= or mtu= on the fd path: the VMM would
 * need CAP_NET_ADMIN to apply them.  The topology is
 * threads_per_core:cores_per_die:dies_per_package:packages and must multiply
 * out to the vCPU count.
 */
static void build_ch(struct argv_builder *b, const struct vmm_opts *o, const char *fds)
{
	char net[256];
	int n = snprintf(net, sizeof(net), "fd=%s,mac=%s,queue_size=256", fds, o->mac);

	if (o->nfds > 1)
		n += snprintf(net + n, sizeof(net) - (size_t)n, ",num_queues=%u", 2 * o->nfds);
	if (o->bw_size)
		snprintf(net + n, sizeof(net) - (size_t)n, ",bw_size=%llu,bw_refill_time=%llu",
			 (unsigned long long)o->bw_size, (unsigned long long)o->bw_refill_ms);
	add(b, "%s", o->bin);
	add(b, "--cpus");
	if (o->cpus >= 2 && o->cpus % 2 == 0)
		add(b, "boot=%u,topology=1:2:1:%u", o->cpus, o->cpus / 2);
	else
		add(b, "boot=%u", o->cpus);
	add(b, "--memory");
	if (o->hotplug)	/* virtio-mem: vm.resize can then grow the guest by up to this much */
		add(b, "size=%s%s,hotplug_method=virtio-mem,hotplug_size=%s", o->memory,
		    o->hugepages ? ",hugepages=on" : "", o->hotplug);
	else
		add(b, "size=%s%s", o->memory, o->hugepages ? ",hugepages=on" : "");
	if (o->firmware) {
		add(b, "--firmware");
		add(b, "%s", o->firmware);
	}
	add(b, "--disk");
	add(b, "path=%s%s", o->disk, o->direct_io ? ",direct=on" : "");
	add(b, "--net");
	add(b, "%s", net);
	add(b, "--serial");
	add(b, "tty");
	add(b, "--console");
	add(b, "off");
	if (o->api_socket) {
		add(b, "--api-socket");
		add(b, "path=%s", o->api_socket);
	}
	if (o->seccomp_log) {
		add(b, "--seccomp");
		add(b, "log");
	}
	if (o->landlock)
		add(b, "--landlock");
}

/*
 * Cloud Hypervisor restoring a snapshot: the VM's configuration comes from
 * the snapshot, so only the fresh TAP fds go with it, under the net device's
 * id (net_fds=[ID@[3,4]]); a fd cannot be saved, so without them the restore
 * is refused.
 */
static void build_ch_restore(struct argv_builder *b, const struct vmm_opts *o)
{
	char fds[1024];

	fd_list(fds, sizeof(fds), o->nfds, false, true);
	add(b, "%s", o->bin);
	if (o->api_socket) {
		add(b, "--api-socket");
		add(b, "path=%s", o->api_socket);
	}
	add(b, "--restore");
	add(b, "source_url=%s,net_fds=[%s@%s]", o->restore_url, o->restore_net_id, fds);
	if (o->seccomp_log) {
		add(b, "--seccomp");
		add(b, "log");
	}
}

/* QEMU: fds=3:4 for several queues, with mq=on and 2N+2 MSI-X vectors. */
static void build_qemu(struct argv_builder *b, const struct vmm_opts *o, const char *fds)
{
	add(b, "%s", o->bin);
	add(b, "-machine");
	add(b, "q35,accel=kvm:tcg");
	add(b, "-smp");
	add(b, "%u", o->cpus);
	add(b, "-m");
	add(b, "%s", o->memory);
	if (o->firmware) {
		add(b, "-bios");
		add(b, "%s", o->firmware);
	}
	add(b, "-drive");
	add(b, "file=%s,format=raw,if=virtio%s", o->disk, o->direct_io ? ",cache=none" : "");
	add(b, "-netdev");
	add(b, "tap,id=n0,%s=%s", o->nfds > 1 ? "fds" : "fd", fds);
	add(b, "-device");
	if (o->nfds > 1)
		add(b, "virtio-net-pci,netdev=n0,mac=%s,mq=on,vectors=%u", o->mac, 2 * o->nfds + 2);
	else
		add(b, "virtio-net-pci,netdev=n0,mac=%s", o->mac);
	add(b, "-display");
	add(b, "none");
	add(b, "-serial");
	add(b, "mon:stdio");
}

/**
 * vmm_build_argv() - the VMM's full command line; pure, so it can be tested
 * @o:		options
 * @store:	text storage for the arguments
 * @storesz:	its size
 * @argv:	filled, NULL-terminated
 * @extra_argc:	arguments given after "--", appended as they are
 * @extra:	those arguments
 *
 * Return: the argument count, or -1 if it did not fit.
 */
int vmm_build_argv(const struct vmm_opts *o, char *store, unsigned int storesz,
		   const char *argv[VMM_ARGV_MAX], int extra_argc, char *const extra[])
{
	struct argv_builder b = { .argv = argv, .store = store, .size = storesz };
	char fds[1024];

	fd_list(fds, sizeof(fds), o->nfds, o->qemu, false);
	if (o->restore_url)
		build_ch_restore(&b, o);
	else if (o->qemu)
		build_qemu(&b, o, fds);
	else
		build_ch(&b, o, fds);
	for (int i = 0; i < extra_argc; i++)
		add(&b, "%s", extra[i]);
	if (b.failed)
		return -1;
	argv[b.argc] = NULL;
	return b.argc;
}
