// SPDX-License-Identifier: MIT
/* dhcp_loop.c - the DHCP responder's socket, privilege drop and event loop */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/escape.h"
#include "lib/exitcodes.h"
#include "lib/log.h"
#include "netsetup/dhcp/dhcp_flood.h"
#include "netsetup/dhcp/dhcp_frame.h"
#include "netsetup/dhcp/dhcp_loop.h"
#include "netsetup/dhcp/dhcp_privs.h"
#include "netsetup/dhcp/dhcp_server.h"
#include "netsetup/dhcp/dhcp_socket.h"
#include "netsetup/dns/dns_forward.h"

#define BATCH		64	/* datagrams decided per group commit */
#define RECV_MAX	2048	/* more than any DHCP datagram on a 1500 MTU link */
#define LOG_LINE	512
#define POLL_MS		1000	/* re-resolve interface names at least this often */
#define DROP_LOGS	10	/* malformed datagrams logged per second; the rest are counted */

/**
 * struct outgoing - one decided exchange, waiting for the batch's commit
 * @buf:	built reply
 * @len:	reply length, 0 when there is no reply
 * @dst:	destination address and port
 * @ifindex:	interface the request came in on, and the reply leaves by
 * @to_chaddr:	send it in a frame to @chaddr rather than to the Ethernet broadcast address
 * @chaddr:	the client's MAC
 * @commit:	the reply depends on journal records queued for this batch
 * @quiet:	a flood is on on its interface: log the exchange only if it fails
 * @log:	the exchange's log line, printed once its fate is known: at debug (--verbose)
 *		if it is sent, as an error if not
 * @change:	the lease change it makes, logged at info once sent; "" for none
 */
struct outgoing {
	uint8_t buf[DHCP_REPLY_MAX];
	size_t len;
	struct sockaddr_in dst;
	int ifindex;
	bool to_chaddr;
	uint8_t chaddr[RN_MAC_LEN];
	bool commit;
	bool quiet;
	char log[LOG_LINE];
	char change[LOG_LINE];
};

/**
 * struct loop - the running responder
 * @cfg:	configuration
 * @sock:	UDP socket bound to 0.0.0.0:67
 * @frame_sock:	AF_PACKET socket for replies to the client's MAC, or -1 (see open_frame_socket())
 * @frame_failed: a send on @frame_sock failed once already (it is logged once)
 * @sigfd:	signalfd for SIGTERM and SIGINT
 * @leases:	lease store
 * @srv:	decision state
 * @ifindex:	cached index of each of @cfg->ifaces, 0 when it does not exist
 * @one_guest:	each of @cfg->ifaces is a TAP, one guest's (refreshed with @ifindex)
 * @flood:	each interface's flood episode
 * @out:	the current batch
 * @n_out:	exchanges in @out
 * @drops:	malformed datagrams logged and counted this second
 * @dns:	the DNS forwarder (netsetup/dns/), or NULL when it is off
 * @swept:	second of the last lease_store_sweep()
 */
struct loop {
	const struct dhcp_config *cfg;
	int sock, frame_sock, sigfd;
	bool frame_failed;
	struct lease_store *leases;
	struct dhcp_server srv;
	unsigned int ifindex[DHCP_MAX_IFACES];
	bool one_guest[DHCP_MAX_IFACES];
	struct dhcp_flood flood[DHCP_MAX_IFACES];
	struct outgoing out[BATCH];
	size_t n_out;
	struct log_burst drops;
	struct dns_forward *dns;
	int64_t swept;
};

/**
 * open_frame_socket() - the socket that sends a broadcast OFFER or ACK to one MAC
 *
 * The UDP socket's broadcast goes to ff:ff:ff:ff:ff:ff, which a bridge copies
 * to every port, so with N VMs every lease costs N copies.  The same IP packet
 * in a frame to chaddr reaches the client's port alone (dhcp_server.c,
 * set_destination()).  AF_PACKET with SOCK_DGRAM: the kernel writes the
 * Ethernet header, dhcp_frame_build() the IP and UDP ones.  Protocol 0 means
 * it receives nothing, so nothing ever waits to be read from it.
 *
 * Opening it needs CAP_NET_RAW, so this runs before the privilege drop;
 * sending on it afterwards needs none.  Without it the responder still works:
 * every reply goes out of the UDP socket, as before.
 *
 * Return: the socket, or -1 with the reason logged (once, here).
 */
