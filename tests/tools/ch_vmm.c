// SPDX-License-Identifier: MIT
/*
 * ch_vmm.c - test tool: a stand-in Cloud Hypervisor that redox-run-net execs (CH_BIN).
 *
 * It checks its command line the way Cloud Hypervisor's parser would take it,
 * then uses the inherited queue fds the way Cloud Hypervisor's virtio-net
 * backend does (TUNSETVNETHDRSZ 12, frames with a 12-byte virtio-net header),
 * and proves the host answers a guest: an ARP request for the router, then an
 * ICMP echo to it, sent on the first queue as 172.16.0.2 from the --net MAC
 * (replies are read from whichever queue the kernel picks).  It exits 0 only if
 * every step worked, and prints each step and what failed.  CH_VMM_DHCP=redox
 * leases 172.16.0.2 on fd 3 first; CH_VMM_DHCP=hold leases any address, then
 * keeps the fds until it is killed (bench/bench_bridge.sh).
 *
 * What it enforces on --net, from Cloud Hypervisor's NetConfig rules:
 *   fd=3 or fd=[3,4,...] (brackets for several fds), no fd <= 2;
 *   num_queues = 2 x fds (absent means 2, so one fd);
 *   none of ip=, mask=, host_mac=, mtu=, tap= on the fd path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/dhcp_wire.h"
#include "tests/tools/guard.h"

#define VNET_HDR	12	/* struct virtio_net_hdr_mrg_rxbuf, what Cloud Hypervisor uses */
#define MAX_FDS		16
#define WAIT_MS		5000

static const uint8_t host_ip[4] = { 172, 16, 0, 1 }, guest_ip[4] = { 172, 16, 0, 2 };

/**
 * struct vm - what the command line asked for
 * @fds:	the --net fds
 * @nfds:	how many
 * @mac:	guest MAC
 * @seen:	bit per required option seen (cpus, memory, disk, net, serial, console)
 */
struct vm {
	int fds[MAX_FDS];
	unsigned int nfds;
	uint8_t mac[6];
	unsigned int seen;
};

__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ch_vmm: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -1;
}

/* Return: 0 if @s is all decimal digits (at least one), storing the value. */
static int parse_uint(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno ? -1 : 0;
}

/* "3" or "[3,4]": one fd without brackets, several only inside them. */
static int parse_fds(struct vm *vm, char *v)
{
	size_t len = strlen(v);
	bool bracket = len >= 2 && v[0] == '[' && v[len - 1] == ']';

	if (bracket) {
		v[len - 1] = '\0';
		v++;
	}
	for (char *save = NULL, *tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long fd;

		if (parse_uint(tok, &fd) || fd > 65535)
			return fail("--net fd: '%s' is not a number", tok);
		if (fd <= 2)
			return fail("--net fd=%lu: fds 0-2 are reserved (Cloud Hypervisor refuses them)", fd);
		if (vm->nfds == MAX_FDS)
			return fail("--net fd: too many fds");
		if (fcntl((int)fd, F_GETFD) < 0)
			return fail("--net fd=%lu: not an open fd in this process", fd);
		vm->fds[vm->nfds++] = (int)fd;
	}
	if (!vm->nfds)
		return fail("--net fd: empty list");
	return 0;
}

/* Split "k=v,k=[a,b],k=v" on the commas outside brackets, as Cloud Hypervisor's option parser does. */
static char *next_item(char **p)
{
	char *s = *p, *q = s;
	int depth = 0;

	if (!s)
		return NULL;
	for (; *q && (*q != ',' || depth); q++)
		depth += *q == '[' ? 1 : *q == ']' ? -1 : 0;
	*p = *q ? q + 1 : NULL;
	*q = '\0';
	return s;
}

