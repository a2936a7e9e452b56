/* SPDX-License-Identifier: MIT */
/* sysctl.h - reading and writing the sysctls `up` changes, through /proc/sys */
#ifndef REDOX_NET_SYSCTL_H
#define REDOX_NET_SYSCTL_H

#include <stddef.h>

#define SYSCTL_IP_FORWARD "net/ipv4/ip_forward"

int sysctl_read(const char *key, char *value, size_t size);
int sysctl_write(const char *key, const char *value);

#endif
