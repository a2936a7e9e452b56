/* SPDX-License-Identifier: MIT */
/* dhcp_socket.h - the DHCP responder's port 67 socket: bound here, or passed by a service manager */
#ifndef REDOX_NET_DHCP_SOCKET_H
#define REDOX_NET_DHCP_SOCKET_H

#define DHCP_NOT_ACTIVATED	(-2)	/* no socket was passed: bind one */

/*
 * Bytes asked of the kernel for the receive queue (it doubles them): about 1,800
 * requests of a burst wait there instead of being dropped, where the default
 * (212,992 bytes) held about 90.  Only what is queued costs memory.
 */
#define DHCP_RCVBUF		(2 << 20)

int dhcp_activated_socket(void);
int dhcp_open_socket(void);

#endif
