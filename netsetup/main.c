// SPDX-License-Identifier: MIT
/* main.c - redox-netsetup: the command table and the privilege checks that run first */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "lib/caps.h"
#include "lib/exitcodes.h"
#include "lib/log.h"
#include "lib/util.h"
#include "netsetup/commands.h"

/**
 * struct command - one subcommand
 * @name:	what the user types
 * @main:	its entry point, called with argv[0] = @name
 * @privileged:	needs CAP_NET_ADMIN (root) to do anything
 * @description: one line for --help
 */
static const struct command {
	const char *name;
	int (*main)(int argc, char *argv[]);
	bool privileged;
	const char *description;
} commands[] = {
	{ "up", up_main, true, "create the TAP, its address, forwarding and NAT (all or nothing)" },
	{ "down", down_main, true, "undo exactly what up did" },
	{ "status", status_main, false, "show what up set up and whether it is still there" },
	{ "doctor", doctor_main, false, "explain what would stop a guest from getting out" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: redox-netsetup COMMAND [OPTION]...\n\n"
		     "Host networking for Cloud Hypervisor and QEMU guests.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].description);
	fprintf(out, "\n'redox-netsetup COMMAND --help' lists a command's options.\n"
		     "Exit status: 0 success, 1 failure, 2 usage error, 3 not privileged, 4 conflict.\n");
}

/*
 * redox-netsetup is run as root, but all it needs is CAP_NET_ADMIN; as uid 0 it
 * still owns /run, /proc/sys and /dev/net/tun.  Everything else is dropped
 * before any input is parsed.
 */
static int drop_privileges(bool privileged)
{
	static const int keep[] = { CAP_NET_ADMIN };

	if (!caps_have_net_admin()) {
		if (!privileged)
			return 0;
		log_err("this command changes the network and needs root");
		log_hint("run it with sudo");
		return RN_EXIT_PRIVILEGE;
	}
	if (caps_keep_only(keep, 1)) {
		log_err("cannot drop capabilities other than CAP_NET_ADMIN");
		return RN_EXIT_FAILURE;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	log_init("redox-netsetup");
	if (argc < 2) {
		usage(stderr);
		return RN_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return RN_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("redox-netsetup %s\n", REDOX_NET_VERSION);
		return RN_EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		bool help = false;
		int rc;

		if (strcmp(argv[1], commands[i].name))
			continue;
		/* --help and --check change nothing, so they need no privilege. */
		for (int a = 2; a < argc && strcmp(argv[a], "--"); a++)
			help |= !strcmp(argv[a], "--help") || !strcmp(argv[a], "--check");
		rc = drop_privileges(commands[i].privileged && !help);
		return rc ? rc : commands[i].main(argc - 1, argv + 1);
	}
	log_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return RN_EXIT_USAGE;
}
