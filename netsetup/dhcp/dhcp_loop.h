/* SPDX-License-Identifier: MIT */
/* dhcp_loop.h - the DHCP responder's socket, privilege drop and event loop */
#ifndef REDOX_NET_DHCP_LOOP_H
#define REDOX_NET_DHCP_LOOP_H

#include "netsetup/dhcp/dhcp_config.h"

int dhcp_serve(const struct dhcp_config *cfg, int ready_fd);

#endif
