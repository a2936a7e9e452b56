/* SPDX-License-Identifier: MIT */
/* status_leases.h - `status`: the responder's lease journal, read without disturbing it */
#ifndef REDOX_NET_STATUS_LEASES_H
#define REDOX_NET_STATUS_LEASES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct lease_want - one MAC whose lease status looks up
 * @mac:	the guest's MAC (in)
 * @found:	the journal binds an address to it (out)
 * @ip:		that address (out)
 * @expires:	the lease's end, wall clock seconds (out)
 */
struct lease_want {
	uint8_t mac[6];
	bool found;
	struct in_addr ip;
	int64_t expires;
};

/**
 * struct lease_read - what reading the journal found
 * @records:	records applied
 * @damaged:	lines that did not parse (the responder skips them too)
 * @torn:	the last line had no newline: an append in progress, left out
 */
struct lease_read {
	unsigned int records, damaged;
	bool torn;
};

int status_leases_lookup(const char *dir, struct lease_want *want, size_t n,
			 struct lease_read *out);

#endif
