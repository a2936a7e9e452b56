// SPDX-License-Identifier: MIT
/* mem_size.c - memory sizes as Cloud Hypervisor writes them: 2048M, 4G, 1073741824 */
#include <string.h>

#include "runner/mem_size.h"
#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/log.h"

/**
 * mem_size_parse() - a size in bytes, with an optional K, M or G suffix (powers of 1024)
 * @what:	the option or variable, for the message ("--hotplug", "CH_HOTPLUG")
 * @text:	the size
 * @bytes:	its value in bytes
 *
 * The same suffixes as Cloud Hypervisor's ByteSized, so a size that passes
 * here means the same to the VMM; the number itself goes through
 * decimal_parse(), so "4GB", "-1G", " 4G" and "0x10M" are refused here, not
 * by the VMM after the fds were handed over.
 *
 * Return: 0, or -1 after an error naming @what.
 */
int mem_size_parse(const char *what, const char *text, unsigned long long *bytes)
{
	static const char suffixes[3] = { 'K', 'M', 'G' };	/* no NUL: memchr() */
	char digits[24], shown[64];
	size_t n = strlen(text);
	unsigned int shift = 0;
	const char *s;
	int err;

	if (n && (s = memchr(suffixes, text[n - 1], 3)) != NULL) {
		shift = 10 * (unsigned int)(s - suffixes + 1);
		n--;
	}
	if (n >= sizeof(digits)) {
		err = DECIMAL_TOO_LARGE;
	} else {
		memcpy(digits, text, n);
		digits[n] = '\0';
		err = decimal_parse(digits, ~0ULL >> shift, bytes);
	}
	if (!err && *bytes) {
		*bytes <<= shift;
		return 0;
	}
	escape_text(shown, sizeof(shown), text, strlen(text));
	log_err("%s '%s' %s: give bytes, or a number followed by K, M or G", what, shown,
		err ? decimal_problem(err) : "is zero");
	return -1;
}
