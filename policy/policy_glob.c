// SPDX-License-Identifier: MIT
/* policy_glob.c - device name patterns: '*' and '?' over otherwise valid interface names */
#include <string.h>

#include "policy/policy_int.h"

/**
 * policy_pattern_problem() - explain why a string is not an acceptable device pattern
 * @pattern:	candidate, NUL-terminated
 *
 * A pattern is an interface name in which '*' and '?' may stand for
 * characters.  Replacing each wildcard by a letter and asking
 * ifname_problem() keeps one name validator for the whole project: the
 * length limit, the character set and the ban on a leading '-' or on "."
 * and ".." are the same as for the names the helper is asked for.
 *
 * Return: NULL if @pattern is valid, otherwise a short reason.
 */
const char *policy_pattern_problem(const char *pattern)
{
	char probe[RN_IFNAME_MAX + 1];
	size_t len = strnlen(pattern, RN_IFNAME_MAX + 1);

	if (len > RN_IFNAME_MAX)
		return ifname_problem(pattern);
	for (size_t i = 0; i <= len; i++) {
		char c = pattern[i];

		if (c == '*' || c == '?')
			c = 'x';
		probe[i] = c;
	}
	return ifname_problem(probe);
}

/**
 * policy_glob_match() - does a device name match a pattern?
 * @pattern:	valid pattern (policy_pattern_problem() returned NULL)
 * @name:	valid interface name
 *
 * '*' matches any run of characters, including none; '?' matches exactly
 * one.  There are no classes and no escapes.  Iterative, remembering only the
 * last '*', so the cost is bounded by the product of the lengths (at most
 * 15 x 15) whatever the input.
 *
 * Return: true if the whole of @name matches the whole of @pattern.
 */
bool policy_glob_match(const char *pattern, const char *name)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*pattern == '*') {
			star = pattern++;
			resume = name;
		} else if (*pattern == '?' || *pattern == *name) {
			pattern++;
			name++;
		} else if (star) {
			/* Let the last '*' swallow one more character and retry. */
			pattern = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}
