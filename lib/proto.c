// SPDX-License-Identifier: MIT
/* proto.c - the runner <-> helper protocol: the request argv and the one-message reply with its fds */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/proto.h"
#include "lib/decimal.h"
#include "lib/ifname.h"

#define PROTO_USAGE "--fd=N --tap|--macvtap NAME [--queues N] | --fd=N --bridge NAME [--slot N] [--queues N]"

/* Wire layout of the reply header: fixed offsets, host byte order (both ends
 * are on the same host), zero padding.  Changing it means a new version. */
#define OFF_MAGIC	0
#define OFF_VERSION	4
#define OFF_STATUS	6
#define OFF_KIND	8
#define OFF_IFNAME	12
#define OFF_IFINDEX	28
#define OFF_MAC		32
#define OFF_MTU		40
#define OFF_QUEUES	44
#define OFF_ERROR	48
_Static_assert(OFF_ERROR + PROTO_ERROR_MAX <= PROTO_REPLY_SIZE, "reply layout overflows");

/**
 * proto_parse_request() - parse the helper's command line; pure, so it can be fuzzed
 * @argc:	argument count, at least 1
 * @argv:	--fd=N, then --tap NAME, --macvtap NAME or --bridge NAME [--slot N],
 *		and optionally --queues N
 * @req:	filled on success
 * @why:	on failure, a message naming the bad argument (escaped by the caller)
 * @whysz:	size of @why
 *
 * Every option must appear at most once and unknown words are errors: a
 * command line that could be read two ways is refused, never guessed at.
 *
 * Return: 0, or -1 with @why set.
 */
int proto_parse_request(int argc, char *const argv[], struct proto_request *req,
			char *why, size_t whysz)
{
	bool have_fd = false, have_queues = false, have_slot = false;
	unsigned long long v;

	memset(req, 0, sizeof(*req));
	req->fd = -1;
	req->queues = 1;
	req->slot = PROTO_SLOT_ANY;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strncmp(a, "--fd=", 5)) {
			if (have_fd || decimal_parse(a + 5, 65535, &v) || v <= 2) {
				snprintf(why, whysz, "--fd wants one socket number above 2");
				return -1;
			}
			req->fd = (int)v;
			have_fd = true;
		} else if (!strcmp(a, "--tap") || !strcmp(a, "--macvtap") || !strcmp(a, "--bridge")) {
			const char *problem = val ? ifname_problem(val) : "it is missing";

			if (req->kind) {
				snprintf(why, whysz, "one --tap, --macvtap or --bridge only");
				return -1;
			}
			if (problem) {
				snprintf(why, whysz, "bad interface name: %s", problem);
				return -1;
			}
			req->kind = a[2] == 't' ? PROTO_KIND_TAP :
				    a[2] == 'm' ? PROTO_KIND_MACVTAP : PROTO_KIND_BRIDGE;
			memcpy(req->ifname, val, strlen(val) + 1);
			i++;
		} else if (!strcmp(a, "--queues")) {
			if (have_queues || decimal_parse(val, PROTO_MAX_QUEUES, &v) || !v) {
				snprintf(why, whysz, "--queues wants a number from 1 to %u", PROTO_MAX_QUEUES);
				return -1;
			}
			req->queues = (unsigned int)v;
			have_queues = true;
			i++;
		} else if (!strcmp(a, "--slot")) {
			if (have_slot || decimal_parse(val, PROTO_MAX_SLOT, &v)) {
				snprintf(why, whysz, "--slot wants a number from 0 to %u", PROTO_MAX_SLOT);
				return -1;
			}
			req->slot = (int)v;
			have_slot = true;
			i++;
		} else {
			snprintf(why, whysz, "unknown argument (usage: " PROTO_USAGE ")");
			return -1;
		}
	}
	if (!have_fd || !req->kind) {
		snprintf(why, whysz, "usage: " PROTO_USAGE);
		return -1;
	}
	if (have_slot && req->kind != PROTO_KIND_BRIDGE) {
		snprintf(why, whysz, "--slot goes with --bridge only");
		return -1;
	}
	return 0;
}

/**
 * proto_request_argv() - the helper command line for a request (the runner's side)
 * @req:	request; @req->fd is the helper's end of the socketpair
 * @bufs:	storage for the numbers
 * @argv:	filled with a NULL-terminated argument vector
 *
 * Return: the number of arguments.
 */
