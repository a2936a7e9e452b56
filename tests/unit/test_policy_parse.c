// SPDX-License-Identifier: MIT
/* test_policy_parse.c - unit tests for the policy language: what parses, and what is refused where */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"
#include "tests/unit/policy_fixture.h"

/**
 * check_parses() - the text must parse into exactly @entries rules and quotas
 * @text:	policy text
 * @entries:	expected policy_entry_count()
 */
static void check_parses(const char *text, size_t entries)
{
	struct policy_error err;
	struct policy *p = parse_text(text, &err);

	if (!p)
		fail_msg("refused: %s:%lu: %s\n--- text ---\n%s", err.file, err.line,
			 err.message, text);
	assert_int_equal(policy_entry_count(p), entries);
	policy_free(p);
}

/**
 * check_refused_bytes() - the buffer must be refused at @line with a message containing @needle
 * @buf:	policy bytes
 * @len:	their length
 * @line:	expected line of the error
 * @needle:	expected part of the message
 */
static void check_refused_bytes(const char *buf, size_t len, unsigned long line,
				const char *needle)
{
	struct policy_error err;
	struct policy *p = parse_bytes(buf, len, &err);

	if (p) {
		policy_free(p);
		fail_msg("accepted, wanted an error at line %lu: %.*s", line, (int)len, buf);
	}
	if (err.line != line || !strstr(err.message, needle))
		fail_msg("wanted line %lu /%s/, got %s:%lu: %s", line, needle, err.file,
			 err.line, err.message);
	assert_string_equal(err.file, "test.policy");
}

/**
 * check_refused() - check_refused_bytes() for a NUL-terminated text
 * @text:	policy text
 * @line:	expected line of the error
 * @needle:	expected part of the message
 */
static void check_refused(const char *text, unsigned long line, const char *needle)
{
	check_refused_bytes(text, strlen(text), line, needle);
}

static void parses_documented_example(void **state)
{
	(void)state;
	check_parses("# comment\n"
		     "allow user alice tap tap0 queues 4\n"
		     "allow group kvm tap redox-*          # glob\n"
		     "deny  user bob tap tap0\n"
		     "allow group netdev macvtap mvt0\n"
		     "allow group kvm bridge redoxbr0\n"
		     "quota user alice devices 2 queues 8\n"
		     "quota group kvm devices 10\n", 7);
}

static void parses_layout_variants(void **state)
{
	(void)state;
	check_parses("", 0);
	check_parses("\n\n   \n\t\n# only comments\n   # indented comment\n", 0);
	check_parses("allow uid 1000 tap tap0", 1);		/* no final newline */
	check_parses("\tallow\tgid 78\t tap  tap?  queues 256 \t# tabs\n", 1);
}

static void comment_only_at_word_start(void **state)
{
	(void)state;
	/* "tap0#x" is a bad name, not "tap0" followed by a comment. */
	check_refused("allow user alice tap tap0#x\n", 1, "bad device name");
	check_parses("allow user alice tap tap0 #x\n", 1);
}

static void refuses_bad_bytes(void **state)
{
	static const char nul[] = "allow user alice tap tap0\nallow user bob\0 tap tap0\n";

	(void)state;
	check_refused_bytes(nul, sizeof(nul) - 1, 2, "NUL byte");
	check_refused("# ok\r\n", 1, "CRLF");
	check_refused("allow user alice tap tap0\r\n", 1, "CRLF");
	check_refused("\n\nallow user alice tap tap0\x1b[31m\n", 3, "control character 0x1b");
	check_refused("# a comment with a \x7f\n", 1, "control character 0x7f");
	check_refused("allow user alice tap tap0\v\n", 1, "control character 0x0b");
}

static void refuses_long_lines(void **state)
{
	char *text = malloc(POLICY_LINE_MAX + 64);

	(void)state;
	assert_non_null(text);
	/* Exactly POLICY_LINE_MAX bytes before the '\n' is fine... */
	memset(text, ' ', POLICY_LINE_MAX);
	memcpy(text, "# x", 3);
	strcpy(text + POLICY_LINE_MAX, "\n");
	check_parses(text, 0);
	/* ...one more is not, even in a comment, and even on the last line without '\n'. */
	strcpy(text + POLICY_LINE_MAX, " \n");
	check_refused(text, 1, "longer than 1024");
	text[POLICY_LINE_MAX + 1] = '\0';
	check_refused(text, 1, "longer than 1024");
	free(text);
}

