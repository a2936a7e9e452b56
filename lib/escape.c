// SPDX-License-Identifier: MIT
/* escape.c - make untrusted bytes safe to print in logs, files and JSON */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/escape.h"

static bool needs_hex(unsigned char c, size_t pos)
{
	/*
	 * Controls and non-ASCII could forge log lines or terminal escapes; '%'
	 * could become a format directive in some later consumer; '\\' and quotes
	 * would make the escaping ambiguous; a leading '-' could be read as an
	 * option by a tool fed from the lease file; space and '=' separate fields.
	 */
	return c < 0x21 || c > 0x7e || c == '%' || c == '\\' || c == '"' ||
	       c == '\'' || c == '=' || (pos == 0 && c == '-');
}

/**
 * escape_text() - copy untrusted bytes as printable ASCII, escaping the rest as \xNN
 * @out:	destination, always NUL-terminated when @outsz > 0
 * @outsz:	size of @out
 * @in:		untrusted bytes, may contain NUL
 * @inlen:	number of bytes in @in
 *
 * The output never contains spaces, so it is safe as one field of a
 * whitespace-separated record.  When @out is too small the copy stops at a
 * character boundary and ends in "...".
 *
 * Return: length of the string written to @out.
 */
size_t escape_text(char *out, size_t outsz, const void *in, size_t inlen)
{
	const unsigned char *p = in;
	size_t o = 0;

	if (!outsz)
		return 0;
	for (size_t i = 0; i < inlen; i++) {
		size_t need = needs_hex(p[i], i) ? 4 : 1;

		if (o + need + 1 > outsz) {
			size_t dots = outsz > 4 ? 3 : 0;

			o = o + dots + 1 > outsz ? outsz - 1 - dots : o;
			memcpy(out + o, "...", dots);
			o += dots;
			break;
		}
		if (need == 4)
			snprintf(out + o, 5, "\\x%02x", p[i]);
		else
			out[o] = (char)p[i];
		o += need;
	}
	out[o] = '\0';
	return o;
}

/**
 * escape_json() - copy a NUL-terminated string as the body of a JSON string
 * @out:	destination, always NUL-terminated when @outsz > 0
 * @outsz:	size of @out
 * @in:		string to escape
 *
 * Return: length written, or @outsz if the result did not fit (it is then cut).
 */
size_t escape_json(char *out, size_t outsz, const char *in)
{
	size_t o = 0;

	if (!outsz)
		return 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		char tmp[8];
		size_t n;

		if (*p == '"' || *p == '\\')
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\%c", *p);
		else if (*p < 0x20 || *p > 0x7e)
			n = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
		else
			n = (size_t)snprintf(tmp, sizeof(tmp), "%c", *p);
		if (o + n + 1 > outsz) {
			out[o] = '\0';
			return outsz;
		}
		memcpy(out + o, tmp, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}
