// SPDX-License-Identifier: MIT
/* policy_parse.c - the policy language: a pure parser from a byte buffer to rules and quotas */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/util.h"
#include "policy/policy_int.h"

/* The longest valid line has 7 words; 8 lets the grammar name the first extra one. */
#define MAX_WORDS 8

/**
 * struct parser - state while one buffer is parsed
 * @p:		policy being filled
 * @opts:	resolver and include callback
 * @filename:	name of the buffer, for messages
 * @at:		file index and current line
 * @err:	where the first error goes
 */
struct parser {
	struct policy *p;
	const struct policy_parse_opts *opts;
	const char *filename;
	struct policy_origin at;
	struct policy_error *err;
};

/**
 * struct shown - a word of the policy escaped and shortened for a message
 * @s:	printable text
 */
struct shown {
	char s[40];
};

/**
 * show() - Return: @word made safe to quote in an error message
 * @word:	word from the policy, NUL-terminated
 */
static struct shown show(const char *word)
{
	struct shown out = { { 0 } };

	escape_text(out.s, sizeof(out.s), word, strlen(word));
	return out;
}

/**
 * fail() - report an error at the current line
 * @ps:		parser
 * @fmt:	printf format
 *
 * Return: -1.
 */
__attribute__((format(printf, 2, 3)))
static int fail(const struct parser *ps, const char *fmt, ...)
{
	char msg[POLICY_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return policy_error_set(ps->err, ps->filename, ps->at.line, "%s", msg);
}

/**
 * fail_add() - report why an entry could not be stored
 * @ps:	parser
 *
 * Return: -1.
 */
static int fail_add(const struct parser *ps)
{
	if (errno == E2BIG)
		return fail(ps, "more than %d rules and quotas", POLICY_MAX_ENTRIES);
	return fail(ps, "out of memory");
}

/**
 * parse_number() - read a strictly decimal number within bounds
 * @ps:		parser
 * @what:	what the number is, for messages
 * @word:	the word, or NULL if the line ended
 * @min:	smallest accepted value
 * @max:	largest accepted value
 * @out:	the value
 *
 * The number itself is read by decimal_parse(); this adds the bounds and
 * says which word of the line was wrong.
 *
 * Return: 0, or -1 with the error set.
 */
static int parse_number(const struct parser *ps, const char *what, const char *word,
			unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long long v;
	int err;

	if (!word)
		return fail(ps, "%s is missing", what);
	err = decimal_parse(word, max, &v);
	if (err == DECIMAL_TOO_LARGE)
		return fail(ps, "%s '%s' is larger than %lu", what, show(word).s, max);
	if (err)
		return fail(ps, "%s '%s' %s", what, show(word).s, decimal_problem(err));
	if (v < min)
		return fail(ps, "%s must be at least %lu", what, min);
	*out = (unsigned long)v;
	return 0;
}

/**
 * name_problem() - Return: why @name is not a plausible user or group name, or NULL
 * @name:	candidate
 *
 * Checked before any lookup so that NSS never sees odd strings.  An
 * all-digit name is refused: "uid N" and "gid N" say what they mean.
 */
static const char *name_problem(const char *name)
{
	size_t len = strnlen(name, POLICY_NAME_MAX + 1);

	if (len > POLICY_NAME_MAX)
		return "longer than 32 characters";
	if (strspn(name, "0123456789") == len)
		return "all digits; write 'uid N' or 'gid N' for a numeric id";
	if (name[0] == '-' || name[0] == '.')
		return "starts with '-' or '.'";
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") != len)
		return "only letters, digits, '_', '.' and '-' are allowed";
	return NULL;
}

/**
 * resolve_name() - look a user or group name up through the injected resolver
 * @ps:		parser
 * @group:	true for a group
 * @name:	the name
 * @id:		its id
 *
 * Return: 0, or -1 with the error set.  An unknown name fails the load.
 */
static int resolve_name(const struct parser *ps, bool group, const char *name, uint32_t *id)
{
	const struct policy_resolver *r = ps->opts ? ps->opts->resolver : NULL;
	const char *what = group ? "group" : "user";
	const char *problem = name_problem(name);
	uid_t uid = 0;
	gid_t gid = 0;
	int rc;

	if (problem)
		return fail(ps, "bad %s name '%s': %s", what, show(name).s, problem);
	if (!r || !(group ? r->group : r->user))
		return fail(ps, "%s names cannot be resolved here; use '%cid N'", what,
			    group ? 'g' : 'u');
	rc = group ? r->group(r->ctx, name, &gid) : r->user(r->ctx, name, &uid);
	if (rc == ENOENT)
		return fail(ps, "no such %s '%s'", what, show(name).s);
	if (rc)
		return fail(ps, "cannot look up %s '%s': %s", what, show(name).s, strerror(rc));
	*id = group ? (uint32_t)gid : (uint32_t)uid;
	if (*id == UINT32_MAX)
		return fail(ps, "%s '%s' resolves to id -1", what, show(name).s);
	return 0;
}

/**
 * parse_subject() - read "user NAME", "group NAME", "uid N" or "gid N"
 * @ps:		parser
 * @type:	first word, or NULL
 * @value:	second word, or NULL
 * @out:	the subject
 *
 * Return: 0, or -1 with the error set.
 */
static int parse_subject(const struct parser *ps, const char *type, const char *value,
			 struct policy_subject *out)
{
	unsigned long id = 0;
	bool group;

	if (!type || !value)
		return fail(ps, "incomplete line: a subject is 'user NAME', 'group NAME', "
			    "'uid N' or 'gid N'");
	group = !strcmp(type, "group") || !strcmp(type, "gid");
	out->type = group ? POLICY_SUBJECT_GROUP : POLICY_SUBJECT_USER;
	if (!strcmp(type, "user") || !strcmp(type, "group"))
		return resolve_name(ps, group, value, &out->id);
	if (strcmp(type, "uid") && strcmp(type, "gid"))
		return fail(ps, "expected user, group, uid or gid, not '%s'", show(type).s);
	/* (uid_t)-1 means "no id" to the kernel and can never be a caller's id. */
	if (parse_number(ps, type, value, 0, UINT32_MAX - 1, &id))
		return -1;
	out->id = (uint32_t)id;
	return 0;
}

/**
 * parse_kind() - read "tap", "macvtap" or "bridge"
 * @ps:		parser
 * @word:	the word, or NULL
 * @out:	the kind
 *
 * Return: 0, or -1 with the error set.
 */
static int parse_kind(const struct parser *ps, const char *word, enum policy_kind *out)
{
	static const enum policy_kind kinds[] = {
		POLICY_KIND_TAP, POLICY_KIND_MACVTAP, POLICY_KIND_BRIDGE,
	};

	for (size_t i = 0; word && i < ARRAY_SIZE(kinds); i++) {
		if (!strcmp(word, policy_kind_name(kinds[i]))) {
			*out = kinds[i];
			return 0;
		}
	}
	return fail(ps, "expected a device kind (tap, macvtap or bridge), not '%s'",
		    word ? show(word).s : "end of line");
}

/**
 * parse_option() - read an optional trailing "KEYWORD N" and then the end of the line
 * @ps:		parser
 * @words:	the line's words
 * @n:		number of words
 * @at:		index of the keyword, where the fixed part of the line ended
 * @keyword:	the one keyword allowed there, or NULL if nothing may follow
 * @max:	largest value
 * @value:	left alone if the option is absent, else the value
 *
 * Return: 0, or -1 with the error set (unknown word, missing value, extra words).
 */
static int parse_option(const struct parser *ps, char *const *words, size_t n, size_t at,
			const char *keyword, unsigned long max, unsigned int *value)
{
	unsigned long v = 0;

	if (at >= n)
		return 0;
	if (!keyword || strcmp(words[at], keyword))
		return fail(ps, "unexpected '%s' at the end of the line", show(words[at]).s);
	if (parse_number(ps, keyword, at + 1 < n ? words[at + 1] : NULL, 1, max, &v))
		return -1;
	if (at + 2 < n)
		return fail(ps, "unexpected '%s' at the end of the line", show(words[at + 2]).s);
	*value = (unsigned int)v;
	return 0;
}

/**
 * same_subject() - Return: true if @a and @b name the same user or group
 * @a:	subject
 * @b:	subject
 */
static bool same_subject(const struct policy_subject *a, const struct policy_subject *b)
{
	return a->type == b->type && a->id == b->id;
}

/**
 * parse_rule() - "allow|deny SUBJECT KIND PATTERN [queues N]" (queues on allow only)
 * @ps:		parser
 * @words:	the line's words
 * @n:		number of words
 *
 * A second rule for the same subject, kind and pattern is refused, whether it
 * repeats the first (a duplicate, perhaps with another queue count) or
 * contradicts it: either way the file does not say one thing.  Subjects are
 * compared after resolution, so "user alice" and "uid 1000" are the same.
 *
 * Return: 0, or -1 with the error set.
 */
static int parse_rule(struct parser *ps, char *const *words, size_t n)
{
	struct policy_rule r = { .allow = !strcmp(words[0], "allow"), .origin = ps->at };
	const char *problem;

	if (parse_subject(ps, n > 1 ? words[1] : NULL, n > 2 ? words[2] : NULL,
			  &r.subject) ||
	    parse_kind(ps, n > 3 ? words[3] : NULL, &r.kind))
		return -1;
	if (n < 5)
		return fail(ps, "incomplete rule: the device name or pattern is missing");
	problem = policy_pattern_problem(words[4]);
	if (problem)
		return fail(ps, "bad device name or pattern '%s': %s", show(words[4]).s, problem);
	strcpy(r.pattern, words[4]);	/* fits: the check above bounds it */
	r.queues = r.allow ? POLICY_DEFAULT_QUEUES : 0;
	if (parse_option(ps, words, n, 5, r.allow ? "queues" : NULL, POLICY_MAX_QUEUES,
			 &r.queues))
		return -1;
	for (size_t i = 0; i < ps->p->nrules; i++) {
		const struct policy_rule *o = &ps->p->rules[i];

		if (!same_subject(&o->subject, &r.subject) || o->kind != r.kind ||
		    strcmp(o->pattern, r.pattern))
			continue;
		return fail(ps, "%s the %s rule at %s:%lu",
			    o->allow == r.allow ? "duplicates" : "conflicts with",
			    o->allow ? "allow" : "deny",
			    policy_origin_file(ps->p, &o->origin), o->origin.line);
	}
	return policy_add_rule(ps->p, &r) ? fail_add(ps) : 0;
}

/**
 * parse_quota() - "quota SUBJECT devices N [queues M]"
 * @ps:		parser
 * @words:	the line's words
 * @n:		number of words
 *
 * Return: 0, or -1 with the error set, also for a second quota on the same subject.
 */
static int parse_quota(struct parser *ps, char *const *words, size_t n)
{
	struct policy_quota q = { .queues = POLICY_MAX_QUEUES, .origin = ps->at };
	unsigned long devices = 0;

	if (parse_subject(ps, n > 1 ? words[1] : NULL, n > 2 ? words[2] : NULL, &q.subject))
		return -1;
	if (n < 4 || strcmp(words[3], "devices"))
		return fail(ps, "expected 'devices N' after the subject of a quota");
	if (parse_number(ps, "devices", n > 4 ? words[4] : NULL, 1, POLICY_MAX_DEVICES,
			 &devices) ||
	    parse_option(ps, words, n, 5, "queues", POLICY_MAX_QUEUES, &q.queues))
		return -1;
	q.devices = (unsigned int)devices;
	for (size_t i = 0; i < ps->p->nquotas; i++) {
		const struct policy_quota *o = &ps->p->quotas[i];

		if (same_subject(&o->subject, &q.subject))
			return fail(ps, "a second quota for the same subject (the first is at %s:%lu)",
				    policy_origin_file(ps->p, &o->origin), o->origin.line);
	}
	return policy_add_quota(ps->p, &q) ? fail_add(ps) : 0;
}

/**
 * parse_include() - "include /ABSOLUTE/PATH": read another file through the callback
 * @ps:		parser
 * @words:	the line's words
 * @n:		number of words
 *
 * When the included file as a whole is refused (line 0), the error is moved to
 * this include line so that the message says where the include was written.
 *
 * Return: 0, or -1 with the error set.
 */
static int parse_include(struct parser *ps, char *const *words, size_t n)
{
	char inner[POLICY_MSG_MAX];
	const char *problem;

	if (n != 2)
		return fail(ps, n < 2 ? "include needs a path" :
			    "unexpected words after the include path");
	problem = policy_path_problem(words[1]);
	if (problem)
		return fail(ps, "bad include path '%s': %s", show(words[1]).s, problem);
	if (!ps->opts || !ps->opts->include)
		return fail(ps, "include is not allowed here");
	if (!ps->opts->include(ps->opts->include_ctx, words[1], ps->p, ps->err))
		return 0;
	if (ps->err && ps->err->line == 0) {
		snprintf(inner, sizeof(inner), "%s", ps->err->message);
		return fail(ps, "include %s: %s", words[1], inner);
	}
	return -1;
}

/**
 * split_words() - check a line's bytes and split it into words in place
 * @ps:		parser
 * @line:	the line, NUL-terminated, without its '\n'; modified
 * @len:	its length in bytes (a NUL inside it is an error)
 * @words:	set to the words
 * @n:		set to the number of words
 *
 * Words are separated by spaces and tabs.  A '#' that starts a word starts a
 * comment; inside a word it is just an invalid character, so "tap0#x" is an
 * error rather than a rule for tap0.  Control characters are refused
 * anywhere, so that no message or log line built from the policy can carry them.
 *
 * Return: 0, or -1 with the error set.
 */
static int split_words(const struct parser *ps, char *line, size_t len, char **words,
		       size_t *n)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == '\0')
			return fail(ps, "NUL byte in the line");
		if (c == '\r')
			return fail(ps, "carriage return in the line (CRLF line endings are "
				    "not accepted)");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(ps, "control character 0x%02x in the line", c);
	}
	*n = 0;
	for (char *c = line; *c; ) {
		c += strspn(c, " \t");
		if (!*c || *c == '#')
			break;
		if (*n == MAX_WORDS)
			return fail(ps, "too many words on the line");
		words[(*n)++] = c;
		c += strcspn(c, " \t");
		if (*c)
			*c++ = '\0';
	}
	return 0;
}