int proto_request_argv(const struct proto_request *req, char bufs[3][32],
		       const char *argv[PROTO_ARGV_MAX])
{
	int n = 0;

	snprintf(bufs[0], 32, "--fd=%d", req->fd);
	snprintf(bufs[1], 32, "%u", req->queues);
	argv[n++] = "redox-net-helper";
	argv[n++] = bufs[0];
	argv[n++] = req->kind == PROTO_KIND_MACVTAP ? "--macvtap" :
		    req->kind == PROTO_KIND_BRIDGE ? "--bridge" : "--tap";
	argv[n++] = req->ifname;
	argv[n++] = "--queues";
	argv[n++] = bufs[1];
	if (req->kind == PROTO_KIND_BRIDGE && req->slot != PROTO_SLOT_ANY) {
		snprintf(bufs[2], 32, "%d", req->slot);
		argv[n++] = "--slot";
		argv[n++] = bufs[2];
	}
	argv[n] = NULL;
	return n;
}

/**
 * proto_reply_encode() - lay a reply header out in its wire format
 * @r:		reply
 * @out:	PROTO_REPLY_SIZE bytes
 */
void proto_reply_encode(const struct proto_reply *r, uint8_t out[PROTO_REPLY_SIZE])
{
	uint32_t magic = PROTO_MAGIC;
	uint16_t version = PROTO_VERSION;

	memset(out, 0, PROTO_REPLY_SIZE);
	memcpy(out + OFF_MAGIC, &magic, 4);
	memcpy(out + OFF_VERSION, &version, 2);
	memcpy(out + OFF_STATUS, &r->status, 2);
	out[OFF_KIND] = r->kind;
	memcpy(out + OFF_IFNAME, r->ifname, strnlen(r->ifname, IFNAMSIZ - 1));
	memcpy(out + OFF_IFINDEX, &r->ifindex, 4);
	memcpy(out + OFF_MAC, r->mac, 6);
	memcpy(out + OFF_MTU, &r->mtu, 4);
	memcpy(out + OFF_QUEUES, &r->queues, 4);
	memcpy(out + OFF_ERROR, r->error, strnlen(r->error, PROTO_ERROR_MAX - 1));
}

/* Return: true if @s holds a NUL within @n bytes and only printable ASCII before it. */
static bool printable_string(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!s[i])
			return true;
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return false;
}

/**
 * proto_reply_decode() - check and decode a reply header; pure, so it can be fuzzed
 * @buf:	received bytes
 * @len:	how many
 * @r:		filled on success
 * @why:	on failure, what was wrong
 *
 * Return: 0, or -1 with @why set.
 */
int proto_reply_decode(const uint8_t *buf, size_t len, struct proto_reply *r, const char **why)
{
	uint32_t magic;
	uint16_t version;

	memset(r, 0, sizeof(*r));
	if (len != PROTO_REPLY_SIZE) {
		*why = "the reply has the wrong size";
		return -1;
	}
	memcpy(&magic, buf + OFF_MAGIC, 4);
	memcpy(&version, buf + OFF_VERSION, 2);
	if (magic != PROTO_MAGIC || version != PROTO_VERSION) {
		*why = "the reply is not from this version of redox-net-helper";
		return -1;
	}
	memcpy(&r->status, buf + OFF_STATUS, 2);
	r->kind = buf[OFF_KIND];
	memcpy(&r->ifindex, buf + OFF_IFINDEX, 4);
	memcpy(r->mac, buf + OFF_MAC, 6);
	memcpy(&r->mtu, buf + OFF_MTU, 4);
	memcpy(&r->queues, buf + OFF_QUEUES, 4);
	if (!printable_string(buf + OFF_IFNAME, IFNAMSIZ) ||
	    !printable_string(buf + OFF_ERROR, PROTO_ERROR_MAX)) {
		*why = "the reply carries an unterminated or unprintable string";
		return -1;
	}
	memcpy(r->ifname, buf + OFF_IFNAME, IFNAMSIZ);
	memcpy(r->error, buf + OFF_ERROR, PROTO_ERROR_MAX);
	if (r->status == 0 && (r->queues < 1 || r->queues > PROTO_MAX_QUEUES ||
			       !ifname_is_valid(r->ifname) ||
			       r->kind < PROTO_KIND_TAP || r->kind > PROTO_KIND_BRIDGE)) {
		*why = "the reply claims success but describes no valid device";
		return -1;
	}
	if (r->status != 0 && r->queues != 0) {
		*why = "the reply is a failure that carries fds";
		return -1;
	}
	return 0;
}

