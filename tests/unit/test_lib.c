// SPDX-License-Identifier: MIT
/* test_lib.c - unit tests for lib/: names, escaping, prefixes, MACs, decimal numbers */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/ifname.h"
#include "lib/inet.h"

static void ifname_accepts_up_to_15(void **state)
{
	(void)state;
	assert_true(ifname_is_valid("tap0"));
	assert_true(ifname_is_valid("a"));
	assert_true(ifname_is_valid("abcdefghijklmno"));	/* 15 */
	assert_true(ifname_is_valid("re_dox.net-1"));
	assert_false(ifname_is_valid("abcdefghijklmnop"));	/* 16: refused, not cut */
	assert_false(ifname_is_valid("abcdefghijklmnopq"));
}

static void ifname_rejects_strange(void **state)
{
	static const char *bad[] = {
		"", ".", "..", "a/b", "../x", "a:b", "a b", "a\nb", "%d", "%n",
		"\x1b[31m", "a\"b", "a'b", "a;b", "-x", "tap\t0", "t\xc3\xa4p",
	};
	char big[4097];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_non_null(ifname_problem(bad[i]));
	assert_non_null(ifname_problem(NULL));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_string_equal(ifname_problem(big), "it is longer than 15 characters");
}

static void escape_makes_single_safe_field(void **state)
{
	char out[64];

	(void)state;
	escape_text(out, sizeof(out), "host", 4);
	assert_string_equal(out, "host");
	escape_text(out, sizeof(out), "-a b%n\n\"", 8);
	assert_string_equal(out, "\\x2da\\x20b\\x25n\\x0a\\x22");
	escape_text(out, sizeof(out), "a\0b", 3);
	assert_string_equal(out, "a\\x00b");
	/* Cut at a character boundary and marked. */
	escape_text(out, 8, "\n\n\n\n", 4);
	assert_string_equal(out, "\\x0a...");
	assert_true(strlen(out) < 8);
}

static void escape_json_quotes_and_controls(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(escape_json(out, sizeof(out), "a\"b\\c\n"), 13);
	assert_string_equal(out, "a\\\"b\\\\c\\u000a");
	assert_int_equal(escape_json(out, 4, "abcdef"), 4);
}

static void prefix_parse_strict(void **state)
{
	struct rn_prefix p, q;
	char buf[RN_PREFIX_STRLEN];

	(void)state;
	assert_null(prefix_parse("172.16.0.1/24", &p));
	assert_int_equal(p.len, 24);
	assert_null(host_prefix_problem(&p));
	prefix_format(&p, true, buf);
	assert_string_equal(buf, "172.16.0.0/24");
	prefix_format(&p, false, buf);
	assert_string_equal(buf, "172.16.0.1/24");

	assert_non_null(prefix_parse("172.16.0.1", &q));
	assert_non_null(prefix_parse("172.16.1/24", &q));
	assert_non_null(prefix_parse("0x10.0.0.1/24", &q));
	assert_non_null(prefix_parse("172.16.0.1/33", &q));
	assert_non_null(prefix_parse("172.16.0.1/024", &q));
	assert_non_null(prefix_parse("172.16.0.1/", &q));
	assert_non_null(prefix_parse("172.16.0.1/2a", &q));
	assert_non_null(prefix_parse("/24", &q));

	assert_null(prefix_parse("172.16.0.0/24", &q));
	assert_non_null(host_prefix_problem(&q));	/* network address */
	assert_null(prefix_parse("172.16.0.255/24", &q));
	assert_non_null(host_prefix_problem(&q));	/* broadcast */
	assert_null(prefix_parse("172.16.0.1/31", &q));
	assert_non_null(host_prefix_problem(&q));
	assert_null(prefix_parse("224.0.0.1/24", &q));
	assert_non_null(host_prefix_problem(&q));
}

static void prefix_overlap(void **state)
{
	struct rn_prefix a, b;

	(void)state;
	assert_null(prefix_parse("172.16.0.1/24", &a));
	assert_null(prefix_parse("172.16.0.0/16", &b));
	assert_true(prefix_overlaps(&a, &b));
	assert_null(prefix_parse("172.16.1.0/24", &b));
	assert_false(prefix_overlaps(&a, &b));
	assert_null(prefix_parse("0.0.0.0/0", &b));
	assert_true(prefix_overlaps(&a, &b));
}

static void mac_parse_strict(void **state)
{
	uint8_t mac[RN_MAC_LEN];
	char buf[RN_MAC_STRLEN];

	(void)state;
	assert_null(mac_parse("52:54:00:12:34:56", mac));
	mac_format(mac, buf);
	assert_string_equal(buf, "52:54:00:12:34:56");
	assert_null(mac_parse("52:54:00:AB:cd:Ef", mac));
	assert_non_null(mac_parse("53:54:00:12:34:56", mac));	/* multicast */
	assert_non_null(mac_parse("00:00:00:00:00:00", mac));
	assert_non_null(mac_parse("52:54:00:12:34", mac));
	assert_non_null(mac_parse("52-54-00-12-34-56", mac));
	assert_non_null(mac_parse("52:54:00:12:34:5g", mac));
	assert_non_null(mac_parse("52:54:00:12:34:567", mac));
}

