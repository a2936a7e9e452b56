// SPDX-License-Identifier: MIT
/* dns_msg.c - the DNS forwarder's message checks: parse a query or an answer, no I/O */
#include <string.h>

#include "netsetup/dns/dns_msg.h"

#define FLAG_QR		0x80	/* in byte 2 */
#define OPCODE_MASK	0x78	/* in byte 2 */
#define FLAG_TC		0x02	/* in byte 2 */
#define FLAG_RD		0x01	/* in byte 2 */
#define FLAG_RA		0x80	/* in byte 3 */
#define PTR_MASK	0xc0
#define MAX_JUMPS	64	/* compression pointers followed in one name */

/* get16() - Return: the big-endian 16-bit value at @p */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/**
 * read_name() - check the name at @*off and step over it
 * @buf:	message
 * @len:	its length
 * @off:	offset of the name; set past it (past the first pointer, if any)
 * @out:	if not NULL, gets the name in wire form, lower-cased
 * @pointers:	whether compression pointers may appear
 *
 * A pointer must point backwards, before the name that holds it, so no chain
 * can loop; MAX_JUMPS bounds the work anyway.
 *
 * Return: DNS_OK, or a dns_err.
 */
static int read_name(const uint8_t *buf, size_t len, size_t *off, struct dns_question *out,
		     bool pointers)
{
	size_t pos = *off, total = 0, end = 0, limit = *off;
	unsigned int jumps = 0;

	for (;;) {
		uint8_t l;

		if (pos >= len)
			return DNS_E_SHORT;
		l = buf[pos];
		if ((l & PTR_MASK) == PTR_MASK) {
			size_t target;

			if (!pointers || pos + 1 >= len)
				return pos + 1 >= len ? DNS_E_SHORT : DNS_E_NAME;
			target = (size_t)(get16(buf + pos) & 0x3fff);
			if (target >= limit || target < DNS_HDR_LEN || ++jumps > MAX_JUMPS)
				return DNS_E_NAME;
			if (!end)
				end = pos + 2;
			limit = target;
			pos = target;
			continue;
		}
		if (l & PTR_MASK)
			return DNS_E_NAME;	/* 0x40 and 0x80: extended label types, obsolete */
		if (total + 1u + l > DNS_NAME_MAX)
			return DNS_E_NAME;
		if (pos + 1u + l > len)
			return DNS_E_SHORT;
		if (out) {
			out->name[total] = l;
			for (size_t i = 0; i < l; i++) {
				uint8_t c = buf[pos + 1 + i];

				out->name[total + 1 + i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
			}
		}
		total += 1u + l;
		pos += 1u + l;
		if (!l)
			break;
	}
	if (out)
		out->name_len = total;
	*off = end ? end : pos;
	return DNS_OK;
}

/**
 * read_question() - parse the question that follows the header
 * @buf:	message
 * @len:	its length
 * @off:	set past the question
 * @q:		the question
 *
 * Return: DNS_OK, or a dns_err.
 */
static int read_question(const uint8_t *buf, size_t len, size_t *off, struct dns_question *q)
{
	int err;

	*off = DNS_HDR_LEN;
	/* Nothing precedes the question, so a pointer in it could only point into the header. */
	if ((err = read_name(buf, len, off, q, false)))
		return err;
	if (*off + 4 > len)
		return DNS_E_SHORT;
	q->qtype = get16(buf + *off);
	q->qclass = get16(buf + *off + 2);
	*off += 4;
	return DNS_OK;
}

/**
 * check_header() - the checks a query and an answer share
 * @buf:	message
 * @len:	its length
 * @answer:	true for an answer (QR set), false for a query
 *
 * Return: DNS_OK, or a dns_err.
 */
static int check_header(const uint8_t *buf, size_t len, bool answer)
{
	if (len < DNS_HDR_LEN)
		return DNS_E_SHORT;
	if (!!(buf[2] & FLAG_QR) != answer)
		return DNS_E_DIRECTION;
	if (buf[2] & OPCODE_MASK)
		return DNS_E_OPCODE;
	if (get16(buf + 4) != 1)
		return DNS_E_COUNTS;
	return DNS_OK;
}

/**
 * dns_parse_query() - check a guest's query and take its question
 * @buf:	the datagram, or a TCP message without its length prefix
 * @len:	its length
 * @q:		the question
 *
 * A query is passed upstream as it came, so everything in it is checked: one
 * question, no answer or authority record, at most one additional record (EDNS
 * OPT, or a TSIG), every record inside the message, nothing after the last.
 *
 * Return: DNS_OK, or a dns_err.
 */
int dns_parse_query(const uint8_t *buf, size_t len, struct dns_question *q)
{
	size_t off;
	int err;

	if ((err = check_header(buf, len, false)))
		return err;
	if (len > DNS_QUERY_MAX)
		return DNS_E_SHORT;
	if (get16(buf + 6) || get16(buf + 8) || get16(buf + 10) > 1)
		return DNS_E_COUNTS;
	if ((err = read_question(buf, len, &off, q)))
		return err;
	if (get16(buf + 10)) {
		if ((err = read_name(buf, len, &off, NULL, true)))
			return err;
		if (off + 10 > len || off + 10 + get16(buf + off + 8) > len)
			return DNS_E_SHORT;
		off += 10u + get16(buf + off + 8);
	}
	return off == len ? DNS_OK : DNS_E_TRAILING;
}

/**
 * dns_parse_answer() - check an upstream answer and take its question
 * @buf:	the datagram, or a TCP message without its length prefix
 * @len:	its length
 * @q:		the question, to match against the query's
 *
 * Every record of every section must lie inside the message; a truncated
 * (TC) answer may end anywhere after its question, since the guest only
 * learns from it to ask again over TCP.
 *
 * Return: DNS_OK, or a dns_err.
 */
int dns_parse_answer(const uint8_t *buf, size_t len, struct dns_question *q)
{
	unsigned int records;
	size_t off;
	int err;

	if ((err = check_header(buf, len, true)))
		return err;
	if ((err = read_question(buf, len, &off, q)))
		return err;
	if (buf[2] & FLAG_TC)
		return DNS_OK;
	records = (unsigned int)get16(buf + 6) + get16(buf + 8) + get16(buf + 10);
	for (unsigned int i = 0; i < records; i++) {
		if ((err = read_name(buf, len, &off, NULL, true)))
			return err;
		if (off + 10 > len || off + 10 + get16(buf + off + 8) > len)
			return DNS_E_SHORT;
		off += 10u + get16(buf + off + 8);
	}
	return off == len ? DNS_OK : DNS_E_TRAILING;
}

/**
 * dns_parse_error() - Return: the text of a dns_err, for a log line
 * @err:	from dns_parse_query() or dns_parse_answer()
 */
const char *dns_parse_error(int err)
{
	static const char *const text[DNS_E_MAX] = {
		[DNS_OK] = "no error",
		[DNS_E_SHORT] = "truncated or oversized message",
		[DNS_E_DIRECTION] = "wrong direction (QR bit)",
		[DNS_E_OPCODE] = "not a standard query",
		[DNS_E_COUNTS] = "not exactly one question, or unexpected records",
		[DNS_E_NAME] = "malformed name",
		[DNS_E_TRAILING] = "bytes after the last record",
	};

	return err >= 0 && err < DNS_E_MAX ? text[err] : "unknown error";
}

/**
 * dns_question_equal() - Return: true if @a and @b ask the same thing
 * @a:		question
 * @b:		question
 *
 * Names were lower-cased when parsed, so a guest's or a server's 0x20 case
 * randomisation does not stop a match.
 */
bool dns_question_equal(const struct dns_question *a, const struct dns_question *b)
{
	return a->qtype == b->qtype && a->qclass == b->qclass && a->name_len == b->name_len &&
	       !memcmp(a->name, b->name, a->name_len);
}

/**
 * dns_get_id() - Return: the message's transaction id
 * @buf:	a message of at least DNS_HDR_LEN bytes
 */
uint16_t dns_get_id(const uint8_t *buf)
{
	return get16(buf);
}

/**
 * dns_set_id() - replace the message's transaction id
 * @buf:	a message of at least DNS_HDR_LEN bytes
 * @id:		new id
 */
void dns_set_id(uint8_t *buf, uint16_t id)
{
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
}

/**
 * dns_truncated() - Return: true if the TC bit is set
 * @buf:	a message of at least DNS_HDR_LEN bytes
 */
bool dns_truncated(const uint8_t *buf)
{
	return buf[2] & FLAG_TC;
}

/**
 * dns_build_servfail() - answer a query with SERVFAIL and its question alone
 * @query:	the query, checked by dns_parse_query()
 * @qlen:	its length
 * @q:		its question
 * @out:	buffer for the answer
 * @cap:	its size
 *
 * Return: the answer's length, or 0 if it does not fit.
 */
size_t dns_build_servfail(const uint8_t *query, size_t qlen, const struct dns_question *q,
			  uint8_t *out, size_t cap)
{
	/* The question as it came: the header, then the name, type and class. */
	size_t n = DNS_HDR_LEN + q->name_len + 4;

	if (n > cap || n > qlen)
		return 0;
	memcpy(out, query, n);
	out[2] = (uint8_t)(FLAG_QR | (query[2] & FLAG_RD));
	out[3] = FLAG_RA | DNS_RCODE_SERVFAIL;
	memset(out + 6, 0, 6);
	return n;
}
