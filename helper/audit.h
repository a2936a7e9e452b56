/* SPDX-License-Identifier: MIT */
/* audit.h - the helper's one authpriv syslog line per request, allowed or denied */
#ifndef REDOX_NET_AUDIT_H
#define REDOX_NET_AUDIT_H

struct caller;

/**
 * struct audit_event - everything one audit line reports
 * @caller:	real ids and pid, NULL if not read yet
 * @request:	the request as the caller wrote it (untrusted, escaped when logged)
 * @queues:	queues asked for
 * @policy_file: file of the deciding policy line, NULL if none decided
 * @policy_line: its line
 * @device:	device name (untrusted until validated, escaped when logged)
 * @ifindex:	the kernel's index for it, 0 if unknown
 * @allowed:	the result
 * @reason:	why (may quote caller input, escaped when logged)
 */
struct audit_event {
	const struct caller *caller;
	const char *request;
	unsigned int queues;
	const char *policy_file;
	unsigned long policy_line;
	const char *device;
	int ifindex;
	int allowed;
	const char *reason;
};

void audit_log(const struct audit_event *e);

#endif
