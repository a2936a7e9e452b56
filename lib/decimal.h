/* SPDX-License-Identifier: MIT */
/* decimal.h - strict unsigned decimal numbers: digits only, no sign, no leading zero, no overflow */
#ifndef REDOX_NET_DECIMAL_H
#define REDOX_NET_DECIMAL_H

#include <stdint.h>

/* Why decimal_parse() refused a string; decimal_problem() words each one. */
enum decimal_result {
	DECIMAL_OK = 0,
	DECIMAL_EMPTY,		/* "" */
	DECIMAL_LEADING_ZERO,	/* "010", "0x10", "00" */
	DECIMAL_NOT_DIGITS,	/* a sign, a space, a letter, a dot */
	DECIMAL_TOO_LARGE,	/* above the caller's maximum */
};

int decimal_parse(const char *s, unsigned long long max, unsigned long long *out);
int decimal_parse_i64(const char *s, int64_t max, int64_t *out);
const char *decimal_problem(int result);

#endif
