// SPDX-License-Identifier: MIT
/* audit.c - the helper's one authpriv syslog line per request, allowed or denied */
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "helper/audit.h"
#include "helper/privs.h"
#include "lib/escape.h"

/**
 * audit_log() - write one authpriv line for an allow or a deny
 * @e:		what happened
 *
 * Everything the caller could have chosen (request words, device name, a
 * reason quoting them) goes through escape_text(), so no caller can forge a
 * second line, a field, or a terminal escape in the log (SECURITY.md).
 * Each field is key=value and the values contain no spaces.
 */
void audit_log(const struct audit_event *e)
{
	char req[160], dev[80], reason[400], file[300];

	escape_text(req, sizeof(req), e->request ? e->request : "", e->request ? strlen(e->request) : 0);
	escape_text(dev, sizeof(dev), e->device ? e->device : "-", e->device ? strlen(e->device) : 1);
	escape_text(reason, sizeof(reason), e->reason ? e->reason : "", e->reason ? strlen(e->reason) : 0);
	escape_text(file, sizeof(file), e->policy_file ? e->policy_file : "-",
		    e->policy_file ? strlen(e->policy_file) : 1);
	openlog("redox-net-helper", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_AUTHPRIV | (e->allowed ? LOG_INFO : LOG_NOTICE),
	       "uid=%ld gid=%ld pid=%ld request=%s queues=%u policy=%s:%lu device=%s ifindex=%d result=%s reason=%s",
	       e->caller ? (long)e->caller->uid : (long)getuid(),
	       e->caller ? (long)e->caller->gid : (long)getgid(),
	       (long)getpid(), req, e->queues, file, e->policy_line, dev, e->ifindex,
	       e->allowed ? "allow" : "deny", reason);
	closelog();
}
