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
#include "netsetup/config.h"

#define CAP_BIT(c)	(1ull << (c))
#define CAPS_NET	CAP_BIT(CAP_NET_ADMIN)
/* Stopping the DHCP responder, which by then runs as its own user. */
#define CAPS_STOP	CAP_BIT(CAP_KILL)
/*
 * What the DHCP responder needs until dhcp_serve() drops to its own user:
 * bind port 67; open the packet socket that sends OFFERs and ACKs to the
 * client's MAC; take over a lease directory that an earlier run gave to that
 * user (read and write it, chown and chmod it); change uid and gid; clear the
 * bounding set.  See netsetup/dhcp/dhcp_privs.c and dhcp_loop.c.
 */
#define CAPS_DHCP	(CAP_BIT(CAP_NET_BIND_SERVICE) | CAP_BIT(CAP_NET_RAW) |		\
			 CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_FOWNER) |	\
			 CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID) | CAP_BIT(CAP_SETPCAP))
/*
 * status reads what other users own, and changes nothing: the responder's
 * lease journal (its user's directory, mode 0700) and the fd tables of the
 * processes holding the VMs' queues (/proc/PID/fd and fdinfo, which the
 * kernel shows to another user only with CAP_SYS_PTRACE).
 */
#define CAPS_READ	(CAP_BIT(CAP_DAC_READ_SEARCH) | CAP_BIT(CAP_SYS_PTRACE))
/*
 * Kept only when the process has them: a service manager may withhold
 * CAP_NET_RAW, and the responder then sends its OFFERs and ACKs to the
 * Ethernet broadcast address, as it did before it had a packet socket.
 */
#define CAPS_OPTIONAL	CAP_BIT(CAP_NET_RAW)

/**
 * struct command - one subcommand
 * @name:	what the user types
 * @main:	its entry point, called with argv[0] = @name
 * @privileged:	needs root to do anything
 * @caps:	CAP_BIT()s it keeps when run as root; every other one is dropped
 *		before its options are read (`up` keeps CAPS_DHCP and CAPS_STOP
 *		for --dhcp, and drops them as soon as it knows it was not asked for)
 * @description: one line for --help
 */
static const struct command {
	const char *name;
	int (*main)(int argc, char *argv[]);
	bool privileged;
	unsigned long long caps;
	const char *description;
} commands[] = {
	{ "up", up_main, true, CAPS_NET | CAPS_DHCP | CAPS_STOP,
	  "create the TAP, its address, forwarding and NAT (all or nothing)" },
	{ "down", down_main, true, CAPS_NET | CAPS_STOP, "undo exactly what up did" },
	{ "status", status_main, false, CAPS_NET | CAPS_READ, "show what up set up and whether it is still there" },
	{ "doctor", doctor_main, false, CAPS_NET, "explain what would stop a guest from getting out" },
	{ "dhcp", dhcp_main, true, CAPS_DHCP, "run the DHCP responder in the foreground" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: redox-netsetup [OPTION]... COMMAND [OPTION]...\n\n"
		     "Host networking for Cloud Hypervisor and QEMU guests.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].description);
	fprintf(out, "\n'redox-netsetup COMMAND --help' lists a command's options; they may come\n"
		     "before COMMAND as well as after it.\n"
		     "Exit status: 0 success, 1 failure, 2 usage error, 3 not privileged, 4 conflict.\n");
}

/**
 * drop_privileges() - keep only the command's capabilities, before any input is parsed
 * @cmd:	the command
 * @privileged:	it must run as root (false for --help)
 *
 * redox-netsetup is run as root, but the network commands need only
 * CAP_NET_ADMIN (as uid 0 it still owns /run, /proc/sys and /dev/net/tun),
 * and the DHCP responder only what CAPS_DHCP lists.  A capability in
 * CAPS_OPTIONAL that the process does not have is left out rather than
 * asked for, which would fail.
 *
 * Return: 0, or an exit code.
 */
static int drop_privileges(const struct command *cmd, bool privileged)
{
	int keep[64], n = 0;

	if (!caps_have_net_admin()) {
		if (!privileged)
			return 0;
		log_err("'%s' needs root", cmd->name);
		log_hint("run it with sudo");
		return RN_EXIT_PRIVILEGE;
	}
	for (int c = 0; c < 64; c++)
		if ((cmd->caps & CAP_BIT(c)) && (!(CAPS_OPTIONAL & CAP_BIT(c)) || caps_have(c)))
			keep[n++] = c;
	if (caps_keep_only(keep, n)) {
		log_err("cannot drop the capabilities '%s' does not need", cmd->name);
		return RN_EXIT_FAILURE;
	}
	return 0;
}

/**
 * command_first() - move the command in front of the options written before it
 * @argc:	argument count
 * @argv:	arguments; permuted in place
 *
 * `redox-netsetup --config FILE up` means `redox-netsetup up --config FILE`,
 * as `git -C DIR status` or `ip -n NS link` put options before their command.
 * Each option before the command must be one some command knows, so that its
 * value is not taken for the command; the command's own parser then decides
 * whether that command accepts it, wherever it was written.
 *
 * Return: 0, or RN_EXIT_USAGE after saying what is wrong.
 */
static int command_first(int argc, char *argv[])
{
	int i = 1;
	char *cmd;

	while (i < argc && !strncmp(argv[i], "--", 2) && argv[i][2]) {
		char name[64];
		size_t len = strcspn(argv[i] + 2, "=");
		int takes;

		if (len >= sizeof(name)) {
			log_err("unknown option '%s'", argv[i]);
			return RN_EXIT_USAGE;
		}
		memcpy(name, argv[i] + 2, len);
		name[len] = '\0';
		takes = config_option_arg(name);
		if (takes < 0) {
			log_err("unknown option '%s' before the command", argv[i]);
			log_hint("'redox-netsetup COMMAND --help' lists a command's options");
			return RN_EXIT_USAGE;
		}
		i += takes && !argv[i][2 + len] ? 2 : 1;
	}
	if (i >= argc) {
		log_err("no command after the options");
		usage(stderr);
		return RN_EXIT_USAGE;
	}
	cmd = argv[i];
	memmove(&argv[2], &argv[1], (size_t)(i - 1) * sizeof(argv[0]));
	argv[1] = cmd;
	return 0;
}

int main(int argc, char *argv[])
{
	log_init("redox-netsetup");
	log_detect_journal();
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
	if (command_first(argc, argv))
		return RN_EXIT_USAGE;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		bool help = false;
		int rc;

		if (strcmp(argv[1], commands[i].name))
			continue;
		/* --help and --check change nothing, so they need no privilege. */
		for (int a = 2; a < argc && strcmp(argv[a], "--"); a++)
			help |= !strcmp(argv[a], "--help") || !strcmp(argv[a], "--check");
		rc = drop_privileges(&commands[i], commands[i].privileged && !help);
		return rc ? rc : commands[i].main(argc - 1, argv + 1);
	}
	log_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return RN_EXIT_USAGE;
}
