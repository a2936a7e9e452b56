// SPDX-License-Identifier: MIT
/*
 * snapshot_config.c - read the net devices out of a Cloud Hypervisor snapshot's config.json
 *
 * A restore must hand Cloud Hypervisor exactly as many fresh TAP fds as each
 * fd-backed net device had, under that device's id, or it refuses to restore
 * (RestoreConfig::validate).  Both come from config.json, which is the VM's
 * VmConfig as serde wrote it.  The file sits in a directory the user chose, so
 * it is read as hostile: one pass over a bounded buffer, the whole document is
 * checked against the JSON grammar (RFC 8259), nesting is limited, and only
 * the few fields we use are kept; everything else is validated and skipped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner/snapshot_config.h"
#include "lib/decimal.h"

/**
 * struct jp - a cursor over the document
 * @start:	first byte, for offsets in messages
 * @p:		next byte to read
 * @end:	one past the last byte
 * @depth:	objects and arrays currently open
 * @why:	where the first error is described
 * @whysz:	its size
 * @failed:	an error was recorded; later ones are not
 */
struct jp {
	const char *start, *p, *end;
	unsigned int depth;
	char *why;
	size_t whysz;
	bool failed;
};

/* A member's value starts at j->p; the callback consumes it. */
typedef int (*member_fn)(struct jp *j, const char *key, size_t klen, void *ctx);
typedef int (*element_fn)(struct jp *j, unsigned int index, void *ctx);

static int skip_value(struct jp *j);

__attribute__((format(printf, 2, 3)))
static int fail(struct jp *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->failed)
		return -1;
	j->failed = true;
	va_start(ap, fmt);
	n = vsnprintf(j->why, j->whysz, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < j->whysz)
		snprintf(j->why + n, j->whysz - (size_t)n, " (byte %zu)",
			 (size_t)(j->p - j->start));
	return -1;
}

static void skip_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Return: true, having consumed it, if the next token is @c. */
static bool eat(struct jp *j, char c)
{
	skip_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

/* Return: true, having consumed it, if the next token is the literal @word. */
static bool eat_literal(struct jp *j, const char *word)
{
	size_t n = strlen(word);

	skip_ws(j);
	if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, word, n)) {
		j->p += n;
		return true;
	}
	return false;
}

/* The one-letter escapes of RFC 8259 section 7, without a NUL: memchr() must never match one. */
static const char simple_escapes[8] = { '"', '\\', '/', 'b', 'f', 'n', 'r', 't' };

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/**
 * scan_string() - check one string and point at its raw (still escaped) contents
 * @j:		cursor, at the opening quote after whitespace
 * @s:		the contents
 * @n:		their length
 * @escaped:	set when the contents hold an escape, so they are not the text itself
 *
 * Return: 0, or -1 after fail().
 */
static int scan_string(struct jp *j, const char **s, size_t *n, bool *escaped)
{
	skip_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return fail(j, "expected a string");
	*s = ++j->p;
	*escaped = false;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p;

		if (c == '"') {
			*n = (size_t)(j->p++ - *s);
			return 0;
		}
		if (c < 0x20)
			return fail(j, "a control character in a string");
		if (c != '\\') {
			j->p++;
			continue;
		}
		*escaped = true;
		if (j->end - j->p < 2)
			break;
		if (j->p[1] == 'u') {
			if (j->end - j->p < 6)
				break;
			for (int i = 2; i < 6; i++)
				if (!is_hex(j->p[i]))
					return fail(j, "a bad \\u escape");
			j->p += 6;
		} else if (memchr(simple_escapes, j->p[1], sizeof(simple_escapes))) {
			j->p += 2;
		} else {
			return fail(j, "a bad escape in a string");
		}
	}
	return fail(j, "a string that does not end");
}

