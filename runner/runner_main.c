// SPDX-License-Identifier: MIT
/*
 * runner_main.c - redox-run-net: get the TAP queue fds (from the kernel when the
 * user owns the TAP, otherwise from redox-net-helper), put them at 3, 4, ... and
 * exec Cloud Hypervisor or QEMU directly, never through a shell or sudo
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/api_socket.h"
#include "runner/mem_size.h"
#include "lib/proto.h"
#include "runner/restore.h"
#include "runner/runner_fds.h"
#include "runner/vm_api_cmd.h"
#include "runner/vmm_argv.h"
#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/exitcodes.h"
#include "lib/ifname.h"
#include "lib/log.h"

/* Cloud Hypervisor keeps the boot vCPU count in one byte. */
#define RUNNER_MAX_CPUS 255

#ifndef REDOX_NET_HELPER_PATH
#define REDOX_NET_HELPER_PATH "/usr/local/libexec/redox-net/redox-net-helper"
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: redox-run-net [OPTION]... --disk IMAGE [-- EXTRA VMM ARGS]\n"
		"       redox-run-net [OPTION]... --restore DIR [-- EXTRA VMM ARGS]\n"
		"       redox-run-net ping|info|pause|resume|snapshot DIR|resize --memory SIZE\n\n"
		"  --tap NAME           TAP to use (default $TAP_NAME or tap0)\n"
		"  --macvtap NAME       use a macvtap instead; the guest takes its MAC\n"
		"  --bridge NAME        a TAP of this VM's own on a redox-net bridge; it goes\n"
		"                       when the VMM exits; the guest MAC is 02:<uid>:<slot>\n"
		"  --slot N             with --bridge: which of your VMs this is, 0-255\n"
		"                       (default: the lowest free one)\n"
		"  --queues N           queue fds (default 1; the TAP must be multi-queue for N>1)\n"
		"  --profile P          minimal (default), performance (direct I/O, hugepages,\n"
		"                       one queue per vCPU), dev (API socket, --seccomp log),\n"
		"                       hardened (--landlock)\n"
		"  --vmm ch|qemu        Cloud Hypervisor (default) or QEMU\n"
		"  --mac MAC            guest MAC (default 52:54:00:12:34:56)\n"
		"  --cpus N --memory SIZE --firmware FILE --api-socket PATH\n"
		"  --bw-size BYTES --bw-refill-ms MS   network rate limit\n"
		"  --restore DIR        restore a Cloud Hypervisor snapshot with fresh queue fds\n"
		"  --hotplug SIZE       virtio-mem hotplug space for `resize --memory`\n"
		"  --landlock           Cloud Hypervisor confines itself with Landlock\n"
		"  --dry-run            print the VMM command line and fd table, do not run it\n"
		"  --help, --version\n\n"
		"Environment: TAP_NAME CH_CPUS CH_MEMORY CH_HUGEPAGES CH_API_SOCKET CH_BIN CH_FIRMWARE\n"
		"             CH_HOTPLUG XDG_RUNTIME_DIR\n"
		"Exit codes: 0 ok (the VMM's own when it runs), 1 failure, 2 usage, 3 policy denial\n");
}

/* Return: the environment variable, or @def when it is unset or empty. */
static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/**
 * number_arg() - read a number from an option or the environment, strictly
 * @what:	the option or variable, for the message ("--cpus", "CH_CPUS")
 * @text:	its value
 * @min:	smallest accepted value
 * @max:	largest accepted value
 * @out:	the value
 *
 * atoi() would turn "4x" into 4 and "x" into 0 without a word; a typo in a
 * VM's size should stop the run and say where it is.
 *
 * Return: 0, or -1 after an error naming @what.
 */