static void mac_unicast_is_owned_by_one_host(void **state)
{
	static const uint8_t guest[RN_MAC_LEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
			     multicast[RN_MAC_LEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
			     broadcast[RN_MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
			     zero[RN_MAC_LEN], last_byte[RN_MAC_LEN] = { 0, 0, 0, 0, 0, 1 };

	(void)state;
	assert_true(mac_is_unicast(guest));
	assert_true(mac_is_unicast(last_byte));
	assert_false(mac_is_unicast(multicast));
	assert_false(mac_is_unicast(broadcast));
	assert_false(mac_is_unicast(zero));
}

static void decimal_parse_strict(void **state)
{
	static const struct {
		const char *text;
		int result;
	} bad[] = {
		{ "", DECIMAL_EMPTY }, { "00", DECIMAL_LEADING_ZERO }, { "010", DECIMAL_LEADING_ZERO },
		{ "0x10", DECIMAL_LEADING_ZERO }, { "-1", DECIMAL_NOT_DIGITS },
		{ "+1", DECIMAL_NOT_DIGITS }, { " 1", DECIMAL_NOT_DIGITS }, { "1 ", DECIMAL_NOT_DIGITS },
		{ "1\n", DECIMAL_NOT_DIGITS }, { "4a", DECIMAL_NOT_DIGITS }, { "1e3", DECIMAL_NOT_DIGITS },
		{ "1.5", DECIMAL_NOT_DIGITS }, { "254", DECIMAL_TOO_LARGE },
		{ "99999999999999999999999999999999", DECIMAL_TOO_LARGE },
	};
	unsigned long long v = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(decimal_parse(bad[i].text, 253, &v), bad[i].result);
		assert_true(v == 7);	/* untouched on failure */
	}
	assert_int_equal(decimal_parse(NULL, 253, &v), DECIMAL_EMPTY);
	assert_int_equal(decimal_parse("0", 253, &v), DECIMAL_OK);
	assert_true(v == 0);
	assert_int_equal(decimal_parse("253", 253, &v), DECIMAL_OK);
	assert_true(v == 253);
	assert_int_equal(decimal_parse("0", 0, &v), DECIMAL_OK);
	assert_int_equal(decimal_parse("1", 0, &v), DECIMAL_TOO_LARGE);
	assert_int_equal(decimal_parse("18446744073709551615", ULLONG_MAX, &v), DECIMAL_OK);
	assert_true(v == ULLONG_MAX);
	assert_int_equal(decimal_parse("18446744073709551616", ULLONG_MAX, &v), DECIMAL_TOO_LARGE);
	assert_int_equal(decimal_parse("4294967296", 4294967295u, &v), DECIMAL_TOO_LARGE);
	assert_string_equal(decimal_problem(DECIMAL_LEADING_ZERO), "has a leading zero");
	assert_string_equal(decimal_problem(-1), "is not a number");
}

/* decimal_parse_i64() at the int64_t edge: the bound is checked before the multiply. */
static void decimal_parse_i64_bounds(void **state)
{
	static const struct {
		const char *text;
		int64_t max;
		int result;
	} bad[] = {
		{ "9223372036854775808", INT64_MAX, DECIMAL_TOO_LARGE },	/* INT64_MAX + 1 */
		{ "9700000000333333333", INT64_MAX, DECIMAL_TOO_LARGE },	/* the fuzz finding */
		{ "9999999999999999999", INT64_MAX, DECIMAL_TOO_LARGE },	/* 19 digits */
		{ "18446744073709551615", INT64_MAX, DECIMAL_TOO_LARGE },	/* 20 digits */
		{ "18446744073709551616", INT64_MAX, DECIMAL_TOO_LARGE },	/* past ULLONG_MAX */
		{ "4611686018427387905", (int64_t)1 << 62, DECIMAL_TOO_LARGE },
		{ "", INT64_MAX, DECIMAL_EMPTY },
		{ "00", INT64_MAX, DECIMAL_LEADING_ZERO },
		{ "09223372036854775807", INT64_MAX, DECIMAL_LEADING_ZERO },
		{ "-1", INT64_MAX, DECIMAL_NOT_DIGITS },
		{ "-9223372036854775808", INT64_MAX, DECIMAL_NOT_DIGITS },
		{ "+1", INT64_MAX, DECIMAL_NOT_DIGITS },
		{ "0", -1, DECIMAL_TOO_LARGE },				/* a negative max takes nothing */
		{ "x", -1, DECIMAL_NOT_DIGITS },
	};
	int64_t v = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(decimal_parse_i64(bad[i].text, bad[i].max, &v), bad[i].result);
		assert_true(v == 7);	/* untouched on failure */
	}
	assert_int_equal(decimal_parse_i64("9223372036854775807", INT64_MAX, &v), DECIMAL_OK);
	assert_true(v == INT64_MAX);
	assert_int_equal(decimal_parse_i64("4611686018427387904", (int64_t)1 << 62, &v), DECIMAL_OK);
	assert_true(v == (int64_t)1 << 62);
	assert_int_equal(decimal_parse_i64("0", 0, &v), DECIMAL_OK);
	assert_true(v == 0);
	assert_int_equal(decimal_parse_i64("1700000000", INT64_MAX, &v), DECIMAL_OK);
	assert_true(v == 1700000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ifname_accepts_up_to_15),
		cmocka_unit_test(ifname_rejects_strange),
		cmocka_unit_test(escape_makes_single_safe_field),
		cmocka_unit_test(escape_json_quotes_and_controls),
		cmocka_unit_test(prefix_parse_strict),
		cmocka_unit_test(prefix_overlap),
		cmocka_unit_test(mac_parse_strict),
		cmocka_unit_test(mac_unicast_is_owned_by_one_host),
		cmocka_unit_test(decimal_parse_strict),
		cmocka_unit_test(decimal_parse_i64_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
