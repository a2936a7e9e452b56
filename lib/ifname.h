/* SPDX-License-Identifier: MIT */
/* ifname.h - interface name validation: validated, never truncated */
#ifndef REDOX_NET_IFNAME_H
#define REDOX_NET_IFNAME_H

#include <stdbool.h>

/* IFNAMSIZ is 16 including the NUL, so a name holds at most 15 characters. */
#define RN_IFNAME_MAX 15

const char *ifname_problem(const char *name);
bool ifname_is_valid(const char *name);

#endif
