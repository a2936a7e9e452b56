/* SPDX-License-Identifier: MIT */
/* lease_record.h - one line of the lease journal: its text form, written and checked */
#ifndef REDOX_NET_LEASE_RECORD_H
#define REDOX_NET_LEASE_RECORD_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define LEASE_RECORD_MAX	512	/* longest valid record is about 310 bytes */
#define LEASE_RECORD_HOST_MAX	63

enum lease_record_kind {
	LEASE_REC_BIND,		/* bind MAC IP EXPIRES HOSTNAME */
	LEASE_REC_RELEASE,	/* release MAC IP */
	LEASE_REC_DECLINE,	/* decline IP UNTIL */
};

/**
 * struct lease_record - one journal record
 * @kind:		enum lease_record_kind
 * @mac:		client (bind, release)
 * @ip:			address
 * @time:		lease end (bind) or end of the quarantine (decline), wall clock seconds
 * @hostname_len:	bytes in @hostname (bind), 0 for none
 * @hostname:		raw client hostname; written escaped
 */
struct lease_record {
	uint8_t kind;
	uint8_t mac[6];
	struct in_addr ip;
	int64_t time;
	uint8_t hostname_len;
	uint8_t hostname[LEASE_RECORD_HOST_MAX];
};

size_t lease_record_format(const struct lease_record *r, char out[LEASE_RECORD_MAX]);
const char *lease_record_parse(const char *line, struct lease_record *out);

#endif
