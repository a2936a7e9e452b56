// SPDX-License-Identifier: MIT
/* test_proto.c - unit tests for the runner <-> helper protocol: request argv, reply header, fd count */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/proto.h"

/* parse() - parse a NULL-terminated list of arguments after argv[0]; Return: proto_parse_request() */
static int parse(struct proto_request *req, const char *const *args)
{
	char *argv[16], why[128];
	int argc = 0;

	argv[argc++] = "redox-net-helper";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	why[0] = '\0';
	if (proto_parse_request(argc, argv, req, why, sizeof(why)) == 0)
		return 0;
	assert_true(why[0] != '\0');	/* every refusal says why */
	return -1;
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void request_accepted_and_round_trips(void **state)
{
	struct proto_request req, back;
	char bufs[3][32], why[128];
	const char *argv[PROTO_ARGV_MAX];
	int argc;

	(void)state;
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "tap0")), 0);
	assert_int_equal(req.fd, 3);
	assert_int_equal(req.kind, PROTO_KIND_TAP);
	assert_string_equal(req.ifname, "tap0");
	assert_int_equal(req.queues, 1);
	/* Any order; the 15-character name is the longest. */
	assert_int_equal(parse(&req, ARGS("--queues", "253", "--macvtap", "abcdefghijklmno",
					  "--fd=65535")), 0);
	assert_int_equal(req.kind, PROTO_KIND_MACVTAP);
	assert_int_equal(req.queues, 253);
	assert_int_equal(req.fd, 65535);
	/* What the runner execs is what the helper reads. */
	argc = proto_request_argv(&req, bufs, argv);
	assert_int_equal(argc, 6);
	assert_null(argv[argc]);
	assert_int_equal(proto_parse_request(argc, (char *const *)argv, &back, why, sizeof(why)), 0);
	assert_int_equal(back.fd, req.fd);
	assert_int_equal(back.kind, req.kind);
	assert_int_equal(back.queues, req.queues);
	assert_string_equal(back.ifname, req.ifname);
}

/* --bridge with and without --slot; --slot alone, twice, out of range or with --tap is refused. */
static void bridge_request_and_slot(void **state)
{
	struct proto_request req, back;
	char bufs[3][32], why[128];
	const char *argv[PROTO_ARGV_MAX];
	int argc;

	(void)state;
	assert_int_equal(parse(&req, ARGS("--fd=3", "--bridge", "redoxbr0")), 0);
	assert_int_equal(req.kind, PROTO_KIND_BRIDGE);
	assert_int_equal(req.slot, PROTO_SLOT_ANY);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--bridge", "redoxbr0", "--slot", "255",
					  "--queues", "253")), 0);
	assert_int_equal(req.slot, 255);
	argc = proto_request_argv(&req, bufs, argv);
	assert_int_equal(argc, PROTO_ARGV_MAX - 2);
	assert_null(argv[argc]);
	assert_int_equal(proto_parse_request(argc, (char *const *)argv, &back, why, sizeof(why)), 0);
	assert_int_equal(back.kind, PROTO_KIND_BRIDGE);
	assert_int_equal(back.slot, 255);
	assert_int_equal(back.queues, 253);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--bridge", "redoxbr0", "--slot", "256")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--bridge", "redoxbr0", "--slot", "-1")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--bridge", "b", "--slot", "1", "--slot", "2")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "tap0", "--slot", "1")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--bridge", "b", "--tap", "t")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--slot", "1")), -1);
}

static void queue_bounds(void **state)
{
	struct proto_request req;

	(void)state;
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues", "1")), 0);
	assert_int_equal(req.queues, 1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues", "253")), 0);
	assert_int_equal(req.queues, 253);
	/* 0 is no queue; 254 is more fds than one SCM_RIGHTS message carries. */
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues", "0")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues", "254")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues", "257")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues")), -1);
}