static int number_arg(const char *what, const char *text, unsigned long long min,
		      unsigned long long max, unsigned long long *out)
{
	char shown[64];
	int err = decimal_parse(text, max, out);

	if (!err && *out >= min)
		return 0;
	escape_text(shown, sizeof(shown), text, strlen(text));
	log_err("%s '%s' %s: it takes a number from %llu to %llu", what, shown,
		err ? decimal_problem(err) : "is too small", min, max);
	return -1;
}

/**
 * struct runner - what the command line and environment asked for
 * @req:	the device request
 * @vmm:	the VM
 * @dry_run:	print instead of exec
 * @mac_given:	--mac was given
 * @queues_given: --queues was given
 * @restore_dir: --restore DIR, or NULL
 * @api_default: the API socket is the per-user default, so a stale one may be removed
 * @api_path:	storage for that default path
 */
struct runner {
	struct proto_request req;
	struct vmm_opts vmm;
	bool dry_run, mac_given, queues_given;
	const char *restore_dir;
	bool api_default;
	char api_path[API_SOCKET_PATH_MAX];
};

/**
 * apply_vm_features() - the API socket, snapshot, hotplug and Landlock settings (issue 8)
 * @r:		the settings so far; the TAP name is valid
 * @dev:	the dev profile was chosen, which always has an API socket
 *
 * Return: 0, or -1 after saying what is wrong.
 */
static int apply_vm_features(struct runner *r, bool dev)
{
	unsigned long long bytes;

	if (r->vmm.qemu && (r->restore_dir || r->vmm.hotplug || r->vmm.landlock)) {
		log_err("--restore, --hotplug (CH_HOTPLUG) and --landlock are for Cloud Hypervisor");
		return -1;
	}
	if (r->vmm.hotplug && mem_size_parse("--hotplug", r->vmm.hotplug, &bytes))
		return -1;
	if (dev && !r->vmm.api_socket) {
		if (api_socket_default(r->req.ifname, r->api_path, sizeof(r->api_path), true))
			return -1;
		r->vmm.api_socket = r->api_path;
		r->api_default = true;
	}
	return 0;
}

