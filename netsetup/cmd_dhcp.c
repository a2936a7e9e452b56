// SPDX-License-Identifier: MIT
/* cmd_dhcp.c - `redox-netsetup dhcp`: the DHCP responder in the foreground, for a service manager */
#include "lib/exitcodes.h"
#include "netsetup/commands.h"
#include "netsetup/config.h"
#include "netsetup/dhcp/dhcp_loop.h"

/**
 * dhcp_main() - `redox-netsetup dhcp [OPTION]...`
 * @argc:	argument count, argv[0] = "dhcp"
 * @argv:	arguments
 *
 * Serves --tap from --address until SIGTERM, with the same settings (and the
 * same config file) as `up --dhcp`.  main() has already left only CAPS_DHCP;
 * dhcp_serve() drops those too once port 67 is bound and the leases are open.
 *
 * Return: RN_EXIT_* code.
 */
int dhcp_main(int argc, char *argv[])
{
	struct netsetup_config cfg;
	struct dhcp_config dhcp;
	int rc;

	rc = config_parse(&cfg, argc, argv, FOR_DHCP, "Usage: redox-netsetup dhcp [OPTION]...");
	if (rc >= 0)
		return rc;
	rc = config_dhcp(&cfg, &dhcp);
	if (rc || cfg.check)
		return rc;
	return dhcp_serve(&dhcp, -1);
}