/**
 * proto_send_wire() - send an encoded reply header with @n fds in one message
 * @sock:	the SEQPACKET socket
 * @wire:	PROTO_REPLY_SIZE bytes from proto_reply_encode()
 * @fds:	@n descriptors
 * @n:		how many, at most PROTO_MAX_QUEUES
 *
 * It does not check that @n matches the header: proto_send_reply() does.  The
 * unit tests use it to play a confused helper that announces one count and
 * sends another.
 *
 * MSG_NOSIGNAL: a peer that closed its end must not kill the helper with
 * SIGPIPE.  The caller sets SO_SNDTIMEO so a peer that never reads cannot
 * hold it either (SECURITY.md attack 14).
 *
 * Return: 0, or a negative errno.
 */
int proto_send_wire(int sock, const uint8_t *wire, const int *fds, size_t n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * PROTO_MAX_QUEUES)];
	} control;
	struct iovec iov = { .iov_base = (void *)wire, .iov_len = PROTO_REPLY_SIZE };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n > PROTO_MAX_QUEUES)
		return -EINVAL;
	if (n) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&msg);
		/* Not NULL with the CMSG_SPACE() above, but the macro allows it. */
		if (!c)
			return -EINVAL;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)PROTO_REPLY_SIZE)
		return errno ? -errno : -EIO;
	return 0;
}

/**
 * proto_send_reply() - send the one reply message, with all of its fds or none
 * @sock:	the SEQPACKET socket
 * @r:		reply; on success @r->queues fds follow
 * @fds:	@r->queues descriptors (ignored on failure)
 *
 * Return: 0, or a negative errno.
 */
int proto_send_reply(int sock, const struct proto_reply *r, const int *fds)
{
	uint8_t wire[PROTO_REPLY_SIZE];

	proto_reply_encode(r, wire);
	return proto_send_wire(sock, wire, fds, r->status == 0 ? r->queues : 0);
}

/* Close every fd carried by @msg's SCM_RIGHTS messages; Return: how many there were. */
static size_t collect_fds(struct msghdr *msg, int *fds, size_t max, bool keep)
{
	size_t n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (keep && n < max)
				fds[n] = fd;
			else
				close(fd);
			n++;
		}
	}
	return n;
}

/**
 * proto_recv_reply() - receive the reply and its fds, or nothing at all
 * @sock:	the SEQPACKET socket
 * @r:		decoded reply
 * @fds:	PROTO_MAX_QUEUES slots; on success the first @r->queues hold the
 *		received descriptors (close-on-exec set)
 * @why:	on failure, what was wrong
 *
 * Anything unexpected (short or long message, truncated control data, a
 * header that does not decode, a number of fds other than the header's count)
 * closes every descriptor that arrived, so a confused or hostile sender can
 * never leave one behind in the runner or the VMM.
 *
 * Return: 0 (check @r->status), or -1 with @why set.
 */
int proto_recv_reply(int sock, struct proto_reply *r, int *fds, const char **why)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * PROTO_MAX_QUEUES)];
	} control;
	uint8_t wire[PROTO_REPLY_SIZE + 1];
	struct iovec iov = { .iov_base = wire, .iov_len = sizeof(wire) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	ssize_t len;
	size_t n;

	do
		len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (len < 0 && errno == EINTR);
	if (len < 0) {
		*why = "could not read the helper's reply";
		return -1;
	}
	if (len == 0) {
		*why = "the helper exited without a reply";
		return -1;
	}
	if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
		collect_fds(&msg, fds, 0, false);
		*why = "the helper's reply was truncated";
		return -1;
	}
	if (proto_reply_decode(wire, (size_t)len, r, why)) {
		collect_fds(&msg, fds, 0, false);
		return -1;
	}
	n = collect_fds(&msg, fds, PROTO_MAX_QUEUES, true);
	if (n != r->queues) {
		for (size_t i = 0; i < n && i < PROTO_MAX_QUEUES; i++)
			close(fds[i]);
		*why = "the helper sent a different number of fds than it announced";
		return -1;
	}
	return 0;
}
