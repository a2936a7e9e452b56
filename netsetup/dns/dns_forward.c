// SPDX-License-Identifier: MIT
/* dns_forward.c - the DNS forwarder the DHCP responder runs on the router address: sockets, UDP relay, bounds */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dns/dns_forward_int.h"
#include "netsetup/dns/dns_names.h"

#define DNS_PORT	53
#define UDP_BATCH	64	/* guest datagrams read per wake-up */
#define DROP_LOGS	10	/* dropped messages logged per second; the rest are counted */

/**
 * open_listener() - a socket of @type on the server address, port 53
 * @cfg:	configuration
 * @type:	SOCK_DGRAM or SOCK_STREAM
 *
 * It is bound to the server address alone, and every message is checked
 * for the interface it came in on (IP_PKTINFO; for TCP the SYN's, through
 * IP_PKTOPTIONS): Linux accepts a packet for any of its addresses on any
 * interface, so without the check a query from the uplink to 172.16.0.1
 * would be answered.  SO_BINDTODEVICE would do the same for one interface
 * but keeps the index it was given, and a TAP deleted and created again has
 * a new one; the check re-resolves names as the DHCP side does.
 * IP_FREEBIND: the address may be added after the responder starts.
 *
 * Return: the socket, or -1 with errno set.
 */
static int open_listener(const struct dhcp_config *cfg, int type)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET, .sin_port = htons(DNS_PORT), .sin_addr = cfg->server.addr,
	};
	int one = 1, fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (type == SOCK_STREAM && listen(fd, DNS_TCP_MAX))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/**
 * dns_forward_open() - bind port 53 on the server address and read the upstream servers
 * @cfg:	configuration; cfg->dns_forward must be set
 * @err:	set to errno when it fails
 *
 * Runs before the privilege drop (port 53 needs CAP_NET_BIND_SERVICE); the
 * resolv.conf is read now and again, as the unprivileged user, when it changes.
 *
 * Return: the forwarder, or NULL with the reason logged.
 */
struct dns_forward *dns_forward_open(const struct dhcp_config *cfg, int *err)
{
	struct dns_forward *fw = calloc(1, sizeof(*fw));

	*err = ENOMEM;
	if (!fw)
		return NULL;
	fw->cfg = cfg;
	fw->tcp = -1;
	fw->refreshed = -1;
	for (size_t i = 0; i < DNS_TCP_MAX; i++)
		fw->conn[i].gfd = fw->conn[i].ufd = -1;
	fw->udp = open_listener(cfg, SOCK_DGRAM);
	if (fw->udp >= 0)
		fw->tcp = open_listener(cfg, SOCK_STREAM);
	if (fw->udp < 0 || fw->tcp < 0) {
		*err = errno;
		log_err("cannot listen for DNS on %s port 53: %s", inet_ntoa(cfg->server.addr),
			strerror(errno));
		if (*err == EADDRINUSE)
			log_hint("another DNS server (dnsmasq?) holds it; stop it, or turn the forwarder "
				 "off with --no-dns and give guests a server with --dhcp-dns");
		dns_forward_close(fw);
		return NULL;
	}
	dns_upstream_init(&fw->up, cfg->resolv_conf, cfg->server.addr);
	log_info("DNS forwarder on %s port 53 (UDP and TCP), for %s%s only",
		 inet_ntoa(cfg->server.addr), cfg->ifaces[0], cfg->n_ifaces > 1 ? " and the other served interfaces" : "");
	return fw;
}

/**
 * dns_forward_set_leases() - answer the guests' DHCP host names from @leases from now on
 * @fw:		forwarder
 * @leases:	the responder's lease store, which outlives @fw's use of it
 *
 * The store opens after the forwarder binds port 53 (both before the
 * privilege drop), hence a setter rather than an argument to dns_forward_open().
 */
void dns_forward_set_leases(struct dns_forward *fw, const struct lease_store *leases)
{
	fw->leases = leases;
}

/**
 * dns_served_ifindex() - whether a message that came in on @ifindex may be answered
 * @fw:		forwarder
 * @ifindex:	from IP_PKTINFO or IP_PKTOPTIONS
 * @now:	wall clock, seconds
 *
 * A miss re-resolves the names, at most once a second, so a flood from the
 * uplink costs no more than that.
 *
 * Return: true if @ifindex is one of the served interfaces.
 */
bool dns_served_ifindex(struct dns_forward *fw, int ifindex, int64_t now)
{
	for (int pass = 0; pass < 2 && ifindex > 0; pass++) {
		for (size_t i = 0; i < fw->cfg->n_ifaces; i++)
			if (fw->ifindex[i] == (unsigned int)ifindex)
				return true;
		if (pass || fw->refreshed == now)
			break;
		fw->refreshed = now;
		for (size_t i = 0; i < fw->cfg->n_ifaces; i++)
			fw->ifindex[i] = if_nametoindex(fw->cfg->ifaces[i]);
	}
	return false;
}

