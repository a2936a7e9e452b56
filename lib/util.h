/* SPDX-License-Identifier: MIT */
/* util.h - small helpers every program uses */
#ifndef REDOX_NET_UTIL_H
#define REDOX_NET_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
