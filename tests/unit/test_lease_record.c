// SPDX-License-Identifier: MIT
/* test_lease_record.c - unit tests for the lease journal's time field at the int64_t edge */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "netsetup/dhcp/lease_record.h"

#define TIME_MAX_TEXT "4611686018427387904"	/* 2^62, lease_record.c's TIME_MAX */

/**
 * bind_time() - parse a bind record whose time field is @t
 * @t:		the time field as written in the journal
 * @out:	decoded record
 *
 * Return: lease_record_parse()'s result.
 */
static const char *bind_time(const char *t, struct lease_record *out)
{
	char line[LEASE_RECORD_MAX];

	snprintf(line, sizeof(line), "bind 52:54:00:12:34:56 172.16.0.2 %s a\\x25n", t);
	return lease_record_parse(line, out);
}

/* The fuzz finding: 19 digits past INT64_MAX used to wrap into a negative expiry. */
static void time_overflow_refused(void **state)
{
	static const char *const bad[] = {
		"9700000000333333333",		/* tests/fuzz/corpus/dhcp/regress-parse-time-overflow */
		"9223372036854775807",		/* INT64_MAX: above TIME_MAX */
		"9223372036854775808",		/* INT64_MAX + 1 */
		"9999999999999999999",		/* 19 digits */
		"18446744073709551617",		/* 20 digits, wraps to 1 in uint64 */
		"36893488147419103232",		/* 2^65: wraps to 0 */
		"4611686018427387905",		/* TIME_MAX + 1 */
		"01700000000", "00",		/* leading zeros */
		"-1", "+1700000000", "-9223372036854775808",	/* signs */
	};
	struct lease_record r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_non_null(bind_time(bad[i], &r));
		assert_true(r.time >= 0);
	}
	assert_non_null(lease_record_parse("bind 52:54:00:12:34:56 172.16.0.2  a", &r));	/* empty */
	assert_non_null(lease_record_parse("decline 172.16.0.2 9223372036854775808", &r));
	assert_non_null(lease_record_parse("decline 172.16.0.2 -5", &r));
	assert_non_null(lease_record_parse("decline 172.16.0.2 ", &r));
}

/* The largest time accepted is TIME_MAX; it and 0 round-trip exactly. */
static void time_edges_accepted(void **state)
{
	struct lease_record r;
	char line[LEASE_RECORD_MAX];

	(void)state;
	assert_null(bind_time(TIME_MAX_TEXT, &r));
	assert_true(r.time == (int64_t)1 << 62);
	assert_int_equal(r.hostname_len, 3);
	lease_record_format(&r, line);
	assert_string_equal(line, "bind 52:54:00:12:34:56 172.16.0.2 " TIME_MAX_TEXT " a\\x25n");
	assert_null(bind_time("0", &r));
	assert_true(r.time == 0);
	assert_null(lease_record_parse("decline 172.16.0.2 " TIME_MAX_TEXT, &r));
	assert_true(r.time == (int64_t)1 << 62);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_overflow_refused),
		cmocka_unit_test(time_edges_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
