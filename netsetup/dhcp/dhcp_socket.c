// SPDX-License-Identifier: MIT
/* dhcp_socket.c - the DHCP responder's port 67 socket: bound here, or passed by a service manager */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/decimal.h"
#include "lib/log.h"
#include "netsetup/dhcp/dhcp_msg.h"
#include "netsetup/dhcp/dhcp_socket.h"

#define LISTEN_FDS_START	3	/* sd_listen_fds(3): passed fds start here */
#define PID_MAX_LINUX		4194304

/**
 * bad_socket() - say what is wrong with the passed socket and how to fix it
 * @what:	what is wrong
 *
 * Return: -1, with errno EINVAL (not EACCES or EADDRINUSE, which mean other
 * things to dhcp_serve()).
 */
static int bad_socket(const char *what)
{
	log_err("the socket passed by the service manager (fd %d): %s", LISTEN_FDS_START, what);
	log_hint("pass one UDP socket bound to 0.0.0.0:67: ListenDatagram=0.0.0.0:67 in "
		 "redox-net-dhcp.socket, or systemd-socket-activate --datagram -l 0.0.0.0:67");
	errno = EINVAL;
	return -1;
}

/**
 * check_socket() - is @fd a UDP/IPv4 socket bound to 0.0.0.0:67?  Then make it the responder's
 * @fd:		the passed fd
 *
 * IPv4 only: replies go to 255.255.255.255 with IP_PKTINFO, which an IPv6
 * socket (what a bare "67" gives in a socket unit) would not do.  A socket
 * bound to one address would not see the clients' broadcasts.  Broadcast,
 * IP_PKTINFO, non-blocking and close-on-exec are what open_socket() in
 * dhcp_loop.c sets on its own socket; set here whatever the unit said.
 * IP_PKTINFO set now comes too late for datagrams already queued: they
 * carry no interface, and the loop drops what it cannot place.  The unit's
 * PassPacketInfo=yes sets it when the socket is made; the first responder
 * sets it for every restart after it.
 *
 * Return: 0, or -1 with the reason logged.
 */
static int check_socket(int fd)
{
	struct sockaddr_in sin = { 0 };
	socklen_t len = sizeof(int), slen = sizeof(sin);
	int type = 0, domain = 0, pktinfo = 0, one = 1, fl;

	if (fcntl(fd, F_GETFD) < 0)
		return bad_socket("there is no such fd");
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return bad_socket("it is not a socket");
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_INET ||
	    type != SOCK_DGRAM)
		return bad_socket("it is not a UDP socket over IPv4");
	if (getsockname(fd, (struct sockaddr *)&sin, &slen) < 0 || sin.sin_family != AF_INET ||
	    sin.sin_port != htons(DHCP_SERVER_PORT) || sin.sin_addr.s_addr != htonl(INADDR_ANY))
		return bad_socket("it is not bound to 0.0.0.0 port 67");
	len = sizeof(int);
	if (getsockopt(fd, IPPROTO_IP, IP_PKTINFO, &pktinfo, &len) == 0 && !pktinfo)
		log_warn("the socket passed by the service manager has no IP_PKTINFO: a datagram queued "
			 "before now does not say which interface it came from, and is dropped (set "
			 "PassPacketInfo=yes in redox-net-dhcp.socket)");
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one))) {
		log_err("the socket passed by the service manager: cannot set it up: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/**
 * dhcp_activated_socket() - the UDP port 67 socket a service manager holds for us, if any
 *
 * The sd_listen_fds(3) protocol, which is small enough not to link
 * libsystemd for: LISTEN_PID names the process the fds are for (a child
 * forked by `up --dhcp` is not it), LISTEN_FDS counts them from fd 3.  The
 * variables are removed either way, so nothing the responder starts later
 * takes them for its own.  The socket outlives the responder: a DISCOVER
 * that comes while it restarts waits in the socket's queue instead of
 * being refused, which matters because Redox's client never asks twice.
 *
 * Return: the socket; DHCP_NOT_ACTIVATED when none was passed to this
 * process; -1 when one was, but it cannot serve (the reason is logged).
 */
int dhcp_activated_socket(void)
{
	const char *pid_text = getenv("LISTEN_PID"), *fds_text = getenv("LISTEN_FDS");
	unsigned long long pid, fds;
	int err;

	if (!pid_text)
		return DHCP_NOT_ACTIVATED;
	err = decimal_parse(pid_text, PID_MAX_LINUX, &pid);
	if (!err && pid != (unsigned long long)getpid()) {
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		return DHCP_NOT_ACTIVATED;
	}
	if (err) {
		log_err("LISTEN_PID=%s %s: the service manager's socket cannot be trusted",
			pid_text, decimal_problem(err));
		errno = EINVAL;
		return -1;
	}
	err = fds_text ? decimal_parse(fds_text, 1024, &fds) : DECIMAL_EMPTY;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (err || fds != 1) {
		log_err("LISTEN_FDS=%s: the responder takes exactly one socket", fds_text ? fds_text : "(unset)");
		log_hint("give redox-net-dhcp.socket a single ListenDatagram=0.0.0.0:67");
		errno = EINVAL;
		return -1;
	}
	if (check_socket(LISTEN_FDS_START))
		return -1;
	log_info("using UDP port 67 from the service manager (socket activation)");
	return LISTEN_FDS_START;
}

/**
 * deepen_queue() - make @fd's receive queue hold a burst of requests
 * @fd:		the port 67 socket
 *
 * 50 VMs booting at once, a responder restarted while they do, or one guest
 * flooding DISCOVERs on a loaded host: with the default queue (about 90
 * requests) the kernel dropped the rest, RcvbufErrors in /proc/net/snmp.
 * SO_RCVBUFFORCE passes net.core.rmem_max and needs CAP_NET_ADMIN, which the
 * responder still holds here; without it SO_RCVBUF gets what rmem_max allows.
 * A service manager's socket may come with its own size (ReceiveBuffer=):
 * a larger one is kept.
 *
 * Return: @fd.
 */
static int deepen_queue(int fd)
{
	int want = DHCP_RCVBUF, have = 0;
	socklen_t len = sizeof(have);

	if (!getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &have, &len) && have >= 2 * want)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof(want)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)))
		log_warn("cannot size the receive queue of UDP port 67: %s", strerror(errno));
	return fd;
}

/**
 * dhcp_open_socket() - the one socket the responder uses, bound to 0.0.0.0:67
 *
 * IP_PKTINFO tells which interface a request arrived on (clients have no
 * address yet, so nothing else does) and lets each reply leave by the same
 * interface, broadcasts included.  SO_REUSEADDR lets a restarted responder
 * bind while the old socket lingers.  A socket passed by a service manager
 * is taken instead: it outlives a restart.  Either way its receive queue is
 * made deep enough for a burst (DHCP_RCVBUF): a DISCOVER dropped there is
 * a Redox guest without a network, since it never asks twice.
 *
 * Return: the socket, or -1 with the reason logged.
 */
int dhcp_open_socket(void)
{
	struct sockaddr_in any = {
		.sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int one = 1, fd = dhcp_activated_socket();

	if (fd != DHCP_NOT_ACTIVATED)
		return fd < 0 ? fd : deepen_queue(fd);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&any, sizeof(any))) {
		log_err("cannot listen on UDP port 67: %s", strerror(errno));
		if (errno == EADDRINUSE)
			log_hint("another DHCP server (dnsmasq?) is running; stop it or serve from it");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return deepen_queue(fd);
}