/**
 * parse_line() - parse one line and add what it says to the policy
 * @ps:		parser
 * @text:	the line, without its '\n', at most POLICY_LINE_MAX bytes
 * @len:	its length
 *
 * Return: 0, or -1 with the error set.
 */
static int parse_line(struct parser *ps, const char *text, size_t len)
{
	static const struct {
		const char *keyword;
		int (*parse)(struct parser *ps, char *const *words, size_t n);
	} grammar[] = {
		{ "allow",	parse_rule },
		{ "deny",	parse_rule },
		{ "quota",	parse_quota },
		{ "include",	parse_include },
	};
	char line[POLICY_LINE_MAX + 1];
	char *words[MAX_WORDS];
	size_t n = 0;

	memcpy(line, text, len);
	line[len] = '\0';
	if (split_words(ps, line, len, words, &n))
		return -1;
	if (!n)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(grammar); i++)
		if (!strcmp(words[0], grammar[i].keyword))
			return grammar[i].parse(ps, words, n);
	return fail(ps, "unknown keyword '%s' (expected allow, deny, quota or include)",
		    show(words[0]).s);
}

/**
 * policy_parse_buffer() - parse one policy file's contents into a policy
 * @buf:	the contents; need not be NUL-terminated
 * @len:	their length, at most POLICY_FILE_MAX
 * @filename:	name used in messages and decisions, shorter than POLICY_PATH_MAX
 * @opts:	resolver and include callback; NULL allows neither names nor includes
 * @p:		policy to add to (several buffers may be parsed into one)
 * @err:	filled with file:line and a message on failure
 *
 * Pure apart from the callbacks in @opts: no file system, no environment, no
 * global state, so it can be tested and fuzzed without root.  The first
 * problem stops parsing, and the caller must then throw @p away: a policy
 * that did not parse completely must never be used.
 *
 * Return: 0 on success, -1 on failure.
 */
int policy_parse_buffer(const char *buf, size_t len, const char *filename,
			const struct policy_parse_opts *opts, struct policy *p,
			struct policy_error *err)
{
	struct parser ps = { .p = p, .opts = opts, .filename = filename, .err = err };
	size_t pos = 0;

	if (!filename || strnlen(filename, POLICY_PATH_MAX) >= POLICY_PATH_MAX)
		return policy_error_set(err, "(policy)", 0, "missing or overlong file name");
	if (!p || (!buf && len))
		return policy_error_set(err, filename, 0, "nothing to parse into or from");
	if (len > POLICY_FILE_MAX)
		return policy_error_set(err, filename, 0, "the file is larger than %d bytes",
					POLICY_FILE_MAX);
	if (policy_add_file(p, filename, &ps.at.file))
		return policy_error_set(err, filename, 0, "%s", errno == E2BIG ?
					"more than 64 policy files" : "out of memory");
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		ps.at.line++;
		if (n > POLICY_LINE_MAX)
			return fail(&ps, "the line is longer than %d bytes", POLICY_LINE_MAX);
		if (parse_line(&ps, buf + pos, n))
			return -1;
		pos += n + 1;
	}
	return 0;
}
