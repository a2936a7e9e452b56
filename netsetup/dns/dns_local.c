// SPDX-License-Identifier: MIT
/* dns_local.c - answers the DNS forwarder gives itself for the guests' own names: pure, no I/O */
#include <arpa/inet.h>
#include <string.h>

#include "lib/decimal.h"
#include "netsetup/dns/dns_local.h"

#define FLAG_QR		0x80	/* in byte 2 */
#define FLAG_AA		0x04	/* in byte 2: the names are the responder's own */
#define FLAG_RD		0x01	/* in byte 2 */
#define FLAG_RA		0x80	/* in byte 3 */
#define ANSWER_FIXED	12	/* pointer to the question's name, type, class, TTL, RDLENGTH */

/* lower() - Return: @c with an ASCII capital folded to lower case */
static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/**
 * dns_label_ok() - Return: true if @s[0..@n) is a host name label (RFC 1123 §2.1)
 * @s:		label, not NUL-terminated
 * @n:		its length
 *
 * Letters, digits and '-', not first or last, 1 to 63 bytes.  A guest's
 * option 12 is raw and untrusted: a name that fails this is never answered.
 */
bool dns_label_ok(const uint8_t *s, size_t n)
{
	if (n == 0 || n > DNS_LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = lower(s[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

/**
 * dns_label_equal() - Return: true if @a and @b are the same @n bytes, ASCII case ignored
 * @a:		bytes
 * @b:		bytes
 * @n:		how many
 */
bool dns_label_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/**
 * is_domain() - Return: true if the wire name @w[0..@wlen) is the dotted @domain, case ignored
 * @w:		wire-form name, its root label included
 * @wlen:	its length
 * @domain:	dotted name, non-empty, no trailing dot
 */
static bool is_domain(const uint8_t *w, size_t wlen, const char *domain)
{
	size_t pos = 0;

	while (*domain) {
		const char *dot = strchr(domain, '.');
		size_t n = dot ? (size_t)(dot - domain) : strlen(domain);

		if (pos + 1 + n > wlen || w[pos] != n ||
		    !dns_label_equal(w + pos + 1, (const uint8_t *)domain, n))
			return false;
		pos += 1 + n;
		domain += n + (dot ? 1 : 0);
	}
	return pos + 1 == wlen && w[pos] == 0;
}

/**
 * dns_local_label() - the host name a question asks for, if it is one a guest could hold
 * @q:		question, from dns_parse_query()
 * @domain:	the responder's domain (option 15), NULL or "" for none
 * @label:	set to the first label of the name, lower case, when it is one
 *
 * The names answered locally are `<label>` and `<label>.<domain>`.
 *
 * Return: the label's length, or 0 when the name has another shape.
 */
size_t dns_local_label(const struct dns_question *q, const char *domain, const uint8_t **label)
{
	size_t l, rest;

	if (q->name_len < 2 || !q->name[0])
		return 0;
	l = q->name[0];
	if (1 + l >= q->name_len)
		return 0;
	rest = 1 + l;
	if (!(q->name_len == rest + 1 && q->name[rest] == 0) &&
	    !(domain && *domain && is_domain(q->name + rest, q->name_len - rest, domain)))
		return 0;
	*label = q->name + 1;
	return l;
}

/**
 * dns_ptr_address() - the IPv4 address a PTR question names (d.c.b.a.in-addr.arpa)
 * @q:		question, from dns_parse_query(); its name is lower case
 * @ip:		set to the address
 *
 * Each of the four labels is a strict decimal (lib/decimal.c) up to 255.
 *
 * Return: true if the name is such an address, false for any other name.
 */
bool dns_ptr_address(const struct dns_question *q, struct in_addr *ip)
{
	static const uint8_t arpa[] = "\7in-addr\4arpa";	/* its NUL is the root label */
	uint32_t a = 0;
	size_t pos = 0;

	for (unsigned int i = 0; i < 4; i++) {
		unsigned long long v;
		char txt[4];
		size_t n;

		if (pos >= q->name_len)
			return false;
		n = q->name[pos];
		if (n < 1 || n > 3 || pos + 1 + n >= q->name_len)
			return false;
		memcpy(txt, q->name + pos + 1, n);
		txt[n] = '\0';
		if (decimal_parse(txt, 255, &v) != DECIMAL_OK)
			return false;
		a |= (uint32_t)v << (8 * i);	/* the first label is the last octet */
		pos += 1 + n;
	}
	if (q->name_len - pos != sizeof(arpa) || memcmp(q->name + pos, arpa, sizeof(arpa)))
		return false;
	ip->s_addr = htonl(a);
	return true;
}

/**
 * put_ptr_name() - write @a's host name, then its domain, in wire form
 * @a:		answer: @host and @domain
 * @out:	where the name goes
 * @cap:	room at @out
 *
 * Return: bytes written, or 0 if the name does not fit @cap or DNS_NAME_MAX.
 */
static size_t put_ptr_name(const struct dns_local_answer *a, uint8_t *out, size_t cap)
{
	const char *d = a->domain ? a->domain : "";
	size_t o = 0;

	if (!a->host_len || a->host_len > DNS_LABEL_MAX || 1 + a->host_len > cap)
		return 0;
	out[o++] = (uint8_t)a->host_len;
	memcpy(out + o, a->host, a->host_len);
	o += a->host_len;
	while (*d) {
		const char *dot = strchr(d, '.');
		size_t n = dot ? (size_t)(dot - d) : strlen(d);

		if (!n || n > DNS_LABEL_MAX || o + 1 + n > cap)
			return 0;
		out[o++] = (uint8_t)n;
		memcpy(out + o, d, n);
		o += n;
		d += n + (dot ? 1 : 0);
	}
	if (o + 1 > cap || o + 1 > DNS_NAME_MAX)
		return 0;
	out[o++] = 0;
	return o;
}

/**
 * dns_build_local() - answer a query from the responder's own knowledge
 * @query:	the query, checked by dns_parse_query()
 * @qlen:	its length
 * @q:		its question
 * @a:		what to answer: an A or PTR record, or NODATA
 * @out:	buffer for the answer
 * @cap:	its size
 *
 * The question is repeated as it came (a guest's 0x20 case randomisation
 * survives), the record's owner is a pointer to it, and AA is set: these
 * names are the responder's own.  An EDNS record in the query is not echoed,
 * which RFC 6891 §7 allows (the guest then keeps to 512 bytes, far more
 * than one record needs).
 *
 * Return: the answer's length, or 0 if it does not fit.
 */
size_t dns_build_local(const uint8_t *query, size_t qlen, const struct dns_question *q,
		       const struct dns_local_answer *a, uint8_t *out, size_t cap)
{
	size_t n = DNS_HDR_LEN + q->name_len + 4, rd;

	if (n > qlen || n > cap)
		return 0;
	memcpy(out, query, n);
	out[2] = (uint8_t)(FLAG_QR | FLAG_AA | (query[2] & FLAG_RD));
	out[3] = FLAG_RA;	/* NOERROR */
	memset(out + 4, 0, 8);
	out[5] = 1;
	if (!a->type)
		return n;
	if (n + ANSWER_FIXED > cap)
		return 0;
	if (a->type == DNS_TYPE_A) {
		if (n + ANSWER_FIXED + 4 > cap)
			return 0;
		memcpy(out + n + ANSWER_FIXED, &a->addr.s_addr, 4);
		rd = 4;
	} else if (a->type == DNS_TYPE_PTR) {
		if (!(rd = put_ptr_name(a, out + n + ANSWER_FIXED, cap - n - ANSWER_FIXED)))
			return 0;
	} else {
		return 0;
	}
	out[7] = 1;
	out[n] = 0xc0;	/* the question's name, at offset 12 */
	out[n + 1] = DNS_HDR_LEN;
	out[n + 2] = (uint8_t)(a->type >> 8);
	out[n + 3] = (uint8_t)a->type;
	out[n + 4] = 0;
	out[n + 5] = DNS_CLASS_IN;
	out[n + 6] = (uint8_t)(a->ttl >> 24);
	out[n + 7] = (uint8_t)(a->ttl >> 16);
	out[n + 8] = (uint8_t)(a->ttl >> 8);
	out[n + 9] = (uint8_t)a->ttl;
	out[n + 10] = (uint8_t)(rd >> 8);
	out[n + 11] = (uint8_t)rd;
	return n + ANSWER_FIXED + rd;
}
