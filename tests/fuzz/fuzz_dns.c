// SPDX-License-Identifier: MIT
/* fuzz_dns.c - libFuzzer harness: the DNS forwarder's query and answer checks, and its SERVFAIL */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsetup/dns/dns_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
