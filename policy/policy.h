/* SPDX-License-Identifier: MIT */
/* policy.h - who may use which TAP, macvtap or bridge: load, parse and check the helper's policy */
#ifndef REDOX_NET_POLICY_H
#define REDOX_NET_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/ifname.h"

/* Limits.  Anything beyond them is an error, never silently cut (docs/policy.md). */
#define POLICY_LINE_MAX		1024		/* bytes per line, without the '\n' */
#define POLICY_FILE_MAX		1048576	/* bytes per file (1 MiB) */
#define POLICY_MAX_ENTRIES	4096		/* allow, deny and quota lines, all files */
#define POLICY_MAX_FILES	64		/* the main file plus every include */
#define POLICY_INCLUDE_DEPTH	8		/* nested include levels below the main file */
#define POLICY_PATH_MAX		256		/* bytes in a policy path, with the NUL */
#define POLICY_NAME_MAX		32		/* bytes in a user or group name */
#define POLICY_MAX_QUEUES	256		/* queues per device (tun's MAX_TAP_QUEUES) */
#define POLICY_MAX_DEVICES	4096		/* largest device quota */
#define POLICY_MSG_MAX		256		/* bytes in an error message, with the NUL */

/* Used when no quota line applies to the caller. */
#define POLICY_DEFAULT_DEVICES	1
/* Queues an allow rule grants when it does not say "queues N". */
#define POLICY_DEFAULT_QUEUES	1

/**
 * enum policy_kind - the kind of device a rule authorises
 * @POLICY_KIND_TAP:		a TUN/TAP device (IFF_TAP)
 * @POLICY_KIND_MACVTAP:	a macvtap device, opened through /dev/tapN
 * @POLICY_KIND_BRIDGE:		a bridge a TAP may be attached to
 *
 * Zero is not a kind, so a zeroed request never matches a rule.
 */
enum policy_kind {
	POLICY_KIND_TAP = 1,
	POLICY_KIND_MACVTAP,
	POLICY_KIND_BRIDGE,
};

/**
 * enum policy_verdict - outcome of policy_check()
 * @POLICY_DENY:	refused; zero, so a zeroed decision denies
 * @POLICY_ALLOW:	allowed, within the limits in the decision
 */
enum policy_verdict {
	POLICY_DENY = 0,
	POLICY_ALLOW = 1,
};

/**
 * struct policy_error - why loading or parsing failed
 * @file:	policy file the problem is in (an include site for include failures)
 * @line:	1-based line, or 0 when the file as a whole is at fault
 * @message:	what is wrong, printable ASCII
 */
struct policy_error {
	char file[POLICY_PATH_MAX];
	unsigned long line;
	char message[POLICY_MSG_MAX];
};

/**
 * struct policy_resolver - turns user and group names into ids at load time
 * @user:	look up @name; store its uid.  Return: 0, ENOENT if there is no such
 *		user, or another errno value if the lookup itself failed
 * @group:	the same for groups
 * @ctx:	passed to both
 *
 * Injectable so that tests and the fuzzer never read /etc/passwd or call NSS.
 */
struct policy_resolver {
	int (*user)(void *ctx, const char *name, uid_t *uid);
	int (*group)(void *ctx, const char *name, gid_t *gid);
	void *ctx;
};

struct policy;

/**
 * typedef policy_include_fn - reads an included file into the policy being built
 * @ctx:	policy_parse_opts.include_ctx
 * @path:	absolute path from the include line, already checked by policy_path_problem()
 * @p:		policy to add the file's rules to
 * @err:	filled on failure; line 0 means "this file as a whole", and the
 *		parser then points the error at the include line
 *
 * Return: 0 on success, -1 on failure.
 */
typedef int (*policy_include_fn)(void *ctx, const char *path, struct policy *p,
				 struct policy_error *err);

/**
 * struct policy_parse_opts - what policy_parse_buffer() may call out to
 * @resolver:		name lookups; NULL refuses "user NAME" and "group NAME"
 * @include:		reads an included file; NULL refuses every include line
 * @include_ctx:	passed to @include
 */
struct policy_parse_opts {
	const struct policy_resolver *resolver;
	policy_include_fn include;
	void *include_ctx;
};

/**
 * struct policy_load_opts - how policy_load() decides whom to trust
 * @trusted_uid:	owner every policy file must have, and the one owner besides
 *			root that its directories may have.  The helper passes 0;
 *			tests pass their own uid, or another one to provoke refusals
 * @resolver:		name lookups; NULL uses the system's (getpwnam_r, getgrnam_r)
 */
struct policy_load_opts {
	uid_t trusted_uid;
	const struct policy_resolver *resolver;
};

/**
 * struct policy_decision - everything the helper needs to act on and audit a check
 * @verdict:		POLICY_ALLOW or POLICY_DENY
 * @file:		file of the rule that decided, or NULL (default deny, bad request);
 *			points into the policy, valid until policy_free()
 * @line:		its line, 0 with @file NULL
 * @reason:		one line for the audit log, printable ASCII
 * @max_devices:	devices the uid may own at once (the helper counts them)
 * @max_queues:		queues this device may have under the deciding rule and quota
 * @quota_file:		file of the quota line in force, NULL for the built-in default
 * @quota_line:		its line
 */
struct policy_decision {
	enum policy_verdict verdict;
	const char *file;
	unsigned long line;
	char reason[POLICY_MSG_MAX];
	unsigned int max_devices;
	unsigned int max_queues;
	const char *quota_file;
	unsigned long quota_line;
};

/* policy.c */
struct policy *policy_new(void);
void policy_free(struct policy *p);
size_t policy_entry_count(const struct policy *p);
const char *policy_kind_name(enum policy_kind kind);
void policy_error_format(const struct policy_error *err, char *buf, size_t size);

/* policy_parse.c */
int policy_parse_buffer(const char *buf, size_t len, const char *filename,
			const struct policy_parse_opts *opts, struct policy *p,
			struct policy_error *err);

/* policy_path.c */
const char *policy_path_problem(const char *path);

/* policy_load.c */
int policy_load(const char *path, const struct policy_load_opts *opts,
		struct policy **out, struct policy_error *err);

/* policy_resolve.c: NSS lookups (getpwnam_r, getgrnam_r), the default for policy_load() */
extern const struct policy_resolver policy_resolver_system;

/* policy_eval.c */
enum policy_verdict policy_check(const struct policy *p, uid_t uid,
				 const gid_t *gids, size_t ngids,
				 enum policy_kind kind, const char *devname,
				 unsigned int queues, struct policy_decision *out);

#endif