static void refuses_unknown_and_trailing_words(void **state)
{
	(void)state;
	check_refused("permit user alice tap tap0\n", 1, "unknown keyword 'permit'");
	check_refused("Allow user alice tap tap0\n", 1, "unknown keyword");
	check_refused("allow user alice tap tap0 extra\n", 1, "unexpected 'extra'");
	check_refused("allow user alice tap tap0 queues 4 extra\n", 1, "unexpected 'extra'");
	check_refused("allow user alice tap tap0 queues\n", 1, "queues is missing");
	check_refused("deny user bob tap tap0 queues 4\n", 1, "unexpected 'queues'");
	check_refused("allow user alice tap\n", 1, "missing");
	check_refused("allow user alice\n", 1, "device kind");
	check_refused("allow user\n", 1, "incomplete");
	check_refused("allow\n", 1, "incomplete");
	check_refused("allow person alice tap tap0\n", 1, "expected user, group, uid or gid");
	check_refused("allow user alice tun tap0\n", 1, "device kind");
	check_refused("allow user alice tap tap0 a b c d e f g h\n", 1, "too many words");
	check_refused("quota user alice\n", 1, "expected 'devices N'");
	check_refused("quota user alice queues 4\n", 1, "expected 'devices N'");
	check_refused("quota user alice devices 2 queues 8 x\n", 1, "unexpected 'x'");
	check_refused("quota user alice devices 2 devices 3\n", 1, "unexpected 'devices'");
	check_refused("include\n", 1, "needs a path");
	check_refused("include /a /b\n", 1, "unexpected words");
}

static void device_name_lengths(void **state)
{
	char text[8192], name[4097];

	(void)state;
	check_parses("allow user alice tap abcdefghijklmno\n", 1);		/* 15 */
	check_refused("allow user alice tap abcdefghijklmnop\n", 1, "longer than 15");
	check_refused("allow user alice tap abcdefghijklmnopq\n", 1, "longer than 15");
	check_refused("allow user alice tap abcdefghijklmn**\n", 1, "longer than 15");
	memset(name, 'a', 4096);
	name[4096] = '\0';
	snprintf(text, sizeof(text), "allow user alice tap %s\n", name);
	check_refused(text, 1, "longer than 1024");	/* the line limit comes first */
	snprintf(text, sizeof(text), "allow user alice tap %.1000s\n", name);
	check_refused(text, 1, "longer than 15");
}

static void device_patterns(void **state)
{
	static const char *good[] = { "*", "redox-*", "tap?", "*.*", "a*b?c", "re_dox.1" };
	static const char *bad[] = {
		".", "..", "-x", "-*", "a/b", "a:b", "tap[0]", "tap%d", "\"tap0\"", "t\xc3\xa4p",
	};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "allow group kvm tap %s\n", good[i]);
		check_parses(text, 1);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "allow group kvm tap %s\n", bad[i]);
		check_refused(text, 1, "bad device name or pattern");
	}
}

static void queue_counts(void **state)
{
	static const struct {
		const char *count;
		const char *why;
	} bad[] = {
		{ "0", "at least 1" }, { "257", "larger than 256" }, { "-1", "not a decimal" },
		{ "+3", "not a decimal" }, { "0x10", "leading zero" }, { "010", "leading zero" },
		{ "00", "leading zero" }, { "4a", "not a decimal" }, { "1e3", "not a decimal" },
		{ "4294967297", "larger than 256" },
		{ "99999999999999999999999999999999", "larger than 256" },
		{ "18446744073709551617", "larger than 256" },
	};
	char text[128];

	(void)state;
	check_parses("allow user alice tap tap0 queues 1\n", 1);
	check_parses("allow user alice tap tap0 queues 256\n", 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "allow user alice tap tap0 queues %s\n", bad[i].count);
		check_refused(text, 1, bad[i].why);
		snprintf(text, sizeof(text), "quota user alice devices 1 queues %s\n", bad[i].count);
		check_refused(text, 1, bad[i].why);
	}
	check_parses("quota user alice devices 4096\n", 1);
	check_refused("quota user alice devices 4097\n", 1, "larger than 4096");
	check_refused("quota user alice devices 0\n", 1, "at least 1");
	check_refused("quota user alice devices -2\n", 1, "not a decimal");
}

static void subjects(void **state)
{
	(void)state;
	check_parses("allow uid 0 tap tap0\nallow gid 4294967294 tap tap0\n", 2);
	check_refused("allow uid 4294967295 tap tap0\n", 1, "larger than 4294967294");
	check_refused("allow uid -1 tap tap0\n", 1, "not a decimal");
	check_refused("allow uid 01000 tap tap0\n", 1, "leading zero");
	check_refused("allow user 1000 tap tap0\n", 1, "uid N");
	check_refused("allow group 78 tap tap0\n", 1, "gid N");
	check_refused("allow user mallory tap tap0\n", 1, "no such user 'mallory'");
	check_refused("allow group wheel tap tap0\n", 1, "no such group 'wheel'");
	check_refused("allow user -alice tap tap0\n", 1, "starts with");
	check_refused("allow user al%ice tap tap0\n", 1, "only letters");
	check_refused("allow user abcdefghijklmnopqrstuvwxyzabcdefg tap tap0\n", 1,
		      "longer than 32");
}

