/* SPDX-License-Identifier: MIT */
/* dns_upstream.h - the DNS forwarder's upstream servers: read from resolv.conf, followed as it changes */
#ifndef REDOX_NET_DNS_UPSTREAM_H
#define REDOX_NET_DNS_UPSTREAM_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#define DNS_UPSTREAM_MAX	3	/* MAXNS: what the host's own resolver uses */
#define DNS_RESOLV_CONF_MAX	65536	/* bytes read from the file */

/**
 * struct dns_upstream - where queries go, and what the file looked like when read
 * @path:	resolv.conf to follow
 * @self:	the forwarder's own address, never an upstream (it would loop)
 * @addr:	usable servers, in the file's order
 * @addr_len:	length of each of @addr
 * @n:		number of @addr
 * @dev:	the file's device when read
 * @ino:	its inode (a new file, e.g. a new symlink target, has another)
 * @mtime:	its modification time
 * @size:	its size
 * @seen:	the stat fields are valid (the file existed at the last check)
 * @checked:	second of the last check, so it is stat()ed at most once a second
 * @warned:	the current content's problem was logged (once per change)
 */
struct dns_upstream {
	char path[PATH_MAX];
	struct in_addr self;
	struct sockaddr_storage addr[DNS_UPSTREAM_MAX];
	socklen_t addr_len[DNS_UPSTREAM_MAX];
	size_t n;
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
	bool seen;
	int64_t checked;
	bool warned;
};

size_t dns_upstream_parse(const char *text, struct in_addr self, struct sockaddr_storage *out,
			  socklen_t *out_len, size_t max);
void dns_upstream_init(struct dns_upstream *u, const char *path, struct in_addr self);
void dns_upstream_refresh(struct dns_upstream *u, int64_t now);

#endif
