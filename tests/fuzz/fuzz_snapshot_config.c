// SPDX-License-Identifier: MIT
/* fuzz_snapshot_config.c - libFuzzer harness: snap_config_parse() over a snapshot's config.json */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runner/snapshot_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * check_config() - what a config that parsed may hold
 * @cfg:	the result of a successful snap_config_parse()
 *
 * Whatever the file said, the counts are within their limits and every id
 * is terminated, printable ASCII, and short enough for net_fds=[ID@[...]].
 */
static void check_config(const struct snap_config *cfg)
{
	if (cfg->nnets > SNAP_MAX_NETS)
		abort();
	for (unsigned int i = 0; i < cfg->nnets; i++) {
		const struct snap_net *n = &cfg->nets[i];
		size_t len = strnlen(n->id, SNAP_ID_MAX);

		if (len >= SNAP_ID_MAX || n->nfds > SNAP_MAX_FDS || (n->nfds && !n->has_fds) ||
		    n->num_queues < 1 || n->num_queues > 2 * SNAP_MAX_FDS)
			abort();
		for (size_t c = 0; c < len; c++)
			if (n->id[c] < 0x21 || n->id[c] > 0x7e)
				abort();
	}
}

/**
 * LLVMFuzzerTestOneInput() - parse the input as config.json, from a copy of exactly its size
 * @data:	file contents
 * @size:	their length
 *
 * The copy is heap-allocated to its exact length, so ASan catches any read
 * one byte past the end: the parser must never rely on a terminating NUL.
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snap_config cfg;
	char why[160];
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (snap_config_parse(copy, size, &cfg, why, sizeof(why)) == 0)
		check_config(&cfg);
	else if (!memchr(why, '\0', sizeof(why)))
		abort();
	free(copy);
	return 0;
}