static int open_frame_socket(void)
{
	int one = 1, fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		/* Straight to the driver: the qdisc of a TAP (or of a bridge) drops everything
		 * from carrier-on (a VMM attaching, a first port) until the kernel's linkwatch
		 * work runs, and a guest that sends its DISCOVER at once would lose its only
		 * OFFER in between (docs/dhcp.md, "One DISCOVER"). */
		if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
			log_warn("cannot bypass the qdisc on the packet socket (%s)", strerror(errno));
		return fd;
	}
	if (errno == EPERM || errno == EACCES)
		log_warn("no CAP_NET_RAW: OFFERs and ACKs go to the Ethernet broadcast address, "
			 "which a bridge copies to every port (grant CAP_NET_RAW to send them to the client's MAC)");
	else
		log_warn("cannot open a packet socket (%s): OFFERs and ACKs go to the Ethernet "
			 "broadcast address", strerror(errno));
	return -1;
}

/**
 * open_signals() - turn SIGTERM and SIGINT into a readable fd
 *
 * Return: the signalfd, or -1.
 */
static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* refresh_ifaces() - resolve every served interface name again, and whether it is a TAP */
static void refresh_ifaces(struct loop *lp)
{
	for (size_t i = 0; i < lp->cfg->n_ifaces; i++) {
		lp->ifindex[i] = if_nametoindex(lp->cfg->ifaces[i]);
		lp->one_guest[i] = lp->ifindex[i] && dhcp_iface_is_tap(lp->cfg->ifaces[i]);
	}
}

/**
 * served_iface() - which served interface, if any, has index @ifindex
 * @lp:		loop
 * @ifindex:	from IP_PKTINFO
 *
 * The TAP may be created, or deleted and created again, after the responder
 * starts; its new index is then a cache miss, which re-resolves the names.
 *
 * Return: index into cfg->ifaces, or -1 for an interface we do not serve.
 */
static int served_iface(struct loop *lp, unsigned int ifindex)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < lp->cfg->n_ifaces; i++)
			if (ifindex && lp->ifindex[i] == ifindex)
				return (int)i;
		if (!pass)
			refresh_ifaces(lp);
	}
	return -1;
}

/**
 * log_malformed() - log a dropped datagram, at most DROP_LOGS a second
 * @lp:		loop
 * @iface:	interface name
 * @from:	sender
 * @why:	parser's reason
 */
static void log_malformed(struct loop *lp, const char *iface, struct in_addr from, const char *why)
{
	if (log_burst_allow(&lp->drops, time(NULL), DROP_LOGS, "malformed datagrams dropped"))
		log_info("dropped a datagram from %s on %s: %s", inet_ntoa(from), iface, why);
}

/**
 * describe() - start the exchange's log line: what came from whom
 * @o:		exchange
 * @req:	request
 * @rep:	decision
 * @iface:	interface name
 *
 * The hostname is the client's own text, so it is escaped.
 */
static void describe(struct outgoing *o, const struct dhcp_msg *req, const struct dhcp_reply *rep,
		     const char *iface)
{
	char mac[RN_MAC_STRLEN], host[4 * DHCP_HOSTNAME_MAX + 1] = "", addr[INET_ADDRSTRLEN + 1] = "";
	const char *type = rep->answer.type ? dhcp_type_name(rep->answer.type) : "no reply";

	mac_format(req->chaddr, mac);
	escape_text(host, sizeof(host), req->hostname,
		    req->hostname_len < DHCP_HOSTNAME_MAX ? req->hostname_len : DHCP_HOSTNAME_MAX);
	if (rep->answer.yiaddr.s_addr)
		inet_ntop(AF_INET, &rep->answer.yiaddr, addr + 1, sizeof(addr) - 1), addr[0] = ' ';
	snprintf(o->log, sizeof(o->log), "%s%s%s%s from %s%s%s on %s: %s%s%s%s%s",
		 dhcp_type_name(req->type), rep->state ? " (" : "", rep->state ? rep->state : "",
		 rep->state ? ")" : "", mac, *host ? " hostname " : "", host, iface, type, addr,
		 rep->note ? " (" : "", rep->note ? rep->note : "", rep->note ? ")" : "");
	o->change[0] = '\0';
	if (!rep->change)
		return;
	/* The address: given in the ACK, or the one released (ciaddr) or declined (option 50). */
	inet_ntop(AF_INET, rep->answer.yiaddr.s_addr ? &rep->answer.yiaddr :
		  req->type == DHCPRELEASE ? &req->ciaddr : &req->requested_ip, addr, sizeof(addr));
	if (rep->answer.lease_time)
		snprintf(o->change, sizeof(o->change), "lease %s: %s %s on %s for %u s%s%s", rep->change,
			 mac, addr, iface, (unsigned int)rep->answer.lease_time,
			 *host ? ", hostname " : "", host);
	else
		snprintf(o->change, sizeof(o->change), "lease %s: %s %s on %s", rep->change, mac,
			 addr, iface);
}

