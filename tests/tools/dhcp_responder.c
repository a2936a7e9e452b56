// SPDX-License-Identifier: MIT
/* dhcp_responder.c - run dhcp_serve() with KEY=VALUE options, for tests before the CLI wires it */
#include <stdio.h>

#include "lib/exitcodes.h"
#include "lib/log.h"
#include "netsetup/dhcp/dhcp_config.h"
#include "netsetup/dhcp/dhcp_loop.h"

int main(int argc, char **argv)
{
	struct dhcp_config cfg;

	log_init("dhcp_responder");
	dhcp_config_defaults(&cfg);
	for (int i = 1; i < argc; i++) {
		const char *why = dhcp_config_set_option(&cfg, argv[i]);

		if (why) {
			fprintf(stderr, "dhcp_responder: %s: %s\n", argv[i], why);
			return RN_EXIT_USAGE;
		}
	}
	return dhcp_serve(&cfg, -1);
}
