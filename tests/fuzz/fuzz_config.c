// SPDX-License-Identifier: MIT
/* fuzz_config.c - libFuzzer harness: config_parse_buffer() for every subcommand, then config_dhcp() */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ifname.h"
#include "lib/log.h"
#include "netsetup/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * check_settings() - what a file that parsed may have set
 * @cfg:	settings after config_parse_buffer() succeeded
 *
 * Every setter validates before it stores, so whatever the file said, the
 * names are valid, the counts in range and the strings terminated.
 */
static void check_settings(const struct netsetup_config *cfg)
{
	struct dhcp_config dhcp;

	if (!ifname_is_valid(cfg->tap) || cfg->queues < 1 || cfg->queues > RN_MAX_QUEUES ||
	    cfg->run_dir[0] != '/' || !memchr(cfg->run_dir, '\0', sizeof(cfg->run_dir)) ||
	    (cfg->uplink[0] && !ifname_is_valid(cfg->uplink)) ||
	    (cfg->macvtap[0] && !ifname_is_valid(cfg->macvtap)) ||
	    (cfg->link[0] && !ifname_is_valid(cfg->link)))
		abort();
	/* The responder's settings meet the TAP's here: any mix must be judged, not crash. */
	config_dhcp(cfg, &dhcp);
}

/**
 * LLVMFuzzerTestOneInput() - read the input as a config file, once per subcommand
 * @data:	file contents; a NUL ends them early, as the loader refuses NULs
 * @size:	their length
 *
 * Each subcommand applies a different set of keys and ignores the rest.
 * Errors print FILE:LINE to stderr, which is left on: it runs the formatting.
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int commands[] = { FOR_UP, FOR_DOWN, FOR_STATUS, FOR_DOCTOR, FOR_DHCP };
	static struct netsetup_config cfg;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		config_defaults(&cfg);
		if (config_parse_buffer(&cfg, text, "fuzz.conf", commands[i]) == 0)
			check_settings(&cfg);
	}
	free(text);
	return 0;
}
