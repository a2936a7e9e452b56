// SPDX-License-Identifier: MIT
/* lease_hash.c - the hash behind the lease store's MAC and host name chains, keyed per process */
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "netsetup/dhcp/lease_hash.h"

/*
 * Guests choose the keys: the chaddr of every DISCOVER (a slot keeps the
 * last MAC it was offered to) and their host names.  With a hash anyone can
 * compute, they could pick keys that all land on one chain, and then every
 * lookup on it walks every slot of a /16.  So the hash starts from a secret
 * drawn once per process, and a finalizer spreads every input bit over the
 * bits the chains are picked by.  Chains are never written anywhere, so the
 * key need not outlive the process.
 */
static uint32_t key(void)
{
	static uint32_t k;
	static bool drawn;

	if (!drawn) {
		if (getrandom(&k, sizeof(k), GRND_NONBLOCK) != (ssize_t)sizeof(k))
			k = (uint32_t)time(NULL) ^ (uint32_t)getpid() * 2654435761u;
		drawn = true;
	}
	return k;
}

/**
 * lease_hash() - Return: a keyed hash of @p (FNV-1a, then MurmurHash3's finalizer)
 * @p:		bytes
 * @n:		their number
 * @fold_case:	hash 'A'-'Z' as 'a'-'z' (host names compare so in DNS)
 */
uint32_t lease_hash(const uint8_t *p, size_t n, bool fold_case)
{
	uint32_t h = 2166136261u ^ key();

	for (size_t i = 0; i < n; i++) {
		uint8_t c = fold_case && p[i] >= 'A' && p[i] <= 'Z' ? p[i] | 0x20 : p[i];

		h = (h ^ c) * 16777619u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}