static int parse_args(struct runner *r, int argc, char *argv[])
{
	enum { O_TAP = 256, O_MACVTAP, O_BRIDGE, O_SLOT, O_QUEUES, O_PROFILE, O_VMM, O_MAC, O_CPUS, O_MEMORY,
	       O_FIRMWARE, O_API, O_BW, O_REFILL, O_DISK, O_DRY, O_HELP, O_VERSION,
	       O_RESTORE, O_HOTPLUG, O_LANDLOCK };
	static const struct option longopts[] = {
		{ "tap", 1, 0, O_TAP }, { "macvtap", 1, 0, O_MACVTAP }, { "queues", 1, 0, O_QUEUES },
		{ "bridge", 1, 0, O_BRIDGE }, { "slot", 1, 0, O_SLOT },
		{ "profile", 1, 0, O_PROFILE }, { "vmm", 1, 0, O_VMM }, { "mac", 1, 0, O_MAC },
		{ "cpus", 1, 0, O_CPUS }, { "memory", 1, 0, O_MEMORY }, { "firmware", 1, 0, O_FIRMWARE },
		{ "api-socket", 1, 0, O_API }, { "bw-size", 1, 0, O_BW }, { "bw-refill-ms", 1, 0, O_REFILL },
		{ "disk", 1, 0, O_DISK }, { "dry-run", 0, 0, O_DRY }, { "help", 0, 0, O_HELP },
		{ "version", 0, 0, O_VERSION }, { "restore", 1, 0, O_RESTORE },
		{ "hotplug", 1, 0, O_HOTPLUG }, { "landlock", 0, 0, O_LANDLOCK }, { 0, 0, 0, 0 },
	};
	const char *name = env_or("TAP_NAME", "tap0"), *profile = "minimal";
	unsigned long long n;
	int c;

	r->req.kind = PROTO_KIND_TAP;
	r->req.queues = 1;
	r->req.slot = PROTO_SLOT_ANY;
	r->vmm.bin = NULL;
	r->vmm.mac = "52:54:00:12:34:56";
	if (number_arg("CH_CPUS", env_or("CH_CPUS", "4"), 1, RUNNER_MAX_CPUS, &n))
		return -1;
	r->vmm.cpus = (unsigned int)n;
	r->vmm.memory = env_or("CH_MEMORY", "2048M");
	r->vmm.hugepages = !strcmp(env_or("CH_HUGEPAGES", "0"), "1");
	r->vmm.api_socket = getenv("CH_API_SOCKET");
	r->vmm.firmware = getenv("CH_FIRMWARE");
	r->vmm.hotplug = env_or("CH_HOTPLUG", NULL);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_TAP: name = optarg; r->req.kind = PROTO_KIND_TAP; break;
		case O_MACVTAP: name = optarg; r->req.kind = PROTO_KIND_MACVTAP; break;
		case O_BRIDGE: name = optarg; r->req.kind = PROTO_KIND_BRIDGE; break;
		case O_SLOT:
			if (number_arg("--slot", optarg, 0, PROTO_MAX_SLOT, &n))
				return -1;
			r->req.slot = (int)n;
			break;
		case O_QUEUES:
			if (number_arg("--queues", optarg, 1, PROTO_MAX_QUEUES, &n))
				return -1;
			r->req.queues = (unsigned int)n;
			r->queues_given = true;
			break;
		case O_PROFILE: profile = optarg; break;
		case O_VMM: r->vmm.qemu = !strcmp(optarg, "qemu"); break;
		case O_MAC: r->vmm.mac = optarg; r->mac_given = true; break;
		case O_CPUS:
			if (number_arg("--cpus", optarg, 1, RUNNER_MAX_CPUS, &n))
				return -1;
			r->vmm.cpus = (unsigned int)n;
			break;
		case O_MEMORY: r->vmm.memory = optarg; break;
		case O_FIRMWARE: r->vmm.firmware = optarg; break;
		case O_API: r->vmm.api_socket = optarg; break;
		case O_BW:
			if (number_arg("--bw-size", optarg, 0, UINT64_MAX, &n))
				return -1;
			r->vmm.bw_size = n;
			break;
		case O_REFILL:
			if (number_arg("--bw-refill-ms", optarg, 0, UINT64_MAX, &n))
				return -1;
			r->vmm.bw_refill_ms = n;
			break;
		case O_DISK: r->vmm.disk = optarg; break;
		case O_DRY: r->dry_run = true; break;
		case O_RESTORE: r->restore_dir = optarg; break;
		case O_HOTPLUG: r->vmm.hotplug = optarg; break;
		case O_LANDLOCK: r->vmm.landlock = true; break;
		case O_HELP: usage(stdout); exit(RN_EXIT_OK);
		case O_VERSION: printf("redox-run-net %s\n", REDOX_NET_VERSION); exit(RN_EXIT_OK);
		default: usage(stderr); return -1;
		}
	}
	if (!strcmp(profile, "performance")) {
		r->vmm.direct_io = true;
		r->vmm.hugepages = true;
		if (!r->queues_given)
			r->req.queues = r->vmm.cpus;
	} else if (!strcmp(profile, "dev")) {
		r->vmm.seccomp_log = true;
	} else if (!strcmp(profile, "hardened")) {
		r->vmm.landlock = true;
	} else if (strcmp(profile, "minimal")) {
		log_err("unknown profile '%s' (minimal, performance, dev, hardened)", profile);
		return -1;
	}
	if (ifname_problem(name)) {
		log_err("bad interface name: %s", ifname_problem(name));
		return -1;
	}
	memcpy(r->req.ifname, name, strlen(name) + 1);
	if (apply_vm_features(r, !strcmp(profile, "dev")))
		return -1;
	if (!r->vmm.disk && !r->restore_dir) {
		log_err("--disk IMAGE is required");
		return -1;
	}
	/* The performance profile's one queue per vCPU can pass what one reply carries. */
	if (r->req.slot != PROTO_SLOT_ANY && r->req.kind != PROTO_KIND_BRIDGE) {
		log_err("--slot goes with --bridge only");
		return -1;
	}
	if (r->req.queues > PROTO_MAX_QUEUES) {
		log_err("%u vCPUs want more queues than the %u one request can hold: give --queues",
			r->req.queues, PROTO_MAX_QUEUES);
		return -1;
	}
	r->vmm.bin = env_or("CH_BIN", r->vmm.qemu ? "qemu-system-x86_64" : "cloud-hypervisor");
	return 0;
}

