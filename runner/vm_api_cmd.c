// SPDX-License-Identifier: MIT
/*
 * vm_api_cmd.c - redox-run-net ping|info|pause|resume|snapshot|resize: talk to a
 * running VM through Cloud Hypervisor's API socket
 *
 * Each command is one request from the OpenAPI description
 * (vmm/src/api/openapi/cloud-hypervisor.yaml); the socket is found the way
 * the runner made it: --api-socket, CH_API_SOCKET, or the per-user default
 * for the VM's TAP.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/api_socket.h"
#include "runner/ch_api.h"
#include "runner/mem_size.h"
#include "runner/vm_api_cmd.h"
#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/exitcodes.h"
#include "lib/ifname.h"
#include "lib/log.h"
#include "lib/util.h"

#define DEFAULT_TIMEOUT_S	10
#define SNAPSHOT_TIMEOUT_S	600	/* it writes all of guest memory */

/**
 * struct api_args - a command's options
 * @sock:	the API socket path
 * @tap:	the VM's TAP, which names the default socket
 * @memory:	resize: the new memory size
 * @operand:	snapshot: the directory
 * @timeout_s:	seconds for the whole exchange
 */
struct api_args {
	const char *sock, *tap, *memory, *operand;
	unsigned int timeout_s;
};

/**
 * struct api_cmd - one command
 * @name:	what the user types
 * @method:	HTTP method
 * @endpoint:	path under /api/v1/
 * @operand:	the positional argument it takes, or NULL
 * @print:	print the answer's body (a JSON document) on stdout
 * @hint:	what to try when the VMM says 500
 */
struct api_cmd {
	const char *name, *method, *endpoint, *operand;
	bool print;
	const char *hint;
};

static const struct api_cmd commands[] = {
	{ "ping", "GET", "vmm.ping", NULL, true, NULL },
	{ "info", "GET", "vm.info", NULL, true, NULL },
	{ "pause", "PUT", "vm.pause", NULL, false, NULL },
	{ "resume", "PUT", "vm.resume", NULL, false, NULL },
	{ "snapshot", "PUT", "vm.snapshot", "DIR", false,
	  "pause the VM first (redox-run-net pause), and give an empty directory the VMM can "
	  "write" },
	{ "resize", "PUT", "vm.resize", NULL, false,
	  "memory can only grow into hotplug space: start the VM with --hotplug SIZE" },
};

/**
 * vm_api_cmd_lookup() - Return: true if @name is one of the API commands
 * @name:	the first argument
 */
bool vm_api_cmd_lookup(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return true;
	return false;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: redox-run-net ping|info|pause|resume [OPTION]...\n"
		"       redox-run-net snapshot DIR [OPTION]...\n"
		"       redox-run-net resize --memory SIZE [OPTION]...\n\n"
		"  --api-socket PATH    the VM's API socket (default $CH_API_SOCKET, else\n"
		"                       $XDG_RUNTIME_DIR/redox-run-net/TAP.sock)\n"
		"  --tap NAME           the VM's TAP, which names the default socket\n"
		"                       (default $TAP_NAME or tap0)\n"
		"  --memory SIZE        resize: new guest memory, e.g. 4G\n"
		"  --timeout SECONDS    give up after this long (default %d, snapshot %d)\n",
		DEFAULT_TIMEOUT_S, SNAPSHOT_TIMEOUT_S);
}

static int parse(const struct api_cmd *cmd, int argc, char *argv[], struct api_args *a)
{
	enum { O_API = 256, O_TAP, O_MEMORY, O_TIMEOUT, O_HELP };
	static const struct option longopts[] = {
		{ "api-socket", 1, 0, O_API }, { "tap", 1, 0, O_TAP }, { "memory", 1, 0, O_MEMORY },
		{ "timeout", 1, 0, O_TIMEOUT }, { "help", 0, 0, O_HELP }, { 0, 0, 0, 0 },
	};
	unsigned long long n;
	int c;

	a->timeout_s = strcmp(cmd->name, "snapshot") ? DEFAULT_TIMEOUT_S : SNAPSHOT_TIMEOUT_S;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_API: a->sock = optarg; break;
		case O_TAP: a->tap = optarg; break;
		case O_MEMORY: a->memory = optarg; break;
		case O_TIMEOUT:
			if (decimal_parse(optarg, 86400, &n) || !n) {
				log_err("--timeout takes seconds, 1 to 86400");
				return -1;
			}
			a->timeout_s = (unsigned int)n;
			break;
		case O_HELP: usage(stdout); exit(RN_EXIT_OK);
		default: usage(stderr); return -1;
		}
	}
	if (cmd->operand && optind < argc)
		a->operand = argv[optind++];
	if (optind < argc || (cmd->operand && !a->operand) ||
	    (!strcmp(cmd->name, "resize") != !!a->memory)) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The socket: --api-socket, then CH_API_SOCKET, then the default for the TAP. */
