/* SPDX-License-Identifier: MIT */
/* policy_int.h - the in-memory policy, shared by the parser, the loader and the evaluator */
#ifndef REDOX_NET_POLICY_INT_H
#define REDOX_NET_POLICY_INT_H

#include <stdint.h>
#include <sys/stat.h>

#include "policy/policy.h"

/**
 * enum policy_subject_type - whom a rule or quota is about
 * @POLICY_SUBJECT_USER:	the caller's real uid equals the id
 * @POLICY_SUBJECT_GROUP:	the id is in the caller's real gid list
 */
enum policy_subject_type {
	POLICY_SUBJECT_USER = 1,
	POLICY_SUBJECT_GROUP,
};

/**
 * struct policy_subject - a user or group, resolved to its numeric id at load time
 * @type:	user or group
 * @id:		uid or gid
 */
struct policy_subject {
	enum policy_subject_type type;
	uint32_t id;
};

/**
 * struct policy_origin - where an entry was written, for errors and the audit log
 * @file:	index into policy.files
 * @line:	1-based line number
 */
struct policy_origin {
	unsigned int file;
	unsigned long line;
};

/**
 * struct policy_rule - one allow or deny line
 * @allow:	true for allow, false for deny
 * @subject:	whom it is about
 * @kind:	device kind it covers
 * @pattern:	device name or glob ('*', '?'), at most RN_IFNAME_MAX characters
 * @queues:	most queues an allow grants; 0 for deny
 * @origin:	where it was written
 */
struct policy_rule {
	bool allow;
	struct policy_subject subject;
	enum policy_kind kind;
	char pattern[RN_IFNAME_MAX + 1];
	unsigned int queues;
	struct policy_origin origin;
};

/**
 * struct policy_quota - one quota line
 * @subject:	whom it limits
 * @devices:	devices the subject's uid may own at once
 * @queues:	queues per device
 * @origin:	where it was written
 */
struct policy_quota {
	struct policy_subject subject;
	unsigned int devices;
	unsigned int queues;
	struct policy_origin origin;
};

/**
 * struct policy - a loaded policy: rules and quotas in file order, and the files they came from
 * @rules:	allow and deny lines
 * @nrules:	entries used in @rules
 * @quotas:	quota lines
 * @nquotas:	entries used in @quotas
 * @files:	names of the files read, owned
 * @nfiles:	entries used in @files
 */
struct policy {
	struct policy_rule *rules;
	size_t nrules;
	struct policy_quota *quotas;
	size_t nquotas;
	char *files[POLICY_MAX_FILES];
	size_t nfiles;
};

/* policy.c */
__attribute__((format(printf, 4, 5)))
int policy_error_set(struct policy_error *err, const char *file,
		     unsigned long line, const char *fmt, ...);
int policy_add_file(struct policy *p, const char *name, unsigned int *index);
int policy_add_rule(struct policy *p, const struct policy_rule *r);
int policy_add_quota(struct policy *p, const struct policy_quota *q);
const char *policy_origin_file(const struct policy *p, const struct policy_origin *o);

/* policy_path.c */
int policy_open_trusted(const char *path, uid_t trusted, struct stat *st,
			struct policy_error *err);

/* policy_glob.c */
const char *policy_pattern_problem(const char *pattern);
bool policy_glob_match(const char *pattern, const char *name);

#endif
