/* SPDX-License-Identifier: MIT */
/* dhcp_activation.h - the DHCP responder's port 67 socket passed by a service manager (socket activation) */
#ifndef REDOX_NET_DHCP_ACTIVATION_H
#define REDOX_NET_DHCP_ACTIVATION_H

#define DHCP_NOT_ACTIVATED	(-2)	/* no socket was passed: bind one */

int dhcp_activated_socket(void);

#endif
