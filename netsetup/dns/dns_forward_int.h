/* SPDX-License-Identifier: MIT */
/* dns_forward_int.h - the DNS forwarder's state, shared by its UDP (dns_forward.c) and TCP (dns_tcp.c) halves */
#ifndef REDOX_NET_DNS_FORWARD_INT_H
#define REDOX_NET_DNS_FORWARD_INT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <time.h>

#include "lib/log.h"
#include "netsetup/dns/dns_forward.h"
#include "netsetup/dns/dns_msg.h"
#include "netsetup/dns/dns_upstream.h"

#define DNS_UDP_TRY_SECONDS	2	/* per upstream server, then the next one */
#define DNS_TCP_SECONDS		10	/* per step of a TCP exchange, and idle between queries */

/**
 * struct pending - one UDP query waiting for its upstream answer
 * @used:	the slot holds a query; zero is free, so a zeroed table needs no
 *		initialising and its pages stay untouched (not resident) until used
 * @fd:		its own socket, connected to the server (a fresh random source port), while @used
 * @guest:	who asked
 * @ifindex:	the interface it came in on; the answer leaves by it
 * @guest_id:	the guest's transaction id, put back into the answer
 * @up_id:	the random id sent upstream
 * @server:	index of the server being tried
 * @deadline:	when to try the next server, or give up
 * @seq:	arrival order, to find the oldest
 * @q:		the question, which the answer must repeat
 * @qlen:	length of @query
 * @query:	the query, kept to send it to the next server
 */
struct pending {
	bool used;
	int fd;
	struct sockaddr_in guest;
	int ifindex;
	uint16_t guest_id, up_id;
	size_t server;
	int64_t deadline;
	uint64_t seq;
	struct dns_question q;
	size_t qlen;
	uint8_t query[DNS_QUERY_MAX];
};

enum tcp_state { T_FREE, T_READ_QUERY, T_CONNECT, T_WRITE_UP, T_READ_UP, T_WRITE_GUEST };

/**
 * struct tcp_conn - one guest TCP connection and, while a query is out, its upstream one
 * @state:	what it waits for
 * @gfd:	the guest's socket
 * @ufd:	the upstream socket, or -1
 * @guest:	the guest's address
 * @guest_id:	the query's id, put back into the answer
 * @up_id:	the random id sent upstream
 * @server:	index of the server being tried
 * @deadline:	when this step times out
 * @q:		the question
 * @buf:	the message being read or written, its 2-byte length first (DNS_MSG_MAX + 2)
 * @have:	bytes of @buf read or written so far
 * @want:	bytes of @buf the step needs (0 until the length prefix is read)
 */
struct tcp_conn {
	enum tcp_state state;
	int gfd, ufd;
	struct in_addr guest;
	uint16_t guest_id, up_id;
	size_t server;
	int64_t deadline;
	struct dns_question q;
	uint8_t *buf;
	size_t have, want;
};

enum slot_kind { S_UDP, S_TCP_LISTEN, S_PENDING, S_CONN };

/**
 * struct dns_forward - the running forwarder
 * @cfg:	the responder's configuration: interfaces and server address
 * @leases:	the responder's leases, for the guests' own names; NULL for none
 * @udp:	UDP socket on the server address, port 53
 * @tcp:	listening TCP socket on the same
 * @ifindex:	index of each served interface, 0 when it does not exist
 * @refreshed:	second the interface names were last resolved
 * @up:		upstream servers
 * @pend:	UDP queries upstream
 * @conn:	TCP connections
 * @seq:	counter for @pend's arrival order
 * @drops:	dropped messages logged and counted this second
 * @kind:	what each pollfd of the last dns_forward_fds() is
 * @index:	and which @pend or @conn entry
 * @msg:	scratch buffer for one message
 */
struct dns_forward {
	const struct dhcp_config *cfg;
	const struct lease_store *leases;
	int udp, tcp;
	unsigned int ifindex[DHCP_MAX_IFACES];
	int64_t refreshed;
	struct dns_upstream up;
	struct pending pend[DNS_PENDING_MAX];
	struct tcp_conn conn[DNS_TCP_MAX];
	uint64_t seq;
	struct log_burst drops;
	enum slot_kind kind[DNS_FORWARD_FDS_MAX];
	size_t index[DNS_FORWARD_FDS_MAX];
	uint8_t msg[DNS_MSG_MAX];
};

bool dns_served_ifindex(struct dns_forward *fw, int ifindex, int64_t now);
void dns_log_drop(struct dns_forward *fw, struct in_addr from, const char *what, const char *why,
		  int64_t now);
uint16_t dns_random_id(void);
void dns_tcp_accept(struct dns_forward *fw, int64_t now);
short dns_tcp_events(const struct tcp_conn *c);
int dns_tcp_fd(const struct tcp_conn *c);
void dns_tcp_ready(struct dns_forward *fw, struct tcp_conn *c, int64_t now);
void dns_tcp_tick(struct dns_forward *fw, int64_t now);
void dns_tcp_close(struct tcp_conn *c);

#endif
