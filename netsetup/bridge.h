/* SPDX-License-Identifier: MIT */
/* bridge.h - the bridge that carries the router address in bridge mode */
#ifndef REDOX_NET_BRIDGE_H
#define REDOX_NET_BRIDGE_H

struct nl_sock;

int bridge_create(struct nl_sock *sk, const char *name);
int bridge_route_ports(const char *name);

#endif
