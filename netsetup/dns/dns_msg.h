/* SPDX-License-Identifier: MIT */
/* dns_msg.h - the DNS forwarder's message checks: parse a query or an answer, no I/O */
#ifndef REDOX_NET_DNS_MSG_H
#define REDOX_NET_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HDR_LEN	12
#define DNS_NAME_MAX	255	/* wire form, length octets and root included (RFC 1035 §3.1) */
#define DNS_QUERY_MAX	512	/* a guest's query: one question and an EDNS record fit easily */
#define DNS_MSG_MAX	65535	/* an answer over TCP */
#define DNS_RCODE_SERVFAIL 2

enum dns_err {
	DNS_OK,
	DNS_E_SHORT,		/* shorter than a header, or a record runs past the end */
	DNS_E_DIRECTION,	/* a query with QR set, or an answer without it */
	DNS_E_OPCODE,		/* not a standard query */
	DNS_E_COUNTS,		/* not exactly one question, or a query carrying answers */
	DNS_E_NAME,		/* a bad label, a name over 255 bytes, or a bad compression pointer */
	DNS_E_TRAILING,		/* bytes after the last record */
	DNS_E_MAX,
};

/**
 * struct dns_question - the one question of a message, as compared between query and answer
 * @name:	the name in wire form, letters folded to lower case
 * @name_len:	bytes in @name, the root label included
 * @qtype:	QTYPE
 * @qclass:	QCLASS
 */
struct dns_question {
	uint8_t name[DNS_NAME_MAX];
	size_t name_len;
	uint16_t qtype, qclass;
};

int dns_parse_query(const uint8_t *buf, size_t len, struct dns_question *q);
int dns_parse_answer(const uint8_t *buf, size_t len, struct dns_question *q);
const char *dns_parse_error(int err);
bool dns_question_equal(const struct dns_question *a, const struct dns_question *b);
uint16_t dns_get_id(const uint8_t *buf);
void dns_set_id(uint8_t *buf, uint16_t id);
bool dns_truncated(const uint8_t *buf);
size_t dns_build_servfail(const uint8_t *query, size_t qlen, const struct dns_question *q,
			  uint8_t *out, size_t cap);

#endif
