// SPDX-License-Identifier: MIT
/* fuzz_proto.c - libFuzzer harness: the helper's request parser and reply header decoder, with round trips */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/proto.h"
#include "lib/ifname.h"

#define MAX_ARGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* same_request() - Return: true if two parsed requests say the same thing */
static bool same_request(const struct proto_request *a, const struct proto_request *b)
{
	return a->fd == b->fd && a->kind == b->kind && a->queues == b->queues &&
	       a->slot == b->slot && !strcmp(a->ifname, b->ifname);
}

/**
 * check_request() - parse the input as the helper's command line
 * @data:	arguments separated by NUL bytes; argv[0] is supplied
 * @size:	their length
 *
 * This is what the setuid helper parses from any local user.  A request that
 * parses must hold only values the helper can act on, and the argv the runner
 * builds for it must parse back to the same request.  A refusal must leave a
 * NUL-terminated reason.
 */
static void check_request(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *args[MAX_ARGS + 1], why[128], bufs[3][32];
	const char *again[PROTO_ARGV_MAX];
	struct proto_request req, back;
	int argc = 0;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	args[argc++] = "redox-net-helper";
	for (char *p = text; p <= text + size && argc < MAX_ARGS; p += strlen(p) + 1)
		args[argc++] = p;
	args[argc] = NULL;
	memset(why, 0xa5, sizeof(why));
	if (proto_parse_request(argc, args, &req, why, sizeof(why))) {
		if (!memchr(why, '\0', sizeof(why)) || !why[0])
			abort();
		free(text);
		return;
	}
	if (req.fd <= 2 || req.fd > 65535 || req.queues < 1 || req.queues > PROTO_MAX_QUEUES ||
	    req.kind < PROTO_KIND_TAP || req.kind > PROTO_KIND_BRIDGE ||
	    req.slot < PROTO_SLOT_ANY || req.slot > (int)PROTO_MAX_SLOT ||
	    !ifname_is_valid(req.ifname))
		abort();
	argc = proto_request_argv(&req, bufs, again);
	if (proto_parse_request(argc, (char *const *)again, &back, why, sizeof(why)) ||
	    !same_request(&req, &back))
		abort();
	free(text);
}

/* same_reply() - Return: true if two decoded replies carry the same values */
static bool same_reply(const struct proto_reply *a, const struct proto_reply *b)
{
	return a->status == b->status && a->kind == b->kind && !strcmp(a->ifname, b->ifname) &&
	       a->ifindex == b->ifindex && !memcmp(a->mac, b->mac, sizeof(a->mac)) &&
	       a->mtu == b->mtu && a->queues == b->queues && !strcmp(a->error, b->error);
}

/**
 * check_reply() - decode @len bytes as a reply header; round-trip what decodes
 * @buf:	bytes as the runner would receive them
 * @len:	their length
 *
 * The runner trusts a decoded header to say how many fds came with it and to
 * hold printable strings, so those invariants are checked on every success.
 */
static void check_reply(const uint8_t *buf, size_t len)
{
	uint8_t wire[PROTO_REPLY_SIZE], again[PROTO_REPLY_SIZE];
	struct proto_reply r, back;
	const char *why = NULL;

	if (proto_reply_decode(buf, len, &r, &why)) {
		if (!why)
			abort();
		return;
	}
	if (!memchr(r.ifname, '\0', sizeof(r.ifname)) || !memchr(r.error, '\0', sizeof(r.error)) ||
	    (r.status == 0 && (r.queues < 1 || r.queues > PROTO_MAX_QUEUES ||
			       !ifname_is_valid(r.ifname) ||
			       r.kind < PROTO_KIND_TAP || r.kind > PROTO_KIND_BRIDGE)) ||
	    (r.status != 0 && r.queues != 0))
		abort();
	proto_reply_encode(&r, wire);
	if (proto_reply_decode(wire, sizeof(wire), &back, &why) || !same_reply(&r, &back))
		abort();
	proto_reply_encode(&back, again);
	if (memcmp(wire, again, sizeof(wire)))
		abort();
}

/**
 * LLVMFuzzerTestOneInput() - one input, read as a command line and as a reply
 * @data:	bytes
 * @size:	their length
 *
 * The raw bytes go to the decoder as they are, and once more as a
 * PROTO_REPLY_SIZE header with a valid magic and version stamped on, so most
 * inputs reach the field checks instead of stopping at the size or the magic.
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t header[PROTO_REPLY_SIZE] = { 0 };
	uint32_t magic = PROTO_MAGIC;
	uint16_t version = PROTO_VERSION;

	check_request(data, size);
	check_reply(data, size);
	memcpy(header, data, size < sizeof(header) ? size : sizeof(header));
	memcpy(header, &magic, sizeof(magic));
	memcpy(header + sizeof(magic), &version, sizeof(version));
	check_reply(header, sizeof(header));
	return 0;
}
