// SPDX-License-Identifier: MIT
/* fuzz_journal.c - libFuzzer harness: journal_parse_line() and journal_format_record() round trip */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "teardown/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * LLVMFuzzerTestOneInput() - parse one journal line; what parses must format and parse back
 * @data:	the line, without its newline; a NUL ends it early
 * @size:	its length
 *
 * Teardown acts on what this parser accepts (it signals a pid, deletes a
 * device, writes a sysctl), so a record that validates must print as one
 * line that reads back as the same record, and a refusal must say why.
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_record rec, back;
	char *line = malloc(size + 1), out[4 * JOURNAL_FIELD_MAX];
	const char *why;
	int n;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	why = journal_parse_line(line, &rec);
	free(line);
	if (why) {
		if (!*why)
			abort();
		return 0;
	}
	n = journal_format_record(&rec, out, sizeof(out));
	if (n <= 0 || out[n - 1] != '\n' || memchr(out, '\n', (size_t)n - 1))
		abort();
	out[n - 1] = '\0';
	if (journal_parse_line(out, &back) || memcmp(&rec, &back, sizeof(rec)))
		abort();
	return 0;
}