/**
 * receive_one() - read one datagram, decide, and queue the exchange
 * @lp:		loop; the exchange goes to @lp->out[@lp->n_out]
 * @now:	wall clock, seconds
 *
 * Return: 1 if a datagram was read (whether or not it is answered), 0 when
 * none is waiting.
 */
static int receive_one(struct loop *lp, int64_t now)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	uint8_t in[RECV_MAX];
	struct sockaddr_in from;
	struct iovec iov = { .iov_base = in, .iov_len = sizeof(in) };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct outgoing *o = &lp->out[lp->n_out];
	struct dhcp_origin origin;
	const struct in_pktinfo *pi = NULL;
	struct dhcp_reply rep;
	struct dhcp_msg req;
	ssize_t n = recvmsg(lp->sock, &mh, 0);
	int iface, err;

	if (n < 0)
		return errno == EINTR;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			pi = (const struct in_pktinfo *)(const void *)CMSG_DATA(c);
	if (!pi || (mh.msg_flags & MSG_TRUNC) || (iface = served_iface(lp, (unsigned int)pi->ipi_ifindex)) < 0)
		return 1;
	if ((err = dhcp_parse(in, (size_t)n, &req))) {
		log_malformed(lp, lp->cfg->ifaces[iface], from.sin_addr, dhcp_parse_error(err));
		return 1;
	}
	origin = (struct dhcp_origin){ .port = iface, .one_guest = lp->one_guest[iface] };
	dhcp_server_handle(&lp->srv, &req, &origin, pi->ipi_addr.s_addr != htonl(INADDR_BROADCAST),
			   now, &rep);
	describe(o, &req, &rep, lp->cfg->ifaces[iface]);
	o->quiet = dhcp_flood_note(&lp->flood[iface], lp->cfg->ifaces[iface], &lp->srv.bounds,
				   lp->one_guest[iface], rep.bound, now);
	o->commit = rep.commit;
	o->len = 0;
	if (rep.dest != DHCP_DEST_NONE) {
		o->len = dhcp_build(&req, &rep.answer, o->buf, sizeof(o->buf));
		o->dst.sin_family = AF_INET;
		o->dst.sin_addr = rep.dest_addr;
		o->dst.sin_port = htons(rep.dest_port);
		o->ifindex = pi->ipi_ifindex;
		o->to_chaddr = rep.to_chaddr;
		memcpy(o->chaddr, req.chaddr, RN_MAC_LEN);
	}
	lp->n_out++;
	return 1;
}

/**
 * send_frame() - send one reply as an IPv4 packet in a frame to the client's MAC
 * @lp:		loop, with a frame socket
 * @o:		exchange with a built reply and to_chaddr set
 *
 * The packet is the one send_udp() would send, source the server address,
 * port 67, destination o->dst; only the frame's destination differs.  It
 * leaves by the interface the request came in on.
 *
 * Return: 0, or -1 with errno set.
 */
static int send_frame(const struct loop *lp, const struct outgoing *o)
{
	const struct dhcp_frame_addr a = {
		.src = lp->cfg->server.addr, .dst = o->dst.sin_addr,
		.sport = DHCP_SERVER_PORT, .dport = ntohs(o->dst.sin_port),
	};
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = o->ifindex, .sll_halen = ETH_ALEN,
	};
	uint8_t pkt[DHCP_FRAME_MAX];
	size_t n = dhcp_frame_build(&a, o->buf, o->len, pkt, sizeof(pkt));
	ssize_t sent;

	if (!n) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy(to.sll_addr, o->chaddr, ETH_ALEN);
	sent = sendto(lp->frame_sock, pkt, n, 0, (const struct sockaddr *)&to, sizeof(to));
	if (sent >= 0 && (size_t)sent != n) {
		errno = EMSGSIZE;
		return -1;
	}
	return sent < 0 ? -1 : 0;
}