static void names_need_a_resolver(void **state)
{
	const char text[] = "allow uid 1000 tap tap0\nallow user alice tap tap1\n";
	struct policy_error err;
	struct policy *p = policy_new();

	(void)state;
	assert_int_equal(policy_parse_buffer(text, strlen(text), "r", NULL, p, &err), -1);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.message, "cannot be resolved"));
	policy_free(p);
}

static void duplicates_and_conflicts(void **state)
{
	(void)state;
	check_refused("allow user alice tap tap0\n# x\nallow user alice tap tap0\n", 3,
		      "duplicates the allow rule at test.policy:1");
	/* Same subject after resolution. */
	check_refused("allow user alice tap tap0\nallow uid 1000 tap tap0 queues 2\n", 2,
		      "duplicates the allow rule at test.policy:1");
	check_refused("deny user bob tap tap0\ndeny user bob tap tap0\n", 2,
		      "duplicates the deny rule at test.policy:1");
	check_refused("allow user alice tap tap0\ndeny user alice tap tap0\n", 2,
		      "conflicts with the allow rule at test.policy:1");
	check_refused("deny group kvm tap redox-*\nallow gid 78 tap redox-* queues 4\n", 2,
		      "conflicts with the deny rule at test.policy:1");
	check_refused("quota user alice devices 2\nquota uid 1000 devices 3 queues 2\n", 2,
		      "second quota for the same subject (the first is at test.policy:1)");
	/* Not duplicates: another kind, pattern, subject type or id. */
	check_parses("allow user alice tap tap0\nallow user alice macvtap tap0\n"
		     "allow user alice tap tap1\ndeny user alice tap tap*\n"
		     "allow gid 1000 tap tap0\nallow user alice2 tap tap0\n"
		     "quota user alice devices 1\nquota gid 1000 devices 1\n", 8);
}

static void too_many_entries(void **state)
{
	size_t size = (POLICY_MAX_ENTRIES + 1) * 40, used = 0;
	char *text = malloc(size);

	(void)state;
	assert_non_null(text);
	for (unsigned int i = 0; i < POLICY_MAX_ENTRIES; i++)
		used += (size_t)snprintf(text + used, size - used, "allow uid %u tap tap0\n", i);
	check_parses(text, POLICY_MAX_ENTRIES);
	snprintf(text + used, size - used, "quota uid 1 devices 1\n");
	check_refused(text, POLICY_MAX_ENTRIES + 1, "more than 4096");
	free(text);
}

/**
 * record_include() - include callback that accepts one path and refuses every other
 * @ctx:	the one path accepted
 * @path:	included path
 * @p:		policy
 * @err:	filled on refusal, as for a file that cannot be opened (line 0)
 *
 * Return: 0 or -1.
 */
static int record_include(void *ctx, const char *path, struct policy *p,
			  struct policy_error *err)
{
	snprintf(err->file, sizeof(err->file), "%s", path);
	err->line = 0;
	snprintf(err->message, sizeof(err->message), "cannot open: gone");
	(void)p;
	return strcmp(path, ctx) ? -1 : 0;
}

static void include_lines(void **state)
{
	const struct policy_parse_opts opts = {
		.resolver = &fake_resolver, .include = record_include,
		.include_ctx = "/etc/redox-net/ok.policy",
	};
	const char ok[] = "include /etc/redox-net/ok.policy\n";
	const char gone[] = "# x\ninclude /etc/redox-net/gone.policy\n";
	struct policy_error err;
	struct policy *p = policy_new();

	(void)state;
	assert_int_equal(policy_parse_buffer(ok, strlen(ok), "main", &opts, p, &err), 0);
	policy_free(p);
	p = policy_new();
	assert_int_equal(policy_parse_buffer(gone, strlen(gone), "main", &opts, p, &err), -1);
	assert_string_equal(err.file, "main");
	assert_int_equal(err.line, 2);
	assert_string_equal(err.message, "include /etc/redox-net/gone.policy: cannot open: gone");
	policy_free(p);

	check_refused("include /etc/redox-net/x.policy\n", 1, "not allowed here");
	check_refused("include x.policy\n", 1, "not absolute");
	check_refused("include /etc/../shadow\n", 1, "'..'");
	check_refused("include /etc//x\n", 1, "empty component");
	check_refused("include /etc/redox-net/\n", 1, "ends in '/'");
	check_refused("include /etc/redox net\n", 1, "unexpected words");
	check_refused("include /etc/x%n\n", 1, "only letters");
}

