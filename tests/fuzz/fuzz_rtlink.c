// SPDX-License-Identifier: MIT
/* fuzz_rtlink.c - libFuzzer harness: the setuid helper's reader of RTM_NEWLINK messages and of its alias records */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/link_state.h"
#include "lib/rtlink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string the reader fills must end inside its array. */
static void check_terminated(const char *s, size_t size)
{
	if (!memchr(s, '\0', size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct link_state l;
	uint32_t uid;
	/* A copy, aligned as the receive buffer is: netlink messages are 4-byte aligned. */
	uint32_t *buf = malloc(size + 4);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (rtlink_parse(buf, size, &l) == 0) {
		check_terminated(l.name, sizeof(l.name));
		check_terminated(l.kind, sizeof(l.kind));
		check_terminated(l.alias, sizeof(l.alias));
		if (!l.name[0])
			abort();
		/* A record reads back as what wrote it. */
		if (link_alias_owner(&l, &uid)) {
			char again[LINK_ALIAS_MAX];

			if (link_alias_for(uid, again) || strcmp(again, l.alias))
				abort();
		}
		(void)link_is_tap(&l);
	}
	free(buf);
	return 0;
}
