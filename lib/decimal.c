// SPDX-License-Identifier: MIT
/* decimal.c - strict unsigned decimal numbers: digits only, no sign, no leading zero, no overflow */
#include "lib/decimal.h"
#include "lib/util.h"

/**
 * decimal_parse() - read a whole string as one unsigned decimal number
 * @s:		text, NUL-terminated, possibly hostile
 * @max:	largest accepted value
 * @out:	the value; written only on success
 *
 * Every number a user, a file or the kernel hands us goes through here, so
 * they are all read the same way.  Only [0-9] is accepted: strtoul() would
 * also take leading spaces, a sign ("-1" becomes ULONG_MAX) and trailing
 * junk unless each caller remembers every check.  A leading zero is refused
 * rather than read as decimal or octal (which "010" is depends on the tool).
 * Overflow is caught before it happens, so any number of digits is safe.
 *
 * Return: DECIMAL_OK (0), or a positive enum decimal_result.
 */
int decimal_parse(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return DECIMAL_EMPTY;
	if (s[0] == '0' && s[1])
		return DECIMAL_LEADING_ZERO;
	for (const char *c = s; *c; c++)
		if (*c < '0' || *c > '9')
			return DECIMAL_NOT_DIGITS;
	for (; *s; s++) {
		unsigned int digit = (unsigned int)(*s - '0');

		if (digit > max || v > (max - digit) / 10)
			return DECIMAL_TOO_LARGE;
		v = v * 10 + digit;
	}
	*out = v;
	return DECIMAL_OK;
}

/**
 * decimal_parse_i64() - read a whole string as one non-negative decimal int64_t
 * @s:		text, NUL-terminated, possibly hostile
 * @max:	largest accepted value, at most INT64_MAX; a negative one accepts nothing
 * @out:	the value; written only on success
 *
 * For callers that keep the number signed (times, offsets): the same strict
 * rules as decimal_parse(), with the bound checked before any multiplication,
 * so a 19- or 20-digit string past INT64_MAX is DECIMAL_TOO_LARGE instead of
 * wrapping to a negative value that would pass a "v <= max" test.  A sign is
 * refused like any other non-digit.
 *
 * Return: DECIMAL_OK (0), or a positive enum decimal_result.
 */
int decimal_parse_i64(const char *s, int64_t max, int64_t *out)
{
	unsigned long long v;
	int err;

	if (max < 0) {
		err = decimal_parse(s, 0, &v);
		return err ? err : DECIMAL_TOO_LARGE;
	}
	err = decimal_parse(s, (unsigned long long)max, &v);
	if (!err)
		*out = (int64_t)v;
	return err;
}

/**
 * decimal_problem() - Return: a phrase for a decimal_parse() result, to follow the number
 * @result:	value returned by decimal_parse()
 */
const char *decimal_problem(int result)
{
	static const char *const text[] = {
		[DECIMAL_OK] = "is a number",
		[DECIMAL_EMPTY] = "is empty",
		[DECIMAL_LEADING_ZERO] = "has a leading zero",
		[DECIMAL_NOT_DIGITS] = "is not a decimal number",
		[DECIMAL_TOO_LARGE] = "is too large",
	};

	if (result < 0 || (unsigned int)result >= ARRAY_SIZE(text))
		return "is not a number";
	return text[result];
}