/**
 * accept_include() - include callback that accepts every path without reading it
 * @ctx:	unused
 * @path:	included path
 * @p:		unused
 * @err:	unused
 *
 * Return: 0.
 */
static int accept_include(void *ctx, const char *path, struct policy *p,
			  struct policy_error *err)
{
	(void)ctx;
	(void)path;
	(void)p;
	(void)err;
	return 0;
}

/**
 * parse_example() - parse policy/examples/@name, looked up from the source tree
 * @name:	example file name
 *
 * Return: the policy; the test fails when the source tree is not found.
 */
static struct policy *parse_example(const char *name)
{
	const struct policy_parse_opts opts = {
		.resolver = &fake_resolver, .include = accept_include,
	};
	const char *build = getenv("BUILD");
	static char text[POLICY_FILE_MAX];
	char path[4096];
	struct policy_error err;
	struct policy *p;
	size_t len;
	FILE *f;

	/* run-all.sh runs from the top of the tree; BUILD is normally inside it. */
	snprintf(path, sizeof(path), "policy/examples/%s", name);
	f = fopen(path, "r");
	if (!f && build) {
		snprintf(path, sizeof(path), "%s/../policy/examples/%s", build, name);
		f = fopen(path, "r");
	}
	if (!f)
		fail_msg("cannot find policy/examples/%s: run from the top of the tree", name);
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	p = policy_new();
	if (policy_parse_buffer(text, len, name, &opts, p, &err))
		fail_msg("%s:%lu: %s", err.file, err.line, err.message);
	return p;
}

static void examples_parse_and_mean_what_they_say(void **state)
{
	struct policy *shared = parse_example("shared-host.policy");
	struct policy *single = parse_example("single-user.policy");
	struct policy *numeric = parse_example("numeric-ids.policy");
	const gid_t kvm = GID_KVM;
	struct policy_decision d;

	(void)state;
	assert_int_equal(policy_entry_count(single), 2);
	assert_int_equal(policy_entry_count(numeric), 3);
	assert_int_equal(policy_check(shared, UID_BOB, &kvm, 1, POLICY_KIND_TAP, "redox-1",
				      1, &d), POLICY_DENY);
	assert_int_equal(policy_check(shared, UID_CI, &kvm, 1, POLICY_KIND_TAP, "ci-0",
				      8, &d), POLICY_ALLOW);
	assert_int_equal(d.max_devices, 16);
	assert_int_equal(policy_check(shared, UID_CAROL, &kvm, 1, POLICY_KIND_TAP, "ci-0",
				      1, &d), POLICY_DENY);
	assert_int_equal(policy_check(shared, UID_CAROL, &kvm, 1, POLICY_KIND_TAP, "redox-1",
				      4, &d), POLICY_ALLOW);
	assert_int_equal(d.max_devices, 4);
	assert_int_equal(policy_check(shared, UID_CAROL, &kvm, 1, POLICY_KIND_TAP, "redox-1",
				      5, &d), POLICY_DENY);
	assert_int_equal(policy_check(single, UID_ALICE, &kvm, 1, POLICY_KIND_TAP, "tap0",
				      4, &d), POLICY_ALLOW);
	assert_int_equal(d.max_devices, 2);
	policy_free(shared);
	policy_free(single);
	policy_free(numeric);
}

static void error_format(void **state)
{
	struct policy_error err;
	char buf[POLICY_MSG_MAX + POLICY_PATH_MAX + 32];

	(void)state;
	assert_null(parse_text("\n\nallow user alice tap tap0 junk\n", &err));
	policy_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "test.policy:3: unexpected 'junk' at the end of the line");
	err.line = 0;
	policy_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "test.policy: unexpected 'junk' at the end of the line");
	/* Odd bytes from the file are escaped before they reach a message. */
	assert_null(parse_text("allow user alice tap t%n\xff\n", &err));
	assert_null(strchr(err.message, '%'));
	assert_null(strchr(err.message, '\xff'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_documented_example),
		cmocka_unit_test(parses_layout_variants),
		cmocka_unit_test(comment_only_at_word_start),
		cmocka_unit_test(refuses_bad_bytes),
		cmocka_unit_test(refuses_long_lines),
		cmocka_unit_test(refuses_unknown_and_trailing_words),
		cmocka_unit_test(device_name_lengths),
		cmocka_unit_test(device_patterns),
		cmocka_unit_test(queue_counts),
		cmocka_unit_test(subjects),
		cmocka_unit_test(names_need_a_resolver),
		cmocka_unit_test(duplicates_and_conflicts),
		cmocka_unit_test(too_many_entries),
		cmocka_unit_test(include_lines),
		cmocka_unit_test(examples_parse_and_mean_what_they_say),
		cmocka_unit_test(error_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