static void numbers_strictly_decimal(void **state)
{
	static const char *const bad_queues[] = {
		"-1", "+1", "01", "0x10", "1 ", " 1", "1e1", "", "4294967297",
		"99999999999999999999999999",
	};
	static const char *const bad_fds[] = {
		"--fd=", "--fd=abc", "--fd=-1", "--fd=0", "--fd=1", "--fd=2", "--fd=03",
		"--fd=65536", "--fd=99999", "--fd=3x", "--fd= 3",
	};
	struct proto_request req;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_queues) / sizeof(bad_queues[0]); i++)
		assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues", bad_queues[i])), -1);
	for (size_t i = 0; i < sizeof(bad_fds) / sizeof(bad_fds[0]); i++)
		assert_int_equal(parse(&req, ARGS(bad_fds[i], "--tap", "t")), -1);
}

static void duplicates_and_strays_refused(void **state)
{
	struct proto_request req;

	(void)state;
	/* A command line that could be read two ways is refused, even when both agree. */
	assert_int_equal(parse(&req, ARGS("--fd=3", "--fd=3", "--tap", "t")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--tap", "t")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--macvtap", "m")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "--queues", "2", "--queues", "2")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "t", "extra")), -1);
	assert_int_equal(parse(&req, ARGS("--fd", "3", "--tap", "t")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap=t")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3")), -1);		/* no device */
	assert_int_equal(parse(&req, ARGS("--tap", "t")), -1);		/* no socket */
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap")), -1);	/* name missing */
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "abcdefghijklmnop")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "../x")), -1);
	assert_int_equal(parse(&req, ARGS("--fd=3", "--tap", "-x")), -1);
	assert_int_equal(parse(&req, (const char *const[]){ NULL }), -1);
}

/* ok_reply() - a valid success reply for tap0 with @queues fds */
static struct proto_reply ok_reply(uint32_t queues)
{
	struct proto_reply r = {
		.status = 0, .kind = PROTO_KIND_TAP, .ifname = "tap0", .ifindex = 7,
		.mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .mtu = 1500, .queues = queues,
	};
	return r;
}

static void reply_round_trips(void **state)
{
	struct proto_reply r = ok_reply(2), back;
	uint8_t wire[PROTO_REPLY_SIZE];
	const char *why = NULL;

	(void)state;
	proto_reply_encode(&r, wire);
	assert_int_equal(proto_reply_decode(wire, sizeof(wire), &back, &why), 0);
	assert_int_equal(back.status, 0);
	assert_int_equal(back.kind, PROTO_KIND_TAP);
	assert_string_equal(back.ifname, "tap0");
	assert_int_equal(back.ifindex, 7);
	assert_memory_equal(back.mac, r.mac, 6);
	assert_int_equal(back.mtu, 1500);
	assert_int_equal(back.queues, 2);
	assert_string_equal(back.error, "");
	/* A refusal carries its text and no fds. */
	memset(&r, 0, sizeof(r));
	r.status = 3;
	strcpy(r.error, "policy: denied");
	proto_reply_encode(&r, wire);
	assert_int_equal(proto_reply_decode(wire, sizeof(wire), &back, &why), 0);
	assert_int_equal(back.status, 3);
	assert_string_equal(back.error, "policy: denied");
}

