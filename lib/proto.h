/* SPDX-License-Identifier: MIT */
/* proto.h - the runner <-> helper protocol: the request argv and the one-message reply with its fds */
#ifndef REDOX_NET_PROTO_H
#define REDOX_NET_PROTO_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_MAGIC	0x484e5852u	/* "RXNH" in little-endian memory */
#define PROTO_VERSION	1u

/*
 * The kernel refuses more than SCM_MAX_FD (253) descriptors in one SCM_RIGHTS
 * message, and the reply is one message, all fds or none.  So this, not the
 * tun driver's 256, is the most queues one request can ask for.
 */
#define PROTO_MAX_QUEUES	253u
#define PROTO_ERROR_MAX		192	/* bytes of error text, with the NUL */
#define PROTO_REPLY_SIZE	256	/* encoded reply header, bytes */
#define PROTO_MAX_SLOT		255u	/* --slot: the last byte of the guest MAC */
#define PROTO_SLOT_ANY		(-1)	/* no --slot: the helper takes the lowest free one */
#define PROTO_ARGV_MAX		10	/* helper argv from proto_request_argv(), with the NULL */

/**
 * enum proto_kind - what the caller asks for
 * @PROTO_KIND_TAP:	queues of a persistent TAP made by redox-netsetup
 * @PROTO_KIND_MACVTAP:	queues of a macvtap, through /dev/tap<ifindex>
 * @PROTO_KIND_BRIDGE:	a new TAP of the caller's own, attached to a redox-net
 *			bridge, that lives as long as its fds
 */
enum proto_kind {
	PROTO_KIND_TAP = 1,
	PROTO_KIND_MACVTAP = 2,
	PROTO_KIND_BRIDGE = 3,
};

/**
 * struct proto_request - the helper's command line, parsed
 * @fd:		the SEQPACKET socket to answer on (--fd=N), not yet validated as a socket
 * @kind:	TAP, macvtap or bridge
 * @ifname:	device name (the bridge's, for PROTO_KIND_BRIDGE), valid by ifname_problem()
 * @queues:	1..PROTO_MAX_QUEUES
 * @slot:	bridge only: 0..PROTO_MAX_SLOT, or PROTO_SLOT_ANY
 */
struct proto_request {
	int fd;
	enum proto_kind kind;
	char ifname[IFNAMSIZ];
	unsigned int queues;
	int slot;
};

/**
 * struct proto_reply - the helper's answer, decoded
 * @status:	0 on success, otherwise the helper's exit code (lib/exitcodes.h)
 * @kind:	kind of the device the fds belong to
 * @ifname:	device name (for a bridge request, the new TAP's)
 * @ifindex:	device index
 * @mac:	the guest's MAC for a macvtap or bridge request, else the device's address
 * @mtu:	the device's MTU
 * @queues:	number of fds that come with the reply: the queue count on
 *		success, 0 on failure
 * @error:	why it failed, printable ASCII, "" on success
 */
struct proto_reply {
	uint16_t status;
	uint8_t kind;
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	uint8_t mac[6];
	uint32_t mtu;
	uint32_t queues;
	char error[PROTO_ERROR_MAX];
};

int proto_parse_request(int argc, char *const argv[], struct proto_request *req,
			char *why, size_t whysz);
int proto_request_argv(const struct proto_request *req, char bufs[3][32],
		       const char *argv[PROTO_ARGV_MAX]);

void proto_reply_encode(const struct proto_reply *r, uint8_t out[PROTO_REPLY_SIZE]);
int proto_reply_decode(const uint8_t *buf, size_t len, struct proto_reply *r, const char **why);

int proto_send_wire(int sock, const uint8_t *wire, const int *fds, size_t n);
int proto_send_reply(int sock, const struct proto_reply *r, const int *fds);
int proto_recv_reply(int sock, struct proto_reply *r, int *fds, const char **why);

#endif