static int parse_net(struct vm *vm, char *spec)
{
	static const char *const forbidden[] = { "ip", "mask", "host_mac", "mtu", "tap" };
	static const char *const known[] = { "fd", "mac", "num_queues", "queue_size", "bw_size",
					     "bw_refill_time", "id", "iommu", "offload_tso",
					     "offload_ufo", "offload_csum" };
	unsigned long num_queues = 2;
	bool have_fd = false, have_nq = false;
	char *item;

	while ((item = next_item(&spec))) {
		char *eq = strchr(item, '='), *v;
		bool ok = false;

		if (!eq)
			return fail("--net: '%s' is not key=value (several fds need brackets: fd=[3,4])", item);
		*eq = '\0';
		v = eq + 1;
		for (size_t i = 0; i < sizeof(forbidden) / sizeof(*forbidden); i++)
			if (!strcmp(item, forbidden[i]))
				return fail("--net %s= on the fd path: the VMM would need CAP_NET_ADMIN", item);
		for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++)
			ok |= !strcmp(item, known[i]);
		if (!ok)
			return fail("--net: unknown key '%s'", item);
		if (!strcmp(item, "fd")) {
			if (have_fd || parse_fds(vm, v))
				return have_fd ? fail("--net: fd given twice") : -1;
			have_fd = true;
		} else if (!strcmp(item, "num_queues")) {
			if (parse_uint(v, &num_queues))
				return fail("--net num_queues='%s' is not a number", v);
			have_nq = true;
		} else if (!strcmp(item, "mac")) {
			if (sscanf(v, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx", &vm->mac[0], &vm->mac[1],
				   &vm->mac[2], &vm->mac[3], &vm->mac[4], &vm->mac[5]) != 6 || strlen(v) != 17)
				return fail("--net mac='%s' is not a MAC address", v);
		}
	}
	if (!have_fd)
		return fail("--net without fd=");
	if (num_queues != 2ul * vm->nfds)
		return fail("--net: %u fd(s) need num_queues=%u (%s %lu)", vm->nfds, 2 * vm->nfds,
			    have_nq ? "got" : "default", num_queues);
	return 0;
}

/* --cpus boot=N[,topology=T:C:D:P]: the topology must multiply out to N. */
static int parse_cpus(char *spec)
{
	unsigned long boot = 0, t, c, d, p;
	char *item;

	while ((item = next_item(&spec))) {
		if (!strncmp(item, "boot=", 5)) {
			if (parse_uint(item + 5, &boot) || !boot || boot > 255)
				return fail("--cpus boot='%s'", item + 5);
		} else if (!strncmp(item, "topology=", 9)) {
			if (sscanf(item + 9, "%lu:%lu:%lu:%lu", &t, &c, &d, &p) != 4 || t * c * d * p != boot)
				return fail("--cpus %s does not multiply out to boot=%lu", item, boot);
		} else {
			return fail("--cpus: unknown '%s'", item);
		}
	}
	return boot ? 0 : fail("--cpus without boot=");
}

static int parse_args(struct vm *vm, int argc, char *argv[])
{
	static const char *const opts[] = { "--cpus", "--memory", "--disk", "--net", "--serial",
					    "--console", "--firmware", "--api-socket", "--seccomp",
					    "--kernel" };

	for (int i = 1; i < argc; i += 2) {
		unsigned int which = ~0u;

		for (unsigned int k = 0; k < sizeof(opts) / sizeof(*opts); k++)
			if (!strcmp(argv[i], opts[k]))
				which = k;
		if (which == ~0u)
			return fail("unknown argument '%s'", argv[i]);
		if (i + 1 >= argc)
			return fail("%s needs a value", argv[i]);
		if (which < 6 && (vm->seen & (1u << which)))
			return fail("%s given twice (Cloud Hypervisor takes one)", argv[i]);
		vm->seen |= which < 6 ? 1u << which : 0;
		if ((which == 0 && parse_cpus(argv[i + 1])) || (which == 3 && parse_net(vm, argv[i + 1])))
			return -1;
		if (which == 1 && strncmp(argv[i + 1], "size=", 5))
			return fail("--memory '%s' has no size=", argv[i + 1]);
		if (which == 2 && strncmp(argv[i + 1], "path=", 5))
			return fail("--disk '%s' has no path=", argv[i + 1]);
		if ((which == 4 && strcmp(argv[i + 1], "tty")) || (which == 5 && strcmp(argv[i + 1], "off")))
			return fail("%s %s: redox-run-net wants --serial tty --console off", argv[i], argv[i + 1]);
	}
	if (vm->seen != 0x3f)
		return fail("missing one of --cpus --memory --disk --net --serial --console");
	return 0;
}

/*
 * Return: true if @fd is a queue of a macvtap (/dev/tapN, the macvtap driver's
 * own major) rather than of a TUN/TAP (/dev/net/tun, misc major 10).  Every
 * open of /dev/tapN is one more queue, so a macvtap has no IFF_MULTI_QUEUE.
 */
