// SPDX-License-Identifier: MIT
/* dns_upstream.c - the DNS forwarder's upstream servers: read from resolv.conf, followed as it changes */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dns/dns_upstream.h"

#define DNS_PORT 53

/**
 * usable4() - Return: true if @a may be queried: not 0.0.0.0, multicast, broadcast or @self
 * @a:		candidate, network order
 * @self:	the forwarder's own address: a query there comes back to us
 */
static bool usable4(struct in_addr a, struct in_addr self)
{
	uint32_t h = ntohl(a.s_addr);

	return h != 0 && !IN_MULTICAST(h) && h != INADDR_BROADCAST && a.s_addr != self.s_addr;
}

/**
 * dns_upstream_parse() - the usable "nameserver" addresses of a resolv.conf
 * @text:	file contents, NUL-terminated
 * @self:	the forwarder's own address, skipped
 * @out:	servers, port 53
 * @out_len:	length of each
 * @max:	room in @out
 *
 * Only "nameserver ADDRESS" lines count, as for the host's resolver (resolv.conf(5));
 * an address with a zone index (fe80::1%eth0) is skipped, as are 0.0.0.0, ::,
 * multicast and our own address.  The systemd-resolved stub, 127.0.0.53, is an
 * ordinary entry: the forwarder runs on the host, so it reaches it and resolved
 * keeps routing names per link and per VPN.
 *
 * Return: the number of servers stored.
 */
size_t dns_upstream_parse(const char *text, struct in_addr self, struct sockaddr_storage *out,
			  socklen_t *out_len, size_t max)
{
	size_t n = 0;

	for (const char *line = text; *line && n < max;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[128], word[16], addr[INET6_ADDRSTRLEN + 1];
		struct in_addr a4;
		struct in6_addr a6;

		if (len < sizeof(buf)) {
			memcpy(buf, line, len);
			buf[len] = '\0';
			if (sscanf(buf, " %15s %46s", word, addr) == 2 && !strcmp(word, "nameserver")) {
				memset(&out[n], 0, sizeof(out[n]));
				if (inet_pton(AF_INET, addr, &a4) == 1 && usable4(a4, self)) {
					struct sockaddr_in *s = (struct sockaddr_in *)&out[n];

					s->sin_family = AF_INET;
					s->sin_port = htons(DNS_PORT);
					s->sin_addr = a4;
					out_len[n++] = sizeof(*s);
				} else if (inet_pton(AF_INET6, addr, &a6) == 1 &&
					   !IN6_IS_ADDR_UNSPECIFIED(&a6) && !IN6_IS_ADDR_MULTICAST(&a6) &&
					   !IN6_IS_ADDR_LINKLOCAL(&a6)) {
					struct sockaddr_in6 *s = (struct sockaddr_in6 *)&out[n];

					s->sin6_family = AF_INET6;
					s->sin6_port = htons(DNS_PORT);
					s->sin6_addr = a6;
					out_len[n++] = sizeof(*s);
				}
			}
		}
		line += len + (nl ? 1 : 0);
	}
	return n;
}

/**
 * describe() - log which servers are now in use, or that none is
 * @u:		upstream set, just read
 * @why:	NULL, or why the file could not be read
 */
static void describe(struct dns_upstream *u, const char *why)
{
	char list[3 * (INET6_ADDRSTRLEN + 1)] = "", one[INET6_ADDRSTRLEN];

	if (why || !u->n) {
		log_warn("DNS forwarder: %s has no usable nameserver (%s): guests' queries get SERVFAIL "
			 "until it has one", u->path, why ? why : "no nameserver line with a usable address");
		log_hint("point --dns-resolv-conf at a resolv.conf that lists the host's resolvers, or "
			 "turn the forwarder off with --no-dns and give guests a server with --dhcp-dns");
		return;
	}
	for (size_t i = 0; i < u->n; i++) {
		const struct sockaddr_storage *s = &u->addr[i];
		const void *a = s->ss_family == AF_INET ?
				(const void *)&((const struct sockaddr_in *)s)->sin_addr :
				(const void *)&((const struct sockaddr_in6 *)s)->sin6_addr;

		inet_ntop(s->ss_family, a, one, sizeof(one));
		if (i)
			strcat(list, " ");
		strcat(list, one);
	}
	log_info("DNS forwarder: relaying to %s (from %s)", list, u->path);
}

/**
 * reload() - read the file again
 * @u:		upstream set
 */
static void reload(struct dns_upstream *u)
{
	static char text[DNS_RESOLV_CONF_MAX + 1];
	int fd = open(u->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t got = 0;
	ssize_t r = 0;

	if (fd < 0) {
		u->n = 0;
		describe(u, strerror(errno));
		return;
	}
	while (got < DNS_RESOLV_CONF_MAX && (r = read(fd, text + got, DNS_RESOLV_CONF_MAX - got)) > 0)
		got += (size_t)r;
	close(fd);
	text[got] = '\0';
	u->n = r < 0 ? 0 : dns_upstream_parse(text, u->self, u->addr, u->addr_len, DNS_UPSTREAM_MAX);
	describe(u, r < 0 ? strerror(errno) : NULL);
}

/**
 * dns_upstream_init() - read @path for the first time
 * @u:		upstream set to fill
 * @path:	resolv.conf, e.g. /etc/resolv.conf
 * @self:	the forwarder's own address
 */
void dns_upstream_init(struct dns_upstream *u, const char *path, struct in_addr self)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->path, sizeof(u->path), "%s", path);
	u->self = self;
	u->checked = -1;
	dns_upstream_refresh(u, 0);
}

/**
 * dns_upstream_refresh() - read the file again if it changed, checking at most once a second
 * @u:		upstream set
 * @now:	wall clock, seconds
 *
 * stat() follows the symlink, so a resolv.conf that NetworkManager or
 * resolvconf replaces (rename, a new inode) or rewrites in place (a new mtime
 * or size) is seen within a second.  A file that goes away leaves no server.
 */
void dns_upstream_refresh(struct dns_upstream *u, int64_t now)
{
	struct stat st;
	bool exists;

	if (now == u->checked)
		return;
	u->checked = now;
	exists = stat(u->path, &st) == 0;
	if (exists && u->seen && st.st_dev == u->dev && st.st_ino == u->ino && st.st_size == u->size &&
	    st.st_mtim.tv_sec == u->mtime.tv_sec && st.st_mtim.tv_nsec == u->mtime.tv_nsec)
		return;
	if (!exists && !u->seen && u->warned)
		return;
	u->seen = exists;
	if (exists) {
		u->dev = st.st_dev;
		u->ino = st.st_ino;
		u->size = st.st_size;
		u->mtime = st.st_mtim;
	}
	u->warned = true;
	reload(u);
}