static int find_socket(struct api_args *a, char *buf, size_t bufsz)
{
	const char *env = getenv("CH_API_SOCKET"), *tap = getenv("TAP_NAME");

	if (a->sock)
		return 0;
	if (env && *env) {
		a->sock = env;
		return 0;
	}
	if (!a->tap)
		a->tap = tap && *tap ? tap : "tap0";
	if (ifname_problem(a->tap)) {
		log_err("bad interface name: %s", ifname_problem(a->tap));
		return -1;
	}
	if (api_socket_default(a->tap, buf, bufsz, false))
		return -1;
	a->sock = buf;
	return 0;
}

/**
 * request_body() - the JSON body a command sends, or NULL
 * @cmd:	the command
 * @a:		its options
 * @body:	storage
 * @bodysz:	its size
 * @fail:	set when the body cannot be made (a message was printed)
 */
static const char *request_body(const struct api_cmd *cmd, const struct api_args *a,
				char *body, size_t bodysz, bool *fail)
{
	char abs[PATH_MAX], escaped[3 * PATH_MAX];
	unsigned long long bytes;

	*fail = true;
	if (!strcmp(cmd->name, "resize")) {
		if (mem_size_parse("--memory", a->memory, &bytes))
			return NULL;
		snprintf(body, bodysz, "{\"desired_ram\":%llu}", bytes);
	} else if (!strcmp(cmd->name, "snapshot")) {
		/* The VMM resolves relative paths against its own cwd, not ours. */
		if (!realpath(a->operand, abs)) {
			log_err("snapshot directory %s: %m", a->operand);
			log_hint("create it first (mkdir), empty, where the VMM may write");
			return NULL;
		}
		if (escape_json(escaped, sizeof(escaped), abs) >= sizeof(escaped) ||
		    snprintf(body, bodysz, "{\"destination_url\":\"file://%s\"}", escaped) >=
		    (int)bodysz) {
			log_err("snapshot directory %s: the path is too long", a->operand);
			return NULL;
		}
	} else {
		*fail = false;
		return NULL;
	}
	*fail = false;
	return body;
}

/* Print a body from the VMM: printable ASCII, newlines and tabs as they are, the rest as \xNN. */
static void print_body(const struct ch_api_reply *r)
{
	for (size_t i = 0; i < r->body_len; i++) {
		unsigned char c = (unsigned char)r->body[i];

		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	if (!r->body_len || r->body[r->body_len - 1] != '\n')
		putchar('\n');
}

/* Say what a non-2xx status means for this command (the OpenAPI description's responses). */
static void explain_status(const struct api_cmd *cmd, const char *sock,
			   const struct ch_api_reply *r)
{
	char shown[161];
	size_t n = r->body_len < sizeof(shown) - 1 ? r->body_len : sizeof(shown) - 1;

	/* The VMM's reason, one line of printable ASCII: nothing in it can move the terminal. */
	for (size_t i = 0; i < n; i++) {
		shown[i] = r->body[i];
		if (shown[i] < 0x20 || shown[i] == 0x7f)
			shown[i] = '?';
	}
	shown[n] = '\0';
	switch (r->status) {
	case 404:
		log_err("%s: %s: the VMM has no VM (404): it was never created or booted", sock,
			cmd->name);
		break;
	case 405:
		log_err("%s: %s: the VM is not in a state that allows it (405)", sock, cmd->name);
		log_hint("pause and snapshot need a running VM, resume a paused one");
		break;
	case 429:
		log_err("%s: %s: the VMM is busy with an earlier resize (429)", sock, cmd->name);
		log_hint("try again in a moment");
		break;
	case 500:
		log_err("%s: %s: the VMM could not do it (500): %s", sock, cmd->name,
			*shown ? shown : "(no reason given)");
		if (cmd->hint)
			log_hint("%s", cmd->hint);
		break;
	default:
		log_err("%s: %s: the VMM answered %u: %s", sock, cmd->name, r->status,
			*shown ? shown : "(no reason given)");
	}
}

/**
 * vm_api_cmd_main() - run one API command
 * @argc:	argument count, the command's name first
 * @argv:	arguments
 *
 * Return: RN_EXIT_OK, RN_EXIT_USAGE, or RN_EXIT_FAILURE when the VMM could not
 * be reached or refused.
 */
int vm_api_cmd_main(int argc, char *argv[])
{
	static struct ch_api_reply reply;
	const struct api_cmd *cmd = NULL;
	struct api_args a = { 0 };
	char path[API_SOCKET_PATH_MAX];
	static char body[6 * PATH_MAX];
	const char *json;
	bool fail;

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[0], commands[i].name))
			cmd = &commands[i];
	if (!cmd || parse(cmd, argc, argv, &a))
		return RN_EXIT_USAGE;
	json = request_body(cmd, &a, body, sizeof(body), &fail);
	if (fail)
		return RN_EXIT_USAGE;
	if (find_socket(&a, path, sizeof(path)))
		return RN_EXIT_FAILURE;
	if (ch_api_call(a.sock, cmd->method, cmd->endpoint, json, a.timeout_s, &reply))
		return RN_EXIT_FAILURE;
	if (reply.status < 200 || reply.status > 299) {
		explain_status(cmd, a.sock, &reply);
		return RN_EXIT_FAILURE;
	}
	if (cmd->print)
		print_body(&reply);
	else if (a.operand)
		printf("snapshot written to %s; restore it with: redox-run-net --restore %s\n",
		       a.operand, a.operand);
	return RN_EXIT_OK;
}