static const char *digits_end(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/**
 * scan_number() - check one number (RFC 8259 section 6)
 * @j:		cursor, at the number after whitespace
 * @integer:	set when it has no fraction and no exponent
 *
 * Return: 0, or -1 after fail().
 */
static int scan_number(struct jp *j, bool *integer)
{
	const char *q = j->p, *d;

	if (q < j->end && *q == '-')
		q++;
	d = digits_end(q, j->end);
	if (d == q || (*q == '0' && d - q > 1))
		return fail(j, "expected a value");
	q = d;
	*integer = true;
	if (q < j->end && *q == '.') {
		d = digits_end(++q, j->end);
		if (d == q)
			return fail(j, "a number with no digits after '.'");
		q = d;
		*integer = false;
	}
	if (q < j->end && (*q == 'e' || *q == 'E')) {
		if (++q < j->end && (*q == '+' || *q == '-'))
			q++;
		d = digits_end(q, j->end);
		if (d == q)
			return fail(j, "a number with an empty exponent");
		q = d;
		*integer = false;
	}
	j->p = q;
	return 0;
}

/**
 * walk_object() - check an object, handing each member to @fn
 * @j:		cursor, at '{' after whitespace
 * @fn:		called with the cursor at each value; NULL skips the values
 * @ctx:	passed to @fn
 *
 * serde writes keys as plain identifiers, so a key with an escape can only be
 * an attempt to spell "net" or "fds" in a way a naive reader would miss.
 *
 * Return: 0, or -1 after fail().
 */
static int walk_object(struct jp *j, member_fn fn, void *ctx)
{
	if (++j->depth > SNAP_JSON_DEPTH)
		return fail(j, "nesting deeper than %d", SNAP_JSON_DEPTH);
	j->p++;
	if (!eat(j, '}')) {
		do {
			const char *key = NULL;
			size_t klen = 0;
			bool escaped = false;

			if (scan_string(j, &key, &klen, &escaped))
				return -1;
			if (escaped)
				return fail(j, "an object key with an escape");
			if (!eat(j, ':'))
				return fail(j, "expected ':'");
			if (fn ? fn(j, key, klen, ctx) : skip_value(j))
				return -1;
		} while (eat(j, ','));
		if (!eat(j, '}'))
			return fail(j, "expected ',' or '}'");
	}
	j->depth--;
	return 0;
}

/* walk_object() for arrays: @fn gets each element's index. */
static int walk_array(struct jp *j, element_fn fn, void *ctx)
{
	unsigned int i = 0;

	if (++j->depth > SNAP_JSON_DEPTH)
		return fail(j, "nesting deeper than %d", SNAP_JSON_DEPTH);
	j->p++;
	if (!eat(j, ']')) {
		do {
			if (fn ? fn(j, i++, ctx) : skip_value(j))
				return -1;
		} while (eat(j, ','));
		if (!eat(j, ']'))
			return fail(j, "expected ',' or ']'");
	}
	j->depth--;
	return 0;
}

/* Check any one value and step over it. */
static int skip_value(struct jp *j)
{
	const char *s;
	size_t n;
	bool flag = false;

	skip_ws(j);
	if (j->p >= j->end)
		return fail(j, "the document ends where a value should be");
	switch (*j->p) {
	case '{':
		return walk_object(j, NULL, NULL);
	case '[':
		return walk_array(j, NULL, NULL);
	case '"':
		return scan_string(j, &s, &n, &flag);
	default:
		if (eat_literal(j, "true") || eat_literal(j, "false") || eat_literal(j, "null"))
			return 0;
		return scan_number(j, &flag);
	}
}

static bool key_is(const char *key, size_t klen, const char *name)
{
	return klen == strlen(name) && !memcmp(key, name, klen);
}

/**
 * struct net_ctx - one "net" entry while its members are read
 * @net:	where the fields go
 * @seen:	bit per field, so a repeated key is refused rather than read twice
 */
struct net_ctx {
	struct snap_net *net;
	unsigned int seen;
};

enum { SEEN_ID = 1, SEEN_QUEUES = 2, SEEN_FDS = 4, SEEN_VHOST = 8 };

/* Each fd is a number; -1 is what Cloud Hypervisor writes for an fd it cannot save. */
static int fd_element(struct jp *j, unsigned int index, void *ctx)
{
	struct snap_net *net = ctx;
	bool integer = false;

	if (index >= SNAP_MAX_FDS)
		return fail(j, "a net device with more than %u fds", SNAP_MAX_FDS);
	skip_ws(j);
	if (scan_number(j, &integer))
		return -1;
	if (!integer)
		return fail(j, "an fd that is not an integer");
	net->nfds = index + 1;
	return 0;
}

static int read_id(struct jp *j, struct snap_net *net)
{
	const char *s;
	size_t n;
	bool escaped;

	if (eat_literal(j, "null"))
		return 0;
	if (scan_string(j, &s, &n, &escaped))
		return -1;
	if (escaped || n == 0 || n >= SNAP_ID_MAX)
		return fail(j, "a net id that is empty, escaped or longer than %d bytes",
			    SNAP_ID_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return fail(j, "a net id with a byte that is not printable ASCII");
	memcpy(net->id, s, n);
	net->id[n] = '\0';
	return 0;
}

static int read_num_queues(struct jp *j, struct snap_net *net)
{
	char text[24];
	const char *s;
	unsigned long long v;
	bool integer = false;

	skip_ws(j);
	s = j->p;
	if (scan_number(j, &integer))
		return -1;
	if (!integer || (size_t)(j->p - s) >= sizeof(text))
		return fail(j, "num_queues is not a small whole number");
	memcpy(text, s, (size_t)(j->p - s));
	text[j->p - s] = '\0';
	if (decimal_parse(text, 2ULL * SNAP_MAX_FDS, &v) || v == 0)
		return fail(j, "num_queues '%s' is not from 1 to %u", text, 2 * SNAP_MAX_FDS);
	net->num_queues = (unsigned int)v;
	return 0;
}

static int net_member(struct jp *j, const char *key, size_t klen, void *ctx)
{
	static const struct { const char *name; unsigned int bit; } fields[] = {
		{ "id", SEEN_ID }, { "num_queues", SEEN_QUEUES }, { "fds", SEEN_FDS },
		{ "vhost_user", SEEN_VHOST },
	};
	struct net_ctx *c = ctx;
	unsigned int bit = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (key_is(key, klen, fields[i].name))
			bit = fields[i].bit;
	if (!bit)
		return skip_value(j);
	if (c->seen & bit)
		return fail(j, "a net device that repeats a key");
	c->seen |= bit;
	switch (bit) {
	case SEEN_ID:
		return read_id(j, c->net);
	case SEEN_QUEUES:
		return read_num_queues(j, c->net);
	case SEEN_FDS:
		if (eat_literal(j, "null"))
			return 0;
		skip_ws(j);
		if (j->p >= j->end || *j->p != '[')
			return fail(j, "fds is neither an array nor null");
		c->net->has_fds = true;
		return walk_array(j, fd_element, c->net);
	default:
		if (eat_literal(j, "true"))
			c->net->vhost_user = true;
		else if (!eat_literal(j, "false"))
			return fail(j, "vhost_user is not true or false");
		return 0;
	}
}

static int net_element(struct jp *j, unsigned int index, void *ctx)
{
	struct snap_config *cfg = ctx;
	struct net_ctx c = { .net = &cfg->nets[index < SNAP_MAX_NETS ? index : 0] };

	if (index >= SNAP_MAX_NETS)
		return fail(j, "more than %d net devices", SNAP_MAX_NETS);
	memset(c.net, 0, sizeof(*c.net));
	c.net->num_queues = 2;
	skip_ws(j);
	if (j->p >= j->end || *j->p != '{')
		return fail(j, "a net device that is not an object");
	if (walk_object(j, net_member, &c))
		return -1;
	cfg->nnets = index + 1;
	return 0;
}

/**
 * struct top_ctx - the top-level object while its members are read
 * @cfg:	the result
 * @seen_net:	"net" was read; a second one is refused, not merged
 */
struct top_ctx {
	struct snap_config *cfg;
	bool seen_net;
};

static int top_member(struct jp *j, const char *key, size_t klen, void *ctx)
{
	struct top_ctx *c = ctx;

	if (!key_is(key, klen, "net"))
		return skip_value(j);
	if (c->seen_net)
		return fail(j, "\"net\" appears twice");
	c->seen_net = true;
	if (eat_literal(j, "null"))
		return 0;
	skip_ws(j);
	if (j->p >= j->end || *j->p != '[')
		return fail(j, "\"net\" is neither an array nor null");
	return walk_array(j, net_element, c->cfg);
}

/**
 * snap_config_parse() - the net devices of a snapshot's config.json
 * @buf:	the file's contents (need not be NUL-terminated; NULs are refused)
 * @len:	their length, at most SNAP_CONFIG_MAX
 * @cfg:	filled on success; zeroed first
 * @why:	on failure, what is wrong and the byte offset
 * @whysz:	size of @why
 *
 * Pure: no I/O, no allocation, so it is fuzzed as it is (tests/fuzz/fuzz_snapshot_config.c).
 *
 * Return: 0, or -1 with @why filled.
 */
int snap_config_parse(const char *buf, size_t len, struct snap_config *cfg, char *why,
		      size_t whysz)
{
	struct jp j = { .start = buf, .p = buf, .end = buf + len, .why = why, .whysz = whysz };
	struct top_ctx ctx = { .cfg = cfg };

	memset(cfg, 0, sizeof(*cfg));
	if (len > SNAP_CONFIG_MAX)
		return fail(&j, "larger than %d bytes", SNAP_CONFIG_MAX);
	skip_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return fail(&j, "not a JSON object");
	if (walk_object(&j, top_member, &ctx))
		return -1;
	skip_ws(&j);
	if (j.p != j.end)
		return fail(&j, "data after the end of the object");
	return 0;
}
