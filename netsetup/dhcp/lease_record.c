// SPDX-License-Identifier: MIT
/* lease_record.c - one line of the lease journal: its text form, written and checked */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/escape.h"
#include "lib/inet.h"
#include "netsetup/dhcp/lease_record.h"

#define FIELDS_MAX	6
#define TIME_MAX	((int64_t)1 << 62)

/**
 * lease_record_format() - write @r as one journal line, without the newline
 * @r:		record
 * @out:	LEASE_RECORD_MAX bytes
 *
 * The hostname is escaped (lib/escape.h), so it is a single field with no
 * spaces, controls, '%' or leading '-'.  A lone "-", which escaping can never
 * produce, means "no hostname".
 *
 * Return: length of the line.
 */
size_t lease_record_format(const struct lease_record *r, char out[LEASE_RECORD_MAX])
{
	char mac[RN_MAC_STRLEN], ip[INET_ADDRSTRLEN];
	char host[4 * LEASE_RECORD_HOST_MAX + 1] = "-";
	int n;

	mac_format(r->mac, mac);
	inet_ntop(AF_INET, &r->ip, ip, sizeof(ip));
	if (r->hostname_len)
		escape_text(host, sizeof(host), r->hostname, r->hostname_len);
	if (r->kind == LEASE_REC_BIND)
		n = snprintf(out, LEASE_RECORD_MAX, "bind %s %s %lld %s", mac, ip,
			     (long long)r->time, host);
	else if (r->kind == LEASE_REC_RELEASE)
		n = snprintf(out, LEASE_RECORD_MAX, "release %s %s", mac, ip);
	else
		n = snprintf(out, LEASE_RECORD_MAX, "decline %s %lld", ip, (long long)r->time);
	return n < 0 ? 0 : (size_t)n;
}

/**
 * split_fields() - cut @line at single spaces
 * @line:	writable copy of the record
 * @field:	FIELDS_MAX pointers, filled
 *
 * Return: number of fields, or 0 if a field is empty or there are too many.
 */
static size_t split_fields(char *line, char *field[FIELDS_MAX])
{
	size_t n = 0;

	for (char *p = line;;) {
		char *sp = strchr(p, ' ');

		if (n == FIELDS_MAX || *p == '\0' || *p == ' ')
			return 0;
		field[n++] = p;
		if (!sp)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

/**
 * parse_time() - read a journal time field
 * @t:		the field; untrusted
 * @out:	the time, in seconds
 *
 * lib/decimal.c checks the bound before it multiplies, so no digit string,
 * however long, can wrap into a negative expiry.
 *
 * Return: true if @t is a strict decimal from 0 to TIME_MAX.
 */
static bool parse_time(const char *t, int64_t *out)
{
	return decimal_parse_i64(t, TIME_MAX, out) == DECIMAL_OK;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/**
 * unescape_host() - undo escape_text(), accepting only what it can produce
 * @t:		escaped field, or "-" for none
 * @out:	LEASE_RECORD_HOST_MAX bytes
 * @len:	set to the number of bytes
 *
 * A character escape_text() would have escaped, written raw, means the line
 * was not written by us: it is refused, not trusted.
 *
 * Return: true on success.
 */
static bool unescape_host(const char *t, uint8_t *out, uint8_t *len)
{
	size_t n = 0;

	*len = 0;
	if (!strcmp(t, "-"))
		return true;
	for (size_t i = 0; t[i]; n++) {
		unsigned char c = (unsigned char)t[i];
		int hi, lo;

		if (n == LEASE_RECORD_HOST_MAX)
			return false;
		if (c == '\\') {
			if (t[i + 1] != 'x' || (hi = hex_digit(t[i + 2])) < 0 ||
			    (lo = hex_digit(t[i + 3])) < 0)
				return false;
			out[n] = (uint8_t)(hi << 4 | lo);
			i += 4;
			continue;
		}
		if (c < 0x21 || c > 0x7e || strchr("%\"'=", c) || (i == 0 && c == '-'))
			return false;
		out[n] = c;
		i++;
	}
	*len = (uint8_t)n;
	return n > 0;
}

/**
 * lease_record_parse() - check and decode one journal line
 * @line:	the line, NUL-terminated, without its newline; untrusted
 * @out:	decoded record
 *
 * Every field is checked as strictly as it was written: exact keyword, field
 * count, MAC (unicast), dotted quad, decimal time.  Addresses are not checked
 * against the subnet here; the store does that.
 *
 * Return: NULL on success, otherwise why the record is refused.
 */
const char *lease_record_parse(const char *line, struct lease_record *out)
{
	char copy[LEASE_RECORD_MAX], *f[FIELDS_MAX];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (strlen(line) >= sizeof(copy))
		return "record too long";
	strcpy(copy, line);
	n = split_fields(copy, f);
	if (n == 5 && !strcmp(f[0], "bind")) {
		out->kind = LEASE_REC_BIND;
		if (mac_parse(f[1], out->mac) || inet_pton(AF_INET, f[2], &out->ip) != 1 ||
		    !parse_time(f[3], &out->time))
			return "bad MAC, address or time in a bind record";
		if (!unescape_host(f[4], out->hostname, &out->hostname_len))
			return "bad hostname in a bind record";
		return NULL;
	}
	if (n == 3 && !strcmp(f[0], "release")) {
		out->kind = LEASE_REC_RELEASE;
		if (mac_parse(f[1], out->mac) || inet_pton(AF_INET, f[2], &out->ip) != 1)
			return "bad MAC or address in a release record";
		return NULL;
	}
	if (n == 3 && !strcmp(f[0], "decline")) {
		out->kind = LEASE_REC_DECLINE;
		if (inet_pton(AF_INET, f[1], &out->ip) != 1 || !parse_time(f[2], &out->time))
			return "bad address or time in a decline record";
		return NULL;
	}
	return "not a bind, release or decline record";
}