/**
 * send_udp() - send one reply from the UDP socket out of the interface its request came in on
 * @lp:		loop
 * @o:		exchange with a built reply
 *
 * IP_PKTINFO on sendmsg picks the outgoing interface per datagram, which is
 * what a broadcast to 255.255.255.255 needs when several interfaces are served
 * (SO_BINDTODEVICE would pin the whole socket to one).
 *
 * Return: 0, or -1 with errno set.
 */
static int send_udp(const struct loop *lp, const struct outgoing *o)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)o->buf, .iov_len = o->len };
	struct msghdr mh = {
		.msg_name = (void *)&o->dst, .msg_namelen = sizeof(o->dst),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	struct in_pktinfo pi = { .ipi_ifindex = o->ifindex, .ipi_spec_dst = lp->cfg->server.addr };

	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	return sendmsg(lp->sock, &mh, 0) < 0 ? -1 : 0;
}

/**
 * send_reply() - send one reply: in a frame to the client's MAC when it may, else by UDP
 * @lp:		loop
 * @o:		exchange with a built reply
 *
 * A frame that cannot be sent (the interface's MTU is below the packet's
 * size, its queue is full, ...) costs the client nothing: the reply goes out
 * of the UDP socket instead.  The first such failure is logged, the rest not.
 *
 * Return: 0, or -1 with errno set.
 */
static int send_reply(struct loop *lp, const struct outgoing *o)
{
	if (o->to_chaddr && lp->frame_sock >= 0) {
		if (!send_frame(lp, o))
			return 0;
		if (!lp->frame_failed)
			log_warn("cannot send a reply in a frame to the client's MAC (%s): sending it by "
				 "broadcast; later failures like it are not logged", strerror(errno));
		lp->frame_failed = true;
	}
	return send_udp(lp, o);
}

/**
 * flush() - commit the batch's lease records once, then send and log every reply
 * @lp:		loop
 * @now:	wall clock, seconds
 *
 * One fdatasync covers every ACK of the batch (group commit), and no ACK
 * leaves before it: a client never holds a lease the journal could lose.
 */
static void flush(struct loop *lp, int64_t now)
{
	bool saved = !lease_store_pending(lp->leases) || !lease_store_commit(lp->leases);

	for (size_t i = 0; i < lp->n_out; i++) {
		const struct outgoing *o = &lp->out[i];

		if (o->commit && !saved)
			log_err("%s: not sent, the lease could not be saved", o->log);
		else if (o->len && send_reply(lp, o))
			log_err("%s: not sent to %s: %s", o->log, inet_ntoa(o->dst.sin_addr),
				strerror(errno));
		else if (!o->quiet) {
			if (*o->change)
				log_info("%s", o->change);
			log_debug("%s", o->log);
		}
	}
	lp->n_out = 0;
	lease_store_maybe_compact(lp->leases, now);
}

/* log_expired() - the one line for a binding that ran out (lease_store_sweep()) */
static void log_expired(const struct lease *l, void *ctx)
{
	char mac[RN_MAC_STRLEN];

	(void)ctx;
	mac_format(l->mac, mac);
	log_info("lease expired: %s %s", mac, inet_ntoa(l->ip));
}

/**
 * run() - serve until SIGTERM or SIGINT
 * @lp:		loop, set up
 */