int main(int argc, char *argv[])
{
	static char store[8192], mac[18];
	static int fds[PROTO_MAX_QUEUES];
	static struct runner r;
	static struct restore_plan plan;
	const char *vargv[VMM_ARGV_MAX];
	struct proto_reply info;
	bool via_helper;
	int rc;

	log_init("redox-run-net");
	if (argc > 1 && vm_api_cmd_lookup(argv[1]))
		return vm_api_cmd_main(argc - 1, argv + 1);
	if (parse_args(&r, argc, argv))
		return RN_EXIT_USAGE;
	if (r.restore_dir) {
		/* The snapshot, not --queues, says how many fds its net device needs. */
		if (restore_plan_read(r.restore_dir, &plan))
			return RN_EXIT_FAILURE;
		if (r.queues_given && r.req.queues != plan.queues) {
			log_err("--queues %u, but the snapshot's net device %s had %u", r.req.queues,
				plan.net_id, plan.queues);
			return RN_EXIT_USAGE;
		}
		r.req.queues = plan.queues;
		r.vmm.restore_url = plan.source_url;
		r.vmm.restore_net_id = plan.net_id;
	}
	/* Tests point this at a test build; the setuid helper itself never reads the environment. */
	rc = runner_get_fds(env_or("REDOX_NET_HELPER", REDOX_NET_HELPER_PATH), &r.req, fds,
			    &info, &via_helper);
	if (rc)
		return rc == RN_EXIT_PRIVILEGE ? RN_EXIT_PRIVILEGE : RN_EXIT_FAILURE;
	if (r.req.kind != PROTO_KIND_TAP && !r.mac_given) {
		/* A macvtap only passes frames for its own MAC: the guest must use it.
		 * On a bridge the helper derives it from (uid, slot), so that the VM's
		 * DHCP lease stays the same from one start to the next. */
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", info.mac[0], info.mac[1],
			 info.mac[2], info.mac[3], info.mac[4], info.mac[5]);
		r.vmm.mac = mac;
	}
	r.vmm.nfds = r.req.queues;
	if (vmm_build_argv(&r.vmm, store, sizeof(store), vargv, argc - optind, argv + optind) < 0) {
		log_err("the VMM command line is too long");
		return RN_EXIT_USAGE;
	}
	if (r.dry_run) {
		for (int i = 0; vargv[i]; i++)
			printf("%s%s", i ? " " : "", vargv[i]);
		printf("\n");
		for (unsigned int i = 0; i < r.req.queues; i++)
			printf("fd %u: %s queue %u (%s)\n", 3 + i, r.req.ifname, i,
			       via_helper ? "from redox-net-helper" : "opened directly");
		return RN_EXIT_OK;
	}
	if (r.api_default && api_socket_clear_stale(r.vmm.api_socket))
		return RN_EXIT_FAILURE;
	if (runner_place_fds(fds, r.req.queues)) {
		log_err("cannot place the queue fds at 3..");
		return RN_EXIT_FAILURE;
	}
	execvp(vargv[0], (char *const *)vargv);
	log_err("cannot run %s: %m", vargv[0]);
	return RN_EXIT_FAILURE;
}
