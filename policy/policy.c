// SPDX-License-Identifier: MIT
/* policy.c - the policy object: creation, growth within fixed limits, errors */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

/**
 * policy_new() - an empty policy, which denies everything
 *
 * Return: the policy, or NULL when out of memory.
 */
struct policy *policy_new(void)
{
	return calloc(1, sizeof(struct policy));
}

/**
 * policy_free() - release a policy and everything it owns
 * @p:	policy, or NULL
 */
void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->rules);
	free(p->quotas);
	free(p);
}

/**
 * policy_entry_count() - Return: number of allow, deny and quota lines in @p
 * @p:	policy
 */
size_t policy_entry_count(const struct policy *p)
{
	return p ? p->nrules + p->nquotas : 0;
}

/**
 * policy_kind_name() - Return: the keyword for @kind, as written in policy files
 * @kind:	device kind
 */
const char *policy_kind_name(enum policy_kind kind)
{
	switch (kind) {
	case POLICY_KIND_TAP:
		return "tap";
	case POLICY_KIND_MACVTAP:
		return "macvtap";
	case POLICY_KIND_BRIDGE:
		return "bridge";
	}
	return "invalid";
}

/**
 * policy_error_set() - record where and why loading failed
 * @err:	error to fill, or NULL
 * @file:	file name (cut to fit: it only labels the message)
 * @line:	line number, 0 for the file as a whole
 * @fmt:	printf format of the message
 *
 * Return: -1, so that callers can "return policy_error_set(...)".
 */
int policy_error_set(struct policy_error *err, const char *file,
		     unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "(policy)");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/**
 * policy_error_format() - render an error as "file:line: message" (or "file: message")
 * @err:	error filled by policy_load() or policy_parse_buffer()
 * @buf:	destination, always NUL-terminated when @size > 0
 * @size:	size of @buf
 */
void policy_error_format(const struct policy_error *err, char *buf, size_t size)
{
	if (!size)
		return;
	if (err->line)
		snprintf(buf, size, "%s:%lu: %s", err->file, err->line, err->message);
	else
		snprintf(buf, size, "%s: %s", err->file, err->message);
}

/**
 * policy_add_file() - remember the name of one more file read into @p
 * @p:		policy
 * @name:	file name
 * @index:	set to the name's index, which entries refer to
 *
 * Return: 0, or -1 with errno E2BIG (too many files) or ENOMEM.
 */
int policy_add_file(struct policy *p, const char *name, unsigned int *index)
{
	char *copy;

	if (p->nfiles >= POLICY_MAX_FILES) {
		errno = E2BIG;
		return -1;
	}
	copy = strdup(name);
	if (!copy)
		return -1;
	*index = (unsigned int)p->nfiles;
	p->files[p->nfiles++] = copy;
	return 0;
}

/**
 * grow() - make room for one more element of a policy array
 * @array:	pointer to the array pointer
 * @used:	elements in use
 * @elem:	size of one element
 *
 * The capacity is 16, then doubles, so it follows from @used and need not be
 * stored: the array is full exactly when @used is 0 or a power of two >= 16.
 *
 * Return: 0, or -1 with errno ENOMEM.
 */
static int grow(void **array, size_t used, size_t elem)
{
	void *bigger;

	if (used && (used < 16 || (used & (used - 1))))
		return 0;
	bigger = realloc(*array, (used ? used * 2 : 16) * elem);
	if (!bigger)
		return -1;
	*array = bigger;
	return 0;
}

/**
 * policy_full() - Return: true (errno E2BIG) when @p holds POLICY_MAX_ENTRIES entries
 * @p:	policy
 */
static bool policy_full(const struct policy *p)
{
	if (p->nrules + p->nquotas < POLICY_MAX_ENTRIES)
		return false;
	errno = E2BIG;
	return true;
}

/**
 * policy_add_rule() - append an allow or deny rule
 * @p:	policy
 * @r:	rule, copied
 *
 * Return: 0, or -1 with errno E2BIG (too many entries) or ENOMEM.
 */
int policy_add_rule(struct policy *p, const struct policy_rule *r)
{
	if (policy_full(p) || grow((void **)&p->rules, p->nrules, sizeof(*r)))
		return -1;
	p->rules[p->nrules++] = *r;
	return 0;
}

/**
 * policy_add_quota() - append a quota
 * @p:	policy
 * @q:	quota, copied
 *
 * Return: 0, or -1 with errno E2BIG (too many entries) or ENOMEM.
 */
int policy_add_quota(struct policy *p, const struct policy_quota *q)
{
	if (policy_full(p) || grow((void **)&p->quotas, p->nquotas, sizeof(*q)))
		return -1;
	p->quotas[p->nquotas++] = *q;
	return 0;
}

/**
 * policy_origin_file() - Return: the name of the file an entry came from
 * @p:	policy
 * @o:	the entry's origin
 */
const char *policy_origin_file(const struct policy *p, const struct policy_origin *o)
{
	return o->file < p->nfiles ? p->files[o->file] : "(unknown)";
}