static void run(struct loop *lp)
{
	struct pollfd pfd[2 + DNS_FORWARD_FDS_MAX] = {
		{ .fd = lp->sock, .events = POLLIN },
		{ .fd = lp->sigfd, .events = POLLIN },
	};

	for (;;) {
		/* The DNS forwarder's sockets follow the responder's two. */
		size_t n_dns = lp->dns ? dns_forward_fds(lp->dns, pfd + 2, DNS_FORWARD_FDS_MAX) : 0;
		int n = poll(pfd, 2 + n_dns, POLL_MS);
		int64_t now = (int64_t)time(NULL);

		if (n < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return;
		}
		if (n == 0)
			refresh_ifaces(lp);
		for (size_t i = 0; i < lp->cfg->n_ifaces; i++)
			dhcp_flood_tick(&lp->flood[i], lp->cfg->ifaces[i], now);
		if (lp->swept != now) {
			lp->swept = now;
			lease_store_sweep(lp->leases, now, log_expired, NULL);
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;

			if (read(lp->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				log_info("signal %u: saving leases and stopping", si.ssi_signo);
				return;
			}
		}
		if (pfd[0].revents) {
			while (lp->n_out < BATCH && receive_one(lp, now))
				;
			flush(lp, now);
		}
		if (lp->dns && n >= 0)
			dns_forward_ready(lp->dns, pfd + 2, n_dns, now);
	}
}

/**
 * dhcp_serve() - run the DHCP responder until SIGTERM or SIGINT
 * @cfg:	configuration (dhcp_config_defaults() plus options); checked here
 * @ready_fd:	written to once and closed when the responder listens, or -1
 *
 * Order matters: resolve the user, bind port 67, open the packet socket (the
 * one step that may fail without stopping us), open the lease journal and
 * hand its directory to that user, then drop every privilege before the
 * first datagram is read.  Redox's client sends one DISCOVER and never
 * retransmits, so whoever starts the guest must know the socket is bound:
 * that is what @ready_fd says (`up --dhcp` waits for it).  On failure nothing
 * is written to it.
 *
 * Return: RN_EXIT_OK after a clean stop, otherwise another enum rn_exit code.
 */
int dhcp_serve(const struct dhcp_config *cfg, int ready_fd)
{
	struct loop *lp;
	const char *why = dhcp_config_check(cfg);
	struct in_addr base;
	uint32_t count;
	uid_t uid;
	gid_t gid;
	int rc = RN_EXIT_FAILURE, err;

	if (why) {
		log_err("DHCP configuration: %s", why);
		return RN_EXIT_USAGE;
	}
	if (dhcp_resolve_user(cfg->user, cfg->group, &uid, &gid))
		return RN_EXIT_USAGE;
	lp = calloc(1, sizeof(*lp));
	if (!lp)
		return RN_EXIT_FAILURE;
	lp->cfg = cfg;
	lp->frame_sock = lp->sigfd = -1;
	dhcp_subnet_range(cfg, &base, &count);
	if ((lp->sock = dhcp_open_socket()) < 0) {
		rc = errno == EACCES ? RN_EXIT_PRIVILEGE : errno == EADDRINUSE ? RN_EXIT_CONFLICT : rc;
		goto out;
	}
	lp->frame_sock = open_frame_socket();
	if (cfg->dns_forward && !(lp->dns = dns_forward_open(cfg, &err))) {
		rc = err == EACCES ? RN_EXIT_PRIVILEGE : err == EADDRINUSE ? RN_EXIT_CONFLICT : rc;
		goto out;
	}
	if (lease_store_open(&lp->leases, cfg->lease_dir, base, count, (int64_t)time(NULL)) ||
	    (geteuid() == 0 && lease_store_chown(lp->leases, uid, gid)))
		goto out;
	if (lp->dns)
		dns_forward_set_leases(lp->dns, lp->leases);
	if (dhcp_drop_privileges(uid, gid)) {
		rc = RN_EXIT_PRIVILEGE;
		goto out;
	}
	if ((lp->sigfd = open_signals()) < 0) {
		log_err("cannot set up signal handling: %s", strerror(errno));
		goto out;
	}
	dhcp_server_init(&lp->srv, cfg, lp->leases);
	refresh_ifaces(lp);
	log_info("serving DHCP on %s%s (%s/%u)", cfg->ifaces[0], cfg->n_ifaces > 1 ? " and more" : "",
		 inet_ntoa(cfg->server.addr), cfg->server.len);
	if (ready_fd >= 0) {
		if (write(ready_fd, "1", 1) != 1)
			log_warn("cannot report readiness: %s", strerror(errno));
		close(ready_fd);
	}
	run(lp);
	lease_store_compact(lp->leases, (int64_t)time(NULL));
	rc = RN_EXIT_OK;
out:
	lease_store_close(lp->leases);
	dns_forward_close(lp->dns);
	if (lp->sock >= 0)
		close(lp->sock);
	if (lp->frame_sock >= 0)
		close(lp->frame_sock);
	if (lp->sigfd >= 0)
		close(lp->sigfd);
	free(lp);
	return rc;
}