/**
 * dns_log_drop() - log a dropped message, at most DROP_LOGS a second
 * @fw:		forwarder
 * @from:	its sender (a guest, or 0.0.0.0 for an upstream server)
 * @what:	"query" or "answer"
 * @why:	the reason
 * @now:	wall clock, seconds
 */
void dns_log_drop(struct dns_forward *fw, struct in_addr from, const char *what, const char *why,
		  int64_t now)
{
	if (log_burst_allow(&fw->drops, now, DROP_LOGS, "DNS messages dropped"))
		log_info("DNS: dropped a%s %s%s%s: %s", *what == 'a' ? "n" : "", what,
			 from.s_addr ? " from " : "", from.s_addr ? inet_ntoa(from) : "", why);
}

/**
 * dns_random_id() - Return: a transaction id no off-path sender can guess
 */
uint16_t dns_random_id(void)
{
	return (uint16_t)arc4random();
}

/**
 * reply_guest() - send one answer from port 53 to a guest, out of the interface it asked on
 * @fw:		forwarder
 * @to:		the guest
 * @ifindex:	interface
 * @buf:	answer
 * @len:	its length
 */
static void reply_guest(struct dns_forward *fw, const struct sockaddr_in *to, int ifindex,
			const uint8_t *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_namelen = sizeof(*to), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct in_pktinfo pi = { .ipi_ifindex = ifindex, .ipi_spec_dst = fw->cfg->server.addr };
	struct cmsghdr *c;

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(fw->udp, &mh, MSG_NOSIGNAL) < 0)
		log_info("DNS: cannot answer %s: %s", inet_ntoa(to->sin_addr), strerror(errno));
}

/* free_pending() - close @p's socket and free its slot */
static void free_pending(struct pending *p)
{
	if (p->used)
		close(p->fd);
	p->used = false;
}

/**
 * send_upstream() - send @p's query to server @p->server from a fresh socket, with a fresh id
 * @fw:		forwarder
 * @p:		pending query
 * @now:	wall clock, seconds
 *
 * A new socket per try gets a new random source port from the kernel, and
 * connect() makes the kernel drop datagrams from anyone but that server.
 *
 * Return: 0, or -1 (the slot is then freed).
 */
