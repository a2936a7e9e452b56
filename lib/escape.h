/* SPDX-License-Identifier: MIT */
/* escape.h - make untrusted bytes safe to print in logs, files and JSON */
#ifndef REDOX_NET_ESCAPE_H
#define REDOX_NET_ESCAPE_H

#include <stddef.h>

size_t escape_text(char *out, size_t outsz, const void *in, size_t inlen);
size_t escape_json(char *out, size_t outsz, const char *in);

#endif
