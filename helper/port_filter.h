/* SPDX-License-Identifier: MIT */
/* port_filter.h - the setuid helper's one write to the bridge port filter: a port's guest MAC */
#ifndef REDOX_NET_PORT_FILTER_H
#define REDOX_NET_PORT_FILTER_H

#include <stdint.h>

int port_filter_bind(const char *port, const uint8_t mac[6]);

#endif