static int send_upstream(struct dns_forward *fw, struct pending *p, int64_t now)
{
	const struct sockaddr_storage *srv = &fw->up.addr[p->server];

	free_pending(p);
	p->fd = socket(srv->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	p->used = p->fd >= 0;
	p->up_id = dns_random_id();
	dns_set_id(p->query, p->up_id);
	if (p->fd < 0 || connect(p->fd, (const struct sockaddr *)srv, fw->up.addr_len[p->server]) ||
	    send(p->fd, p->query, p->qlen, MSG_NOSIGNAL) < 0) {
		log_info("DNS: cannot send a query upstream: %s", strerror(errno));
		free_pending(p);
		return -1;
	}
	p->deadline = now + DNS_UDP_TRY_SECONDS;
	return 0;
}

/**
 * take_slot() - a free pending slot for a query from @guest, within its share
 * @fw:		forwarder
 * @guest:	source address
 *
 * One guest holds at most DNS_PENDING_PER_GUEST slots.  When every slot is
 * taken, the oldest query of the guest holding the most gives way, if that
 * guest holds more than this one would: a flood from a few guests cannot
 * keep another guest's query out.
 *
 * Return: the slot, or NULL when the query must be dropped.
 */
static struct pending *take_slot(struct dns_forward *fw, struct in_addr guest)
{
	size_t mine = 0, free_slot = DNS_PENDING_MAX, victim = DNS_PENDING_MAX, most = 0;
	size_t count[DNS_PENDING_MAX];

	for (size_t i = 0; i < DNS_PENDING_MAX; i++) {
		const struct pending *p = &fw->pend[i];

		count[i] = 0;
		if (!p->used) {
			free_slot = i;
			continue;
		}
		if (p->guest.sin_addr.s_addr == guest.s_addr)
			mine++;
	}
	if (mine >= DNS_PENDING_PER_GUEST)
		return NULL;
	if (free_slot < DNS_PENDING_MAX)
		return &fw->pend[free_slot];
	/* Full: count per source (quadratic in a bounded table, and only when full). */
	for (size_t i = 0; i < DNS_PENDING_MAX; i++) {
		for (size_t j = 0; j < DNS_PENDING_MAX; j++)
			if (fw->pend[j].guest.sin_addr.s_addr == fw->pend[i].guest.sin_addr.s_addr)
				count[i]++;
		if (count[i] > most || (count[i] == most && victim < DNS_PENDING_MAX &&
					fw->pend[i].guest.sin_addr.s_addr == fw->pend[victim].guest.sin_addr.s_addr &&
					fw->pend[i].seq < fw->pend[victim].seq)) {
			most = count[i];
			victim = i;
		}
	}
	if (victim == DNS_PENDING_MAX || most <= mine + 1)
		return NULL;
	free_pending(&fw->pend[victim]);
	return &fw->pend[victim];
}

/**
 * answer_servfail() - answer a checked query with SERVFAIL: no upstream server to ask, or none answered
 * @fw:		forwarder
 * @query:	query
 * @len:	its length
 * @q:		its question
 * @to:		the guest
 * @ifindex:	interface
 */
static void answer_servfail(struct dns_forward *fw, const uint8_t *query, size_t len,
			    const struct dns_question *q, const struct sockaddr_in *to, int ifindex)
{
	uint8_t out[DNS_QUERY_MAX];
	size_t n = dns_build_servfail(query, len, q, out, sizeof(out));

	if (n)
		reply_guest(fw, to, ifindex, out, n);
}

/**
 * guest_query() - read one datagram on port 53 and relay it
 * @fw:		forwarder
 * @now:	wall clock, seconds
 *
 * Return: 1 if a datagram was read, 0 when none is waiting.
 */
static int guest_query(struct dns_forward *fw, int64_t now)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_in from;
	struct iovec iov = { .iov_base = fw->msg, .iov_len = DNS_QUERY_MAX + 1 };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	const struct in_pktinfo *pi = NULL;
	uint8_t out[DNS_QUERY_MAX];
	struct dns_question q;
	struct pending *p;
	size_t len;
	ssize_t n = recvmsg(fw->udp, &mh, 0);
	int err;

	if (n < 0)
		return errno == EINTR;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			pi = (const struct in_pktinfo *)(const void *)CMSG_DATA(c);
	/* Not from a served interface (the uplink, say): no answer at all, never an open resolver. */
	if (!pi || !dns_served_ifindex(fw, pi->ipi_ifindex, now))
		return 1;
	if ((err = dns_parse_query(fw->msg, (size_t)n, &q))) {
		dns_log_drop(fw, from.sin_addr, "query", dns_parse_error(err), now);
		return 1;
	}
	if ((len = dns_names_answer(fw->cfg, fw->leases, fw->msg, (size_t)n, &q, now, out,
				    sizeof(out)))) {
		reply_guest(fw, &from, pi->ipi_ifindex, out, len);
		return 1;
	}
	if (!fw->up.n) {
		answer_servfail(fw, fw->msg, (size_t)n, &q, &from, pi->ipi_ifindex);
		return 1;
	}
	if (!(p = take_slot(fw, from.sin_addr))) {
		dns_log_drop(fw, from.sin_addr, "query", "too many of its queries are outstanding", now);
		return 1;
	}
	p->guest = from;
	p->ifindex = pi->ipi_ifindex;
	p->guest_id = dns_get_id(fw->msg);
	p->q = q;
	p->qlen = (size_t)n;
	p->server = 0;
	p->seq = ++fw->seq;
	memcpy(p->query, fw->msg, (size_t)n);
	send_upstream(fw, p, now);
	return 1;
}

/**
 * upstream_answer() - read one answer on @p's socket and, if it is @p's, relay it
 * @fw:		forwarder
 * @p:		pending query
 * @now:	wall clock, seconds
 *
 * An answer must carry the id sent and repeat the question; anything else
 * (malformed, a stale or forged answer) is dropped and the query keeps waiting.
 */
static void upstream_answer(struct dns_forward *fw, struct pending *p, int64_t now)
{
	static const struct in_addr upstream = { 0 };
	struct dns_question q;
	ssize_t n = recv(p->fd, fw->msg, sizeof(fw->msg), 0);
	int err;

	if (n < 0) {
		/* ICMP port unreachable: this server is not listening; try the next at once. */
		if (errno == ECONNREFUSED)
			p->deadline = now;
		return;
	}
	if ((err = dns_parse_answer(fw->msg, (size_t)n, &q))) {
		dns_log_drop(fw, upstream, "answer", dns_parse_error(err), now);
		return;
	}
	if (dns_get_id(fw->msg) != p->up_id || !dns_question_equal(&q, &p->q)) {
		dns_log_drop(fw, upstream, "answer", "its id or question does not match the query", now);
		return;
	}
	dns_set_id(fw->msg, p->guest_id);
	reply_guest(fw, &p->guest, p->ifindex, fw->msg, (size_t)n);
	free_pending(p);
}