/* decode_fails() - assert that @wire is refused and @why names the problem */
static void decode_fails(const uint8_t *wire, size_t len, const char *why_part)
{
	struct proto_reply back;
	const char *why = NULL;

	assert_int_equal(proto_reply_decode(wire, len, &back, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}

static void reply_header_checked(void **state)
{
	struct proto_reply r = ok_reply(1);
	uint8_t wire[PROTO_REPLY_SIZE + 1], bad[PROTO_REPLY_SIZE];

	(void)state;
	proto_reply_encode(&r, wire);
	decode_fails(wire, 0, "wrong size");
	decode_fails(wire, PROTO_REPLY_SIZE - 1, "wrong size");
	decode_fails(wire, PROTO_REPLY_SIZE + 1, "wrong size");
	memcpy(bad, wire, sizeof(bad));
	bad[0] ^= 1;					/* magic */
	decode_fails(bad, sizeof(bad), "not from this version");
	memcpy(bad, wire, sizeof(bad));
	bad[4] = PROTO_VERSION + 1;			/* version */
	decode_fails(bad, sizeof(bad), "not from this version");
	memcpy(bad, wire, sizeof(bad));
	memset(bad + 12, 'a', IFNAMSIZ);		/* ifname with no NUL */
	decode_fails(bad, sizeof(bad), "unterminated");
	memcpy(bad, wire, sizeof(bad));
	bad[48] = '\x1b';				/* an escape sequence in the error */
	decode_fails(bad, sizeof(bad), "unprintable");
	memcpy(bad, wire, sizeof(bad));
	memset(bad + 48, 'e', PROTO_ERROR_MAX);		/* error with no NUL */
	decode_fails(bad, sizeof(bad), "unterminated");
}

static void reply_fd_count_semantics(void **state)
{
	static const uint32_t bad_queues[] = { 0, PROTO_MAX_QUEUES + 1, 256, UINT32_MAX };
	uint8_t wire[PROTO_REPLY_SIZE];
	struct proto_reply r;

	(void)state;
	/* Success must carry 1..253 fds of a valid device ... */
	for (size_t i = 0; i < sizeof(bad_queues) / sizeof(bad_queues[0]); i++) {
		r = ok_reply(bad_queues[i]);
		proto_reply_encode(&r, wire);
		decode_fails(wire, sizeof(wire), "no valid device");
	}
	r = ok_reply(PROTO_MAX_QUEUES);
	proto_reply_encode(&r, wire);
	assert_int_equal(proto_reply_decode(wire, sizeof(wire), &r, &(const char *){ NULL }), 0);
	r = ok_reply(1);
	r.kind = PROTO_KIND_BRIDGE + 1;
	proto_reply_encode(&r, wire);
	decode_fails(wire, sizeof(wire), "no valid device");
	r = ok_reply(1);
	strcpy(r.ifname, "..");
	proto_reply_encode(&r, wire);
	decode_fails(wire, sizeof(wire), "no valid device");
	/* ... and a failure none at all. */
	r = ok_reply(1);
	r.status = 1;
	proto_reply_encode(&r, wire);
	decode_fails(wire, sizeof(wire), "failure that carries fds");
}

/* open_fds() - Return: how many descriptors this process has open */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* send_with_fds() - send @wire with @n copies of @fd attached, as a confused helper might */
static void send_with_fds(int sock, const uint8_t *wire, int fd, size_t n)
{
	const int fds[4] = { fd, fd, fd, fd };

	assert_true(n <= 4);
	assert_int_equal(proto_send_wire(sock, wire, fds, n), 0);
}

static void received_fds_match_header_or_none_kept(void **state)
{
	struct proto_reply r = ok_reply(2), back;
	uint8_t wire[PROTO_REPLY_SIZE];
	int sv[2], fds[PROTO_MAX_QUEUES], before;
	const char *why;

	(void)state;
	/* A local socketpair: the fds travel as they do between the helper and the runner. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	before = open_fds();
	proto_reply_encode(&r, wire);
	/* Fewer fds than announced, more, and a failure header with fds: none may stay open. */
	for (size_t n = 1; n <= 3; n += 2) {
		send_with_fds(sv[1], wire, sv[1], n);
		assert_int_equal(proto_recv_reply(sv[0], &back, fds, &why), -1);
		assert_non_null(strstr(why, "different number of fds"));
		assert_int_equal(open_fds(), before);
	}
	r = ok_reply(0);
	r.status = 1;
	proto_reply_encode(&r, wire);
	send_with_fds(sv[1], wire, sv[1], 1);
	assert_int_equal(proto_recv_reply(sv[0], &back, fds, &why), -1);
	assert_int_equal(open_fds(), before);
	/* The announced count arrives: the fds are handed over. */
	r = ok_reply(2);
	proto_reply_encode(&r, wire);
	send_with_fds(sv[1], wire, sv[1], 2);
	assert_int_equal(proto_recv_reply(sv[0], &back, fds, &why), 0);
	assert_int_equal(back.queues, 2);
	assert_int_equal(open_fds(), before + 2);
	close(fds[0]);
	close(fds[1]);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_accepted_and_round_trips),
		cmocka_unit_test(bridge_request_and_slot),
		cmocka_unit_test(queue_bounds),
		cmocka_unit_test(numbers_strictly_decimal),
		cmocka_unit_test(duplicates_and_strays_refused),
		cmocka_unit_test(reply_round_trips),
		cmocka_unit_test(reply_header_checked),
		cmocka_unit_test(reply_fd_count_semantics),
		cmocka_unit_test(received_fds_match_header_or_none_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