static bool is_macvtap_queue(int fd, char *path, size_t size)
{
	char link[32];
	struct stat st;
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, size - 1);
	path[n > 0 ? n : 0] = '\0';
	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) != 10;
}

/* Set up each queue as Cloud Hypervisor does, after checking the device's flags. */
static int prepare_queues(const struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nfds; i++) {
		char path[64];
		bool macvtap = is_macvtap_queue(vm->fds[i], path, sizeof(path));
		short want = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR |
			     (vm->nfds > 1 && !macvtap ? IFF_MULTI_QUEUE : 0);
		struct ifreq ifr;
		int hdr = VNET_HDR;

		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(vm->fds[i], TUNGETIFF, &ifr) < 0)
			return fail("fd %d (%s): TUNGETIFF: %s (not a TAP queue?)", vm->fds[i], path,
				    strerror(errno));
		if ((ifr.ifr_flags & want) != want)
			return fail("fd %d (%s): flags 0x%x lack 0x%x (IFF_TAP|IFF_NO_PI|IFF_VNET_HDR%s)",
				    vm->fds[i], ifr.ifr_name, (unsigned int)ifr.ifr_flags,
				    (unsigned int)(want & ~ifr.ifr_flags),
				    want & IFF_MULTI_QUEUE ? "|IFF_MULTI_QUEUE" : "");
		if (ioctl(vm->fds[i], TUNSETVNETHDRSZ, &hdr) < 0)
			return fail("fd %d: TUNSETVNETHDRSZ 12: %s", vm->fds[i], strerror(errno));
		printf("ch_vmm: fd %d: %s flags 0x%x (%s), vnet header 12, %s\n", vm->fds[i],
		       ifr.ifr_name, (unsigned int)ifr.ifr_flags,
		       macvtap ? "macvtap" : ifr.ifr_flags & IFF_MULTI_QUEUE ? "multi-queue" : "single-queue",
		       path);
	}
	return 0;
}

/* A frame is the 12-byte virtio-net header (all zero: no offloads) and then Ethernet. */
static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t *src_mac, const uint8_t *src_ip,
			const uint8_t *dst_mac, const uint8_t *dst_ip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6];
	uint8_t *e = f + VNET_HDR, *a = e + 14;

	memset(f, 0, VNET_HDR + 60);
	memcpy(e, op == 1 ? bcast : dst_mac, 6);
	memcpy(e + 6, src_mac, 6);
	wire_put16(e + 12, 0x0806);
	wire_put16(a, 1); wire_put16(a + 2, 0x0800); a[4] = 6; a[5] = 4; wire_put16(a + 6, op);
	memcpy(a + 8, src_mac, 6); memcpy(a + 14, src_ip, 4);
	memcpy(a + 18, op == 1 ? zero : dst_mac, 6); memcpy(a + 24, dst_ip, 4);
	return VNET_HDR + 60;
}

static size_t echo_frame(uint8_t *f, const uint8_t *src_mac, const uint8_t *dst_mac, uint16_t id)
{
	uint8_t *e = f + VNET_HDR, *ip = e + 14, *icmp = ip + 20;
	size_t icmp_len = 8 + 32;

	memset(f, 0, VNET_HDR + 14 + 20 + icmp_len);
	memcpy(e, dst_mac, 6); memcpy(e + 6, src_mac, 6); wire_put16(e + 12, 0x0800);
	ip[0] = 0x45; wire_put16(ip + 2, (uint16_t)(20 + icmp_len)); ip[8] = 64; ip[9] = 1;
	memcpy(ip + 12, guest_ip, 4); memcpy(ip + 16, host_ip, 4);
	wire_put16(ip + 10, wire_checksum(ip, 20));
	icmp[0] = 8; wire_put16(icmp + 4, id); wire_put16(icmp + 6, 1);
	memcpy(icmp + 8, "redox-net ch_vmm echo payload...", 32);
	wire_put16(icmp + 2, wire_checksum(icmp, icmp_len));
	return VNET_HDR + 14 + 20 + icmp_len;
}

/* Return: milliseconds since some fixed point. */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Read frames from every queue until @match accepts one or @wait_ms pass: the
 * frames are sent on the first queue, but the kernel picks the receive queue
 * by flow hash (a macvtap always does), so a guest driver reads them all.
 * ARP requests for the guest's address are answered on the way, as a guest
 * kernel would.
 */
