/* SPDX-License-Identifier: MIT */
/* lease_hash.h - the hash behind the lease store's MAC and host name chains, keyed per process */
#ifndef REDOX_NET_LEASE_HASH_H
#define REDOX_NET_LEASE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint32_t lease_hash(const uint8_t *p, size_t n, bool fold_case);

#endif
