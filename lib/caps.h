/* SPDX-License-Identifier: MIT */
/* caps.h - capability handling for the root-run programs (libcap-ng) */
#ifndef REDOX_NET_CAPS_H
#define REDOX_NET_CAPS_H

#include <stdbool.h>

bool caps_have(int cap);
bool caps_have_net_admin(void);
int caps_keep_only(const int *caps, int ncaps);

#endif
