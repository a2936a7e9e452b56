// SPDX-License-Identifier: MIT
/* fuzz_policy.c - libFuzzer harness: policy_parse_buffer() and policy_check() on arbitrary bytes */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * name_id() - a stable id for any name, so every name resolves without NSS
 * @name:	user or group name
 *
 * Return: a small id, so that the requests below sometimes match.
 */
static unsigned int name_id(const char *name)
{
	unsigned int h = 0;

	for (; *name; name++)
		h = h * 31 + (unsigned char)*name;
	return 1000 + h % 8;
}

/**
 * fuzz_user() - resolver callback: every user exists, except "nobody-here"
 * @ctx:	unused
 * @name:	user name
 * @uid:	its uid
 *
 * Return: 0, or ENOENT for the one unknown name.
 */
static int fuzz_user(void *ctx, const char *name, uid_t *uid)
{
	(void)ctx;
	*uid = name_id(name);
	return strcmp(name, "nobody-here") ? 0 : ENOENT;
}

/**
 * fuzz_group() - resolver callback: every group exists
 * @ctx:	unused
 * @name:	group name
 * @gid:	its gid
 *
 * Return: 0.
 */
static int fuzz_group(void *ctx, const char *name, gid_t *gid)
{
	(void)ctx;
	*gid = name_id(name);
	return 0;
}

/**
 * LLVMFuzzerTestOneInput() - parse one input; if it parses, ask a few questions of it
 * @data:	policy bytes
 * @size:	their length
 *
 * Includes are disabled (no callback), so the harness never touches the file
 * system.  Every error must leave a NUL-terminated message.
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct policy_resolver resolver = { fuzz_user, fuzz_group, NULL };
	static const struct policy_parse_opts opts = { .resolver = &resolver };
	static const char *names[] = { "tap0", "redox-1", "abcdefghijklmno", "abcdefghijklmnop", "" };
	const gid_t gids[] = { 1000, 1003, 1007 };
	struct policy_error err;
	struct policy *p = policy_new();

	if (!p)
		return 0;
	memset(&err, 0xa5, sizeof(err));
	if (policy_parse_buffer((const char *)data, size, "fuzz", &opts, p, &err)) {
		if (!memchr(err.message, '\0', sizeof(err.message)) ||
		    !memchr(err.file, '\0', sizeof(err.file)))
			__builtin_trap();
	} else {
		for (unsigned int i = 0; i < 3 * sizeof(names) / sizeof(names[0]); i++) {
			struct policy_decision d;

			policy_check(p, 1000 + i % 8, gids, i % 4, (enum policy_kind)(1 + i % 3),
				     names[i % 5], 1 + i % 9, &d);
		}
	}
	policy_free(p);
	return 0;
}
