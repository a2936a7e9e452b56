/* SPDX-License-Identifier: MIT */
/* vmm_argv.h - the Cloud Hypervisor and QEMU command lines redox-run-net execs */
#ifndef REDOX_NET_VMM_ARGV_H
#define REDOX_NET_VMM_ARGV_H

#include <stdbool.h>
#include <stdint.h>

#define VMM_ARGV_MAX	96

/**
 * struct vmm_opts - what the VM gets
 * @qemu:	build a QEMU command line instead of Cloud Hypervisor's
 * @bin:	VMM binary
 * @firmware:	firmware image, or NULL
 * @disk:	disk image
 * @cpus:	boot vCPUs
 * @memory:	memory size, e.g. "2048M"
 * @hugepages:	back memory with hugepages
 * @direct_io:	open the disk with O_DIRECT
 * @api_socket:	Cloud Hypervisor API socket path, or NULL
 * @seccomp_log: Cloud Hypervisor --seccomp log (dev profile)
 * @mac:	guest MAC, "52:54:00:12:34:56" form
 * @nfds:	number of TAP queue fds, placed at 3, 4, ...
 * @bw_size:	rate limit bucket size in bytes, 0 for none
 * @bw_refill_ms: its refill time
 * @hotplug:	virtio-mem hotplug size ("4G"), or NULL for none
 * @landlock:	Cloud Hypervisor --landlock (hardened profile)
 * @restore_url: restore from this snapshot ("file:///..."), or NULL to boot
 * @restore_net_id: the snapshot's fd-backed net device, which gets fds 3, 4, ...
 */
struct vmm_opts {
	bool qemu;
	const char *bin, *firmware, *disk, *memory, *api_socket, *mac;
	unsigned int cpus, nfds;
	bool hugepages, direct_io, seccomp_log;
	uint64_t bw_size, bw_refill_ms;
	/* snapshot, restore and hotplug (issue 8) */
	const char *hotplug, *restore_url, *restore_net_id;
	bool landlock;
};

int vmm_build_argv(const struct vmm_opts *o, char *store, unsigned int storesz,
		   const char *argv[VMM_ARGV_MAX], int extra_argc, char *const extra[]);

#endif