/**
 * tick() - time out queries, and follow resolv.conf
 * @fw:		forwarder
 * @now:	wall clock, seconds
 *
 * A query unanswered for DNS_UDP_TRY_SECONDS goes to the next server; after
 * the last the guest gets SERVFAIL, so it stops waiting (its own timeout
 * would be longer) and can tell a dead upstream from a lost datagram.
 */
static void tick(struct dns_forward *fw, int64_t now)
{
	dns_upstream_refresh(&fw->up, now);
	for (size_t i = 0; i < DNS_PENDING_MAX; i++) {
		struct pending *p = &fw->pend[i];

		if (!p->used || now < p->deadline)
			continue;
		if (++p->server < fw->up.n) {
			send_upstream(fw, p, now);
			continue;
		}
		/* send_upstream() put its own id in; the guest's goes back. */
		dns_set_id(p->query, p->guest_id);
		answer_servfail(fw, p->query, p->qlen, &p->q, &p->guest, p->ifindex);
		free_pending(p);
	}
	dns_tcp_tick(fw, now);
}

/**
 * dns_forward_fds() - the descriptors to poll, and for what
 * @fw:		forwarder
 * @pfd:	filled from the start
 * @max:	room in @pfd, at least DNS_FORWARD_FDS_MAX for every one to fit
 *
 * Return: the number of entries filled; pass it to dns_forward_ready().
 */
size_t dns_forward_fds(struct dns_forward *fw, struct pollfd *pfd, size_t max)
{
	size_t n = 0;

	if (max > DNS_FORWARD_FDS_MAX)
		max = DNS_FORWARD_FDS_MAX;
	if (n < max) {
		pfd[n] = (struct pollfd){ .fd = fw->udp, .events = POLLIN };
		fw->kind[n++] = S_UDP;
	}
	if (n < max) {
		pfd[n] = (struct pollfd){ .fd = fw->tcp, .events = POLLIN };
		fw->kind[n++] = S_TCP_LISTEN;
	}
	for (size_t i = 0; i < DNS_PENDING_MAX && n < max; i++) {
		if (!fw->pend[i].used)
			continue;
		pfd[n] = (struct pollfd){ .fd = fw->pend[i].fd, .events = POLLIN };
		fw->kind[n] = S_PENDING;
		fw->index[n++] = i;
	}
	for (size_t i = 0; i < DNS_TCP_MAX && n < max; i++) {
		if (fw->conn[i].state == T_FREE)
			continue;
		pfd[n] = (struct pollfd){ .fd = dns_tcp_fd(&fw->conn[i]), .events = dns_tcp_events(&fw->conn[i]) };
		fw->kind[n] = S_CONN;
		fw->index[n++] = i;
	}
	return n;
}

/**
 * dns_forward_ready() - serve what poll() found, then time out what waited too long
 * @fw:		forwarder
 * @pfd:	as filled by dns_forward_fds(), with revents
 * @n:		its return value
 * @now:	wall clock, seconds
 *
 * Called after every poll(), timed out or not.
 */
void dns_forward_ready(struct dns_forward *fw, const struct pollfd *pfd, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		switch (fw->kind[i]) {
		case S_UDP:
			for (int k = 0; k < UDP_BATCH && guest_query(fw, now); k++)
				;
			break;
		case S_TCP_LISTEN:
			dns_tcp_accept(fw, now);
			break;
		case S_PENDING:
			if (fw->pend[fw->index[i]].used && fw->pend[fw->index[i]].fd == pfd[i].fd)
				upstream_answer(fw, &fw->pend[fw->index[i]], now);
			break;
		case S_CONN:
			if (dns_tcp_fd(&fw->conn[fw->index[i]]) == pfd[i].fd)
				dns_tcp_ready(fw, &fw->conn[fw->index[i]], now);
			break;
		}
	}
	tick(fw, now);
}

/**
 * dns_forward_close() - close every socket and free the forwarder
 * @fw:		forwarder, or NULL
 */
void dns_forward_close(struct dns_forward *fw)
{
	if (!fw)
		return;
	for (size_t i = 0; i < DNS_PENDING_MAX; i++)
		free_pending(&fw->pend[i]);
	for (size_t i = 0; i < DNS_TCP_MAX; i++)
		dns_tcp_close(&fw->conn[i]);
	if (fw->udp >= 0)
		close(fw->udp);
	if (fw->tcp >= 0)
		close(fw->tcp);
	free(fw);
}
