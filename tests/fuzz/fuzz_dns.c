// SPDX-License-Identifier: MIT
/* fuzz_dns.c - libFuzzer harness: the DNS forwarder's query and answer checks, its SERVFAIL and its local answers */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsetup/dns/dns_local.h"
#include "netsetup/dns/dns_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * check_local() - every local answer to a checked query is a well-formed answer to it
 * @data:	the query, accepted by dns_parse_query()
 * @size:	its length
 * @q:		its question
 *
 * The name's first label, if the name is `<label>` or `<label>.test.lan`,
 * stands in for a lease's host name; a PTR name gives an address.
 */
static void check_local(const uint8_t *data, size_t size, const struct dns_question *q)
{
	static const uint8_t fallback[] = "guest";
	struct dns_local_answer a = { .ttl = 60, .domain = "Test.lan", .host = fallback,
				      .host_len = sizeof(fallback) - 1 };
	static const uint16_t types[] = { 0, DNS_TYPE_A, DNS_TYPE_PTR };
	const uint8_t *label = NULL;
	size_t len = dns_local_label(q, "Test.lan", &label), n;
	struct dns_question back;
	uint8_t out[DNS_QUERY_MAX];

	if (len) {
		if (len > DNS_LABEL_MAX || label != q->name + 1 || 1 + len >= q->name_len)
			abort();
		if (dns_label_ok(label, len)) {
			a.host = label;
			a.host_len = len;
		}
	}
	if (dns_ptr_address(q, &a.addr) && (len || q->name_len < 16))
		abort();	/* an in-addr.arpa name has six labels and at least 22 bytes */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		a.type = types[i];
		n = dns_build_local(data, size, q, &a, out, sizeof(out));
		if (!n)
			abort();	/* a checked query always leaves room for one record */
		if (dns_parse_answer(out, n, &back) != DNS_OK || !dns_question_equal(q, &back) ||
		    dns_get_id(out) != dns_get_id(data) || out[7] != (a.type ? 1 : 0))
			abort();
	}
}

/**
 * LLVMFuzzerTestOneInput() - parse @data as a query and as an answer
 * @data:	input
 * @size:	its length
 *
 * A query that passes must give a SERVFAIL that passes as an answer with the
 * same question, which is what the guest then matches; an answer that passes
 * keeps its question when its id is rewritten, as the forwarder does.
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_question q, a;
	uint8_t out[DNS_QUERY_MAX];
	uint8_t *copy;
	size_t n;

	if (dns_parse_query(data, size, &q) == DNS_OK) {
		n = dns_build_servfail(data, size, &q, out, sizeof(out));
		if (!n || dns_parse_answer(out, n, &a) != DNS_OK || !dns_question_equal(&q, &a) ||
		    dns_get_id(out) != dns_get_id(data))
			abort();
		check_local(data, size, &q);
	}
	if (dns_parse_answer(data, size, &a) == DNS_OK) {
		copy = malloc(size);
		if (!copy)
			return 0;
		memcpy(copy, data, size);
		dns_set_id(copy, (uint16_t)~dns_get_id(data));
		if (dns_parse_answer(copy, size, &q) != DNS_OK || !dns_question_equal(&q, &a))
			abort();
		free(copy);
	}
	(void)dns_parse_error((int)size % (DNS_E_MAX + 2));
	return 0;
}
