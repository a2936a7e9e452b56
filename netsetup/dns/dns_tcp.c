// SPDX-License-Identifier: MIT
/* dns_tcp.c - the DNS forwarder's TCP side: a guest's query over TCP goes upstream over TCP */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "netsetup/dns/dns_forward_int.h"
#include "netsetup/dns/dns_names.h"

#define BUF_SIZE	(DNS_MSG_MAX + 2)

/**
 * dns_tcp_close() - close a connection, its upstream one too, and free its buffer
 * @c:		connection
 */
void dns_tcp_close(struct tcp_conn *c)
{
	if (c->gfd >= 0)
		close(c->gfd);
	if (c->ufd >= 0)
		close(c->ufd);
	free(c->buf);
	*c = (struct tcp_conn){ .state = T_FREE, .gfd = -1, .ufd = -1 };
}

/**
 * ingress_ifindex() - the interface a TCP connection's packets came in on
 * @fd:		accepted socket; the listener had IP_PKTINFO set
 *
 * IP_PKTOPTIONS on a TCP socket returns IP_PKTINFO with the index the
 * kernel saved from the handshake's packet (its mc_index).
 *
 * Return: the index, or 0 when unknown.
 */
static int ingress_ifindex(int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) + 64];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_control = ctl.buf };
	socklen_t len = sizeof(ctl.buf);

	if (getsockopt(fd, IPPROTO_IP, IP_PKTOPTIONS, ctl.buf, &len))
		return 0;
	mh.msg_controllen = len;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return pi.ipi_ifindex;
		}
	return 0;
}

/**
 * dns_tcp_accept() - take the waiting connections, within the bounds
 * @fw:		forwarder
 * @now:	wall clock, seconds
 *
 * A connection from an interface we do not serve is closed unread.  One
 * source address holds at most DNS_TCP_PER_GUEST connections, all guests
 * DNS_TCP_MAX; beyond that new connections are closed, and old ones end
 * after DNS_TCP_SECONDS idle.
 */
