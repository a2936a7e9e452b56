// SPDX-License-Identifier: MIT
/* policy_eval.c - decide one request: may this uid and gid list use this device, with so many queues? */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"

/**
 * struct caller - the credentials a request is judged on
 * @uid:	real uid
 * @gids:	real gid and supplementary gids
 * @ngids:	entries in @gids
 */
struct caller {
	uid_t uid;
	const gid_t *gids;
	size_t ngids;
};

/**
 * subject_matches() - does a rule's subject cover the caller?
 * @s:	subject
 * @c:	caller
 *
 * Ids are compared exactly: there is no prefix, pattern or negative match,
 * so "alice" in a policy never covers "alice2".
 *
 * Return: true if @s is the caller's uid or one of its gids.
 */
static bool subject_matches(const struct policy_subject *s, const struct caller *c)
{
	if (s->type == POLICY_SUBJECT_USER)
		return s->id == (uint32_t)c->uid;
	for (size_t i = 0; i < c->ngids; i++)
		if (s->id == (uint32_t)c->gids[i])
			return true;
	return false;
}

/**
 * decide() - fill in the verdict, the deciding line and the reason
 * @p:		policy, for the file name
 * @out:	decision
 * @verdict:	allow or deny
 * @origin:	deciding entry, or NULL when no line decided
 * @fmt:	printf format of the reason
 *
 * Return: @verdict.
 */
__attribute__((format(printf, 5, 6)))
static enum policy_verdict decide(const struct policy *p, struct policy_decision *out,
				  enum policy_verdict verdict,
				  const struct policy_origin *origin, const char *fmt, ...)
{
	va_list ap;

	out->verdict = verdict;
	out->file = origin && p ? policy_origin_file(p, origin) : NULL;
	out->line = origin ? origin->line : 0;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	return verdict;
}

/**
 * find_quota() - the quota line in force for a caller
 * @p:	policy
 * @c:	caller
 *
 * A user quota wins over any group quota, so an administrator can always
 * pin one user down.  Otherwise the most generous group quota applies
 * (most devices, then most queues, then the first written): a quota is a
 * grant, like an allow rule, and grants from several groups add up to the
 * best of them.  Taking the smallest instead would mean that adding a user
 * to one more group could take devices away, and a generous quota for a
 * small group would be void for anyone who is also in a big, strict one.
 *
 * Return: the quota, or NULL if none applies (built-in defaults).
 */
static const struct policy_quota *find_quota(const struct policy *p, const struct caller *c)
{
	const struct policy_quota *best = NULL;

	for (size_t i = 0; i < p->nquotas; i++) {
		const struct policy_quota *q = &p->quotas[i];

		if (!subject_matches(&q->subject, c))
			continue;
		if (q->subject.type == POLICY_SUBJECT_USER)
			return q;	/* at most one per user: duplicates are refused */
		if (!best || q->devices > best->devices ||
		    (q->devices == best->devices && q->queues > best->queues))
			best = q;
	}
	return best;
}

/**
 * rule_matches() - does a rule cover this caller, kind and device?
 * @r:		rule
 * @c:		caller
 * @kind:	requested kind
 * @devname:	requested device, a valid interface name
 *
 * Return: true if it does.
 */
static bool rule_matches(const struct policy_rule *r, const struct caller *c,
			 enum policy_kind kind, const char *devname)
{
	return r->kind == kind && subject_matches(&r->subject, c) &&
	       policy_glob_match(r->pattern, devname);
}

/**
 * check_request() - refuse requests that no policy could allow
 * @p:		policy
 * @c:		caller
 * @kind:	requested kind
 * @devname:	requested device
 * @queues:	requested queues
 * @out:	decision, filled when the request is refused
 *
 * Return: true if the request is well formed.
 */
static bool check_request(const struct policy *p, const struct caller *c,
			  enum policy_kind kind, const char *devname, unsigned int queues,
			  struct policy_decision *out)
{
	const char *problem = ifname_problem(devname);

	if (!p)
		decide(p, out, POLICY_DENY, NULL, "no policy is loaded");
	else if (problem)
		decide(p, out, POLICY_DENY, NULL, "invalid device name: %s", problem);
	else if (kind < POLICY_KIND_TAP || kind > POLICY_KIND_BRIDGE)
		decide(p, out, POLICY_DENY, NULL, "invalid device kind %d", (int)kind);
	else if (queues < 1 || queues > POLICY_MAX_QUEUES)
		decide(p, out, POLICY_DENY, NULL, "queue count %u is not within 1..%d",
		       queues, POLICY_MAX_QUEUES);
	else if (c->ngids && !c->gids)
		decide(p, out, POLICY_DENY, NULL, "no group list");
	else
		return true;
	return false;
}

/**
 * policy_check() - decide whether a caller may use a device
 * @p:		loaded policy
 * @uid:	the caller's real uid
 * @gids:	the caller's real gid followed by its supplementary gids (the
 *		helper passes getgid() and getgroups(); the real gid is not
 *		added here)
 * @ngids:	entries in @gids
 * @kind:	kind of the device, as the kernel reports it for the opened device
 * @devname:	device name as the caller gave it; checked with ifname_problem()
 *		first, so an overlong name is refused, never cut to fit a rule
 * @queues:	queues asked for, 1..POLICY_MAX_QUEUES
 * @out:	decision: verdict, deciding file:line, reason and limits (NULL: deny)
 *
 * Default deny.  A matching deny rule wins over every allow rule.  Otherwise
 * the first matching allow rule (in file order) whose queue limit, capped by
 * the quota's, covers @queues allows the request.  The device quota in @out
 * is for the caller to enforce by counting the devices the uid owns.
 *
 * Return: POLICY_ALLOW or POLICY_DENY, as in @out->verdict.
 */
enum policy_verdict policy_check(const struct policy *p, uid_t uid,
				 const gid_t *gids, size_t ngids,
				 enum policy_kind kind, const char *devname,
				 unsigned int queues, struct policy_decision *out)
{
	const struct caller c = { .uid = uid, .gids = gids, .ngids = ngids };
	const struct policy_rule *widest = NULL;
	const struct policy_quota *quota;
	unsigned int quota_queues;

	if (!out)
		return POLICY_DENY;
	memset(out, 0, sizeof(*out));
	if (!check_request(p, &c, kind, devname, queues, out))
		return POLICY_DENY;
	quota = find_quota(p, &c);
	out->max_devices = quota ? quota->devices : POLICY_DEFAULT_DEVICES;
	quota_queues = quota ? quota->queues : POLICY_MAX_QUEUES;
	out->quota_file = quota ? policy_origin_file(p, &quota->origin) : NULL;
	out->quota_line = quota ? quota->origin.line : 0;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!r->allow && rule_matches(r, &c, kind, devname))
			return decide(p, out, POLICY_DENY, &r->origin, "denied by rule");
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!r->allow || !rule_matches(r, &c, kind, devname))
			continue;
		if (!widest || r->queues > widest->queues)
			widest = r;
		if (queues <= r->queues && queues <= quota_queues) {
			out->max_queues = r->queues < quota_queues ? r->queues : quota_queues;
			return decide(p, out, POLICY_ALLOW, &r->origin, "allowed by rule");
		}
	}
	if (!widest)
		return decide(p, out, POLICY_DENY, NULL, "no rule allows uid %u to use %s %s",
			      (unsigned int)uid, policy_kind_name(kind), devname);
	out->max_queues = widest->queues < quota_queues ? widest->queues : quota_queues;
	return decide(p, out, POLICY_DENY, &widest->origin,
		      "%u queues asked for, at most %u allowed", queues, out->max_queues);
}
