// SPDX-License-Identifier: MIT
/*
 * policy_query.c - test tool: load a policy file exactly as redox-net-helper does and ask it one question.
 *
 * usage: policy_query FILE UID GID[,GID...] tap|macvtap|bridge DEVICE QUEUES
 * Loads FILE with policy_load(), trusting only root as owner and using the
 * system's user and group lookups, as the helper's decide() does, then runs
 * policy_check() for a caller with that uid and those groups.  Prints one line
 * "allow ..." or "deny ..." with the deciding file, line and limits, or
 * "load-error FILE:LINE: MESSAGE".  Exits 0 allowed, 1 denied, 2 load error,
 * 3 usage.  The NixOS module test uses it to prove a generated policy loads
 * and lets the helper's group use what the module made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decimal.h"
#include "policy/policy.h"

#define MAX_GIDS 32

/**
 * parse_gids() - a comma-separated list of decimal gids
 * @text:	e.g. "100,65534"
 * @gids:	filled with up to MAX_GIDS ids
 *
 * Return: how many, or -1 if one is not a decimal gid.
 */
static int parse_gids(const char *text, gid_t gids[MAX_GIDS])
{
	char buf[512];
	int n = 0;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long long id;

		if (n == MAX_GIDS || decimal_parse(tok, 0xfffffffeul, &id) != DECIMAL_OK)
			return -1;
		gids[n++] = (gid_t)id;
	}
	return n;
}

/**
 * kind_parse() - a device kind by the name policy rules use
 * @name:	"tap", "macvtap" or "bridge"
 *
 * Return: the kind, or 0 for any other name.
 */
static enum policy_kind kind_parse(const char *name)
{
	if (!strcmp(name, "tap"))
		return POLICY_KIND_TAP;
	if (!strcmp(name, "macvtap"))
		return POLICY_KIND_MACVTAP;
	if (!strcmp(name, "bridge"))
		return POLICY_KIND_BRIDGE;
	return 0;
}

int main(int argc, char *argv[])
{
	struct policy_load_opts opts = { .trusted_uid = 0 };
	struct policy_decision d;
	struct policy_error err;
	struct policy *p;
	unsigned long long uid, queues;
	gid_t gids[MAX_GIDS];
	enum policy_kind kind;
	int ngids;

	if (argc != 7 || decimal_parse(argv[2], 0xfffffffeul, &uid) != DECIMAL_OK ||
	    (ngids = parse_gids(argv[3], gids)) < 0 || !(kind = kind_parse(argv[4])) ||
	    decimal_parse(argv[6], POLICY_MAX_QUEUES, &queues) != DECIMAL_OK) {
		fprintf(stderr, "usage: policy_query FILE UID GID[,GID...] tap|macvtap|bridge DEVICE QUEUES\n");
		return 3;
	}
	if (policy_load(argv[1], &opts, &p, &err)) {
		char msg[POLICY_MSG_MAX + POLICY_PATH_MAX + 32];

		policy_error_format(&err, msg, sizeof(msg));
		printf("load-error %s\n", msg);
		return 2;
	}
	policy_check(p, (uid_t)uid, gids, (size_t)ngids, kind, argv[5], (unsigned int)queues, &d);
	printf("%s %s:%lu devices=%u queues=%u: %s\n", d.verdict == POLICY_ALLOW ? "allow" : "deny",
	       d.file ? d.file : "-", d.line, d.max_devices, d.max_queues, d.reason);
	policy_free(p);
	return d.verdict == POLICY_ALLOW ? 0 : 1;
}