void dns_tcp_accept(struct dns_forward *fw, int64_t now)
{
	for (int k = 0; k < DNS_TCP_MAX; k++) {
		struct sockaddr_in from = { .sin_family = AF_UNSPEC };
		socklen_t flen = sizeof(from);
		int fd = accept4(fw->tcp, (struct sockaddr *)&from, &flen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		size_t mine = 0, slot = DNS_TCP_MAX;

		if (fd < 0)
			return;
		if (!dns_served_ifindex(fw, ingress_ifindex(fd), now)) {
			close(fd);
			continue;
		}
		for (size_t i = 0; i < DNS_TCP_MAX; i++) {
			if (fw->conn[i].state == T_FREE)
				slot = i;
			else if (fw->conn[i].guest.s_addr == from.sin_addr.s_addr)
				mine++;
		}
		if (slot == DNS_TCP_MAX || mine >= DNS_TCP_PER_GUEST) {
			dns_log_drop(fw, from.sin_addr, "query", "too many TCP connections", now);
			close(fd);
			continue;
		}
		fw->conn[slot] = (struct tcp_conn){
			.state = T_READ_QUERY, .gfd = fd, .ufd = -1, .guest = from.sin_addr,
			.deadline = now + DNS_TCP_SECONDS, .buf = malloc(BUF_SIZE),
		};
		if (!fw->conn[slot].buf)
			dns_tcp_close(&fw->conn[slot]);
	}
}

/**
 * dns_tcp_fd() - Return: the socket @c waits on in its state
 * @c:		connection, not free
 */
int dns_tcp_fd(const struct tcp_conn *c)
{
	return c->state == T_READ_QUERY || c->state == T_WRITE_GUEST ? c->gfd : c->ufd;
}

/**
 * dns_tcp_events() - Return: what @c waits for on dns_tcp_fd()
 * @c:		connection, not free
 */
short dns_tcp_events(const struct tcp_conn *c)
{
	return c->state == T_READ_QUERY || c->state == T_READ_UP ? POLLIN : POLLOUT;
}

/**
 * connect_upstream() - open a TCP connection to server @c->server and queue the query for it
 * @fw:		forwarder
 * @c:		connection holding a checked query in @c->buf
 * @now:	wall clock, seconds
 *
 * Return: 0, or -1 when no server is left (or a socket cannot be made).
 */
static int connect_upstream(struct dns_forward *fw, struct tcp_conn *c, int64_t now)
{
	for (; c->server < fw->up.n; c->server++) {
		const struct sockaddr_storage *srv = &fw->up.addr[c->server];

		if (c->ufd >= 0)
			close(c->ufd);
		c->ufd = socket(srv->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->ufd < 0)
			return -1;
		if (!connect(c->ufd, (const struct sockaddr *)srv, fw->up.addr_len[c->server]) ||
		    errno == EINPROGRESS) {
			c->state = T_CONNECT;
			c->have = 0;
			c->deadline = now + DNS_TCP_SECONDS;
			return 0;
		}
	}
	return -1;
}

/**
 * answer_guest() - put @ans in @c->buf and send it to the guest next
 * @c:		connection
 * @ans:	the answer, without its length prefix
 * @n:		its length
 * @now:	wall clock, seconds
 */
static void answer_guest(struct tcp_conn *c, const uint8_t *ans, size_t n, int64_t now)
{
	memcpy(c->buf + 2, ans, n);
	c->buf[0] = (uint8_t)(n >> 8);
	c->buf[1] = (uint8_t)n;
	c->want = n + 2;
	c->have = 0;
	c->state = T_WRITE_GUEST;
	c->deadline = now + DNS_TCP_SECONDS;
}

/**
 * servfail() - put a SERVFAIL for the query in @c->buf and send it to the guest next
 * @c:		connection holding a checked query
 * @qlen:	the query's length, without its prefix
 * @now:	wall clock, seconds
 */
static void servfail(struct tcp_conn *c, size_t qlen, int64_t now)
{
	uint8_t out[DNS_QUERY_MAX];
	size_t n = dns_build_servfail(c->buf + 2, qlen, &c->q, out, sizeof(out));

	answer_guest(c, out, n, now);
}

/**
 * read_message() - read more of a length-prefixed message into @c->buf
 * @c:		connection
 * @fd:		socket to read
 * @max:	largest message accepted, prefix excluded
 *
 * Return: 1 when the whole message is in, 0 when more is to come, -1 on EOF,
 * an error, or a message over @max.
 */
static int read_message(struct tcp_conn *c, int fd, size_t max)
{
	size_t need = c->want ? c->want : 2;
	ssize_t n = recv(fd, c->buf + c->have, need - c->have, 0);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	c->have += (size_t)n;
	if (!c->want && c->have == 2) {
		size_t len = (size_t)(c->buf[0] << 8 | c->buf[1]);

		if (len < DNS_HDR_LEN || len > max)
			return -1;
		c->want = 2 + len;
	}
	return c->want && c->have == c->want;
}

/**
 * write_message() - write more of @c->buf[0..@c->want) to @fd
 * @c:		connection
 * @fd:		socket
 *
 * Return: 1 when all is written, 0 when more is to come, -1 on an error.
 */
static int write_message(struct tcp_conn *c, int fd)
{
	ssize_t n = send(fd, c->buf + c->have, c->want - c->have, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	c->have += (size_t)n;
	return c->have == c->want;
}

/**
 * got_query() - a whole query is in: check it, then answer a guest's own name, send it upstream, or answer SERVFAIL
 * @fw:		forwarder
 * @c:		connection
 * @now:	wall clock, seconds
 *
 * Return: 0, or -1 to close the connection (a malformed query).
 */
static int got_query(struct dns_forward *fw, struct tcp_conn *c, int64_t now)
{
	uint8_t out[DNS_QUERY_MAX];
	size_t n, len = c->want - 2;
	int err = dns_parse_query(c->buf + 2, len, &c->q);

	if (err) {
		dns_log_drop(fw, c->guest, "query", dns_parse_error(err), now);
		return -1;
	}
	if ((n = dns_names_answer(fw->cfg, fw->leases, c->buf + 2, len, &c->q, now, out,
				  sizeof(out)))) {
		answer_guest(c, out, n, now);
		return 0;
	}
	c->guest_id = dns_get_id(c->buf + 2);
	c->up_id = dns_random_id();
	dns_set_id(c->buf + 2, c->up_id);
	c->server = 0;
	if (!fw->up.n || connect_upstream(fw, c, now)) {
		dns_set_id(c->buf + 2, c->guest_id);
		servfail(c, len, now);
	}
	return 0;
}

/**
 * got_answer() - a whole answer is in: check it and send it to the guest
 * @fw:		forwarder
 * @c:		connection
 * @now:	wall clock, seconds
 *
 * Return: 0, or -1 to close the connection (a malformed or mismatched answer).
 */
static int got_answer(struct dns_forward *fw, struct tcp_conn *c, int64_t now)
{
	static const struct in_addr upstream = { 0 };
	struct dns_question q;
	int err = dns_parse_answer(c->buf + 2, c->want - 2, &q);

	if (!err && (dns_get_id(c->buf + 2) != c->up_id || !dns_question_equal(&q, &c->q)))
		err = -1;
	if (err) {
		dns_log_drop(fw, upstream, "answer", err < 0 ? "its id or question does not match the query"
				 : dns_parse_error(err), now);
		return -1;
	}
	dns_set_id(c->buf + 2, c->guest_id);
	close(c->ufd);
	c->ufd = -1;
	c->have = 0;
	c->state = T_WRITE_GUEST;
	c->deadline = now + DNS_TCP_SECONDS;
	return 0;
}

/**
 * step() - move @c on by what its socket is ready for
 * @fw:		forwarder
 * @c:		connection
 * @now:	wall clock, seconds
 *
 * Return: 0, or -1 to close the connection.
 */
static int step(struct dns_forward *fw, struct tcp_conn *c, int64_t now)
{
	int r, soerr = 0;
	socklen_t len = sizeof(soerr);

	switch (c->state) {
	case T_READ_QUERY:
		r = read_message(c, c->gfd, DNS_QUERY_MAX);
		return r <= 0 ? r : got_query(fw, c, now);
	case T_CONNECT:
		if (getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &soerr, &len) || soerr) {
			c->server++;
			return connect_upstream(fw, c, now);
		}
		c->state = T_WRITE_UP;
		c->have = 0;
		/* It is writable now. */
		__attribute__((fallthrough));
	case T_WRITE_UP:
		if ((r = write_message(c, c->ufd)) <= 0)
			return r;
		c->state = T_READ_UP;
		c->have = c->want = 0;
		return 0;
	case T_READ_UP:
		r = read_message(c, c->ufd, DNS_MSG_MAX);
		return r <= 0 ? r : got_answer(fw, c, now);
	case T_WRITE_GUEST:
		if ((r = write_message(c, c->gfd)) <= 0)
			return r;
		/* The guest may send another query on the same connection (RFC 7766). */
		c->state = T_READ_QUERY;
		c->have = c->want = 0;
		c->deadline = now + DNS_TCP_SECONDS;
		return 0;
	case T_FREE:
		break;
	}
	return -1;
}

/**
 * dns_tcp_ready() - serve a connection whose socket poll() found ready
 * @fw:		forwarder
 * @c:		connection
 * @now:	wall clock, seconds
 */
void dns_tcp_ready(struct dns_forward *fw, struct tcp_conn *c, int64_t now)
{
	if (step(fw, c, now))
		dns_tcp_close(c);
}

/**
 * dns_tcp_tick() - close connections whose step took longer than DNS_TCP_SECONDS
 * @fw:		forwarder
 * @now:	wall clock, seconds
 */
void dns_tcp_tick(struct dns_forward *fw, int64_t now)
{
	for (size_t i = 0; i < DNS_TCP_MAX; i++)
		if (fw->conn[i].state != T_FREE && now >= fw->conn[i].deadline)
			dns_tcp_close(&fw->conn[i]);
}