static int wait_frame(const struct vm *vm, bool (*match)(const uint8_t *, size_t, void *), void *arg,
		      long wait_ms)
{
	long deadline = now_ms() + wait_ms;
	uint8_t buf[65536 + VNET_HDR], reply[VNET_HDR + 60];
	struct pollfd p[MAX_FDS];

	for (unsigned int i = 0; i < vm->nfds; i++)
		p[i] = (struct pollfd){ .fd = vm->fds[i], .events = POLLIN };
	for (long left; (left = deadline - now_ms()) > 0;) {
		const uint8_t *e = buf + VNET_HDR;

		if (poll(p, vm->nfds, (int)left) <= 0)
			continue;
		for (unsigned int i = 0; i < vm->nfds; i++) {
			ssize_t n;

			if (!(p[i].revents & POLLIN))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n < VNET_HDR + 14)
				continue;
			if (match(e, (size_t)n - VNET_HDR, arg))
				return 0;
			if ((size_t)n >= VNET_HDR + 42 && wire_get16(e + 12) == 0x0806 &&
			    wire_get16(e + 20) == 1 && !memcmp(e + 38, guest_ip, 4) &&
			    write(p[i].fd, reply, arp_frame(reply, 2, vm->mac, guest_ip, e + 22, e + 28)) < 0)
				return fail("fd %d: writing an ARP reply: %s", p[i].fd, strerror(errno));
		}
	}
	return -1;
}

/* The router's ARP reply to us; remembers its MAC in @arg. */
static bool is_arp_reply(const uint8_t *e, size_t len, void *arg)
{
	if (len < 42 || wire_get16(e + 12) != 0x0806 || wire_get16(e + 20) != 2 ||
	    memcmp(e + 28, host_ip, 4) || memcmp(e + 38, guest_ip, 4))
		return false;
	memcpy(arg, e + 22, 6);
	return true;
}

/* An ICMP echo reply from the router to us with our id. */
static bool is_echo_reply(const uint8_t *e, size_t len, void *arg)
{
	const uint8_t *ip = e + 14;

	return len >= 14 + 28 && wire_get16(e + 12) == 0x0800 && ip[9] == 1 &&
	       !memcmp(ip + 12, host_ip, 4) && !memcmp(ip + 16, guest_ip, 4) &&
	       ip[(ip[0] & 15) * 4] == 0 && wire_get16(ip + (ip[0] & 15) * 4 + 4) == *(uint16_t *)arg;
}

/*
 * Send @frame on the first queue and wait for the answer @match recognises,
 * sending again each second as a guest's stack would (the first frame can
 * race the host's view of the link coming up).
 */
static int ask(const struct vm *vm, const uint8_t *frame, size_t len,
	       bool (*match)(const uint8_t *, size_t, void *), void *arg)
{
	for (int attempt = 0; attempt < WAIT_MS / 1000; attempt++) {
		if (write(vm->fds[0], frame, len) < 0)
			return fail("fd %d: write: %s", vm->fds[0], strerror(errno));
		if (!wait_frame(vm, match, arg, 1000))
			return 0;
	}
	return -1;
}

static int exchange_frames(const struct vm *vm)
{
	uint8_t frame[VNET_HDR + 128], router[6];
	uint16_t id = (uint16_t)getpid();
	size_t len;

	len = arp_frame(frame, 1, vm->mac, guest_ip, NULL, host_ip);
	if (ask(vm, frame, len, is_arp_reply, router))
		return fail("fd 3: no ARP reply for 172.16.0.1 within %d ms on any queue", WAIT_MS);
	printf("ch_vmm: ARP: 172.16.0.1 is at %02x:%02x:%02x:%02x:%02x:%02x\n", router[0],
	       router[1], router[2], router[3], router[4], router[5]);
	len = echo_frame(frame, vm->mac, router, id);
	if (ask(vm, frame, len, is_echo_reply, &id))
		return fail("fd 3: no ICMP echo reply from 172.16.0.1 within %d ms on any queue", WAIT_MS);
	printf("ch_vmm: ICMP: echo reply from 172.16.0.1\n");
	return 0;
}

/**
 * struct frame_link - the DHCP client's datagrams as raw frames on the VM's queues
 * @vm:		the VM
 * @reply:	where the matcher copies a reply's BOOTP payload
 * @size:	size of @reply
 * @len:	length copied
 * @xid:	transaction id the matcher wants
 */
struct frame_link {
	const struct vm *vm;
	uint8_t *reply;
	size_t size, len;
	uint32_t xid;
	struct in_addr src;
};

/* The DHCP datagram after a zeroed virtio-net header, in a client's frame (wire_frame_from()). */
static int frame_send(void *ctx, struct wire *w)
{
	const struct frame_link *fl = ctx;
	uint8_t f[VNET_HDR + WIRE_FRAME_HEADERS + sizeof(w->b)];

	memset(f, 0, VNET_HDR);
	return write(fl->vm->fds[0], f,
		     VNET_HDR + wire_frame_from(f + VNET_HDR, fl->vm->mac, fl->src, w)) < 0 ? -1 : 0;
}

/* frame_apply() - the offered address becomes the source of the REQUEST, as in Redox */
static int frame_apply(void *ctx, struct in_addr addr, struct in_addr mask)
{
	struct frame_link *fl = ctx;

	(void)mask;
	fl->src = addr;
	return 0;
}

/* A UDP datagram to port 68 carrying a BOOTREPLY for our xid; copied to the link. */
static bool is_dhcp_reply(const uint8_t *e, size_t len, void *arg)
{
	struct frame_link *fl = arg;
	size_t blen;
	const uint8_t *bootp = wire_frame_reply(e, len, &blen);

	if (!bootp || wire_xid(bootp) != fl->xid)
		return false;
	fl->len = blen < fl->size ? blen : fl->size;
	memcpy(fl->reply, bootp, fl->len);
	return true;
}

static ssize_t frame_reply(void *ctx, uint32_t xid, uint8_t *buf, size_t size)
{
	struct frame_link *fl = ctx;

	fl->reply = buf;
	fl->size = size;
	fl->xid = xid;
	return wait_frame(fl->vm, is_dhcp_reply, fl, WAIT_MS) ? -1 : (ssize_t)fl->len;
}

/*
 * CH_VMM_DHCP=redox: before anything else, get the lease on fd 3 exactly as Redox OS's
 * client does (tests/tools/dhcp_wire.h), and require the address the guest expects.
 * CH_VMM_DHCP=hold (@any): take whatever address the pool gives, for many VMs at once.
 */
static int lease_like_redox(const struct vm *vm, bool any, struct in_addr *yiaddr)
{
	struct frame_link fl = { .vm = vm };
	struct wire_link link = { frame_send, frame_reply, &fl, frame_apply };
	struct wire_lease lease;

	if (wire_redox_client(&link, vm->mac, (uint32_t)getpid(), &lease))
		return fail("fd 3: no OFFER for the Redox-style client's one DISCOVER");
	/* Redox reads no ACK; the tests want the responder to have bound the address too. */
	if (lease.reply != 5 || lease.acked.s_addr != lease.addr.s_addr)
		return fail("fd 3: the REQUEST for %s was not ACKed", inet_ntoa(lease.addr));
	*yiaddr = lease.addr;
	if (!any && memcmp(yiaddr, guest_ip, 4))
		return fail("fd 3: DHCP gave %s, not 172.16.0.2", inet_ntoa(*yiaddr));
	return 0;
}

/*
 * CH_VMM_DHCP=hold: a VM that has its lease and keeps its queue fds, and with them its
 * TAP, until it is killed, as a guest that booted would.  For the bridge benchmark,
 * which brings up many VMs and needs them all alive at once.
 */
static int lease_and_hold(const struct vm *vm)
{
	struct in_addr yiaddr;

	if (lease_like_redox(vm, true, &yiaddr))
		return 1;
	printf("ch_vmm: lease %s, holding the queue fds until killed\n", inet_ntoa(yiaddr));
	for (;;)
		pause();
}

int main(int argc, char *argv[])
{
	const char *dhcp = getenv("CH_VMM_DHCP");
	struct vm vm = { .mac = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 } };
	struct in_addr yiaddr;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (guard_refuse_root_netns("ch_vmm"))
		return 2;
	if (parse_args(&vm, argc, argv))
		return 2;
	printf("ch_vmm: command line accepted: %u fd(s), num_queues %u\n", vm.nfds, 2 * vm.nfds);
	if (prepare_queues(&vm))
		return 1;
	if (dhcp && !strcmp(dhcp, "hold"))
		return lease_and_hold(&vm);
	if ((dhcp && !strcmp(dhcp, "redox") && lease_like_redox(&vm, false, &yiaddr)) ||
	    exchange_frames(&vm))
		return 1;
	printf("ch_vmm: ok\n");
	return 0;
}
