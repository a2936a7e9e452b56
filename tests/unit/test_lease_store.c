// SPDX-License-Identifier: MIT
/* test_lease_store.c - unit tests for the lease journal: reload, compaction, damage, hostile names */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"
#include "netsetup/dhcp/lease_record.h"
#include "netsetup/dhcp/lease_store.h"
#include "tests/unit/dhcp_packet.h"

#define NOW 1700000000

static const uint8_t mac_a[6] = { 0x52, 0x54, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0, 0, 0, 0xb };
static const uint8_t mac_c[6] = { 0x52, 0x54, 0, 0, 0, 0xc };

/*
 * Fault injection.  This program defines write(), fdatasync(), fsync(),
 * ftruncate() and renameat() itself, so the lease journal linked into it calls
 * these instead of libc's: each goes straight to the system call unless the
 * test armed a failure for it.  Nothing else in the program uses them while
 * a failure is armed (cmocka prints through stdio, which calls libc inside).
 */
enum fault_op {
	FAULT_NONE = 0,
	FAULT_WRITE = 1 << 0,		/* every write fails */
	FAULT_TORN_WRITE = 1 << 1,	/* a write lands half its bytes, the rest fails */
	FAULT_FDATASYNC = 1 << 2,
	FAULT_FSYNC_FILE = 1 << 3,	/* fsync() of a regular file (the compaction's temp file) */
	FAULT_FSYNC_DIR = 1 << 4,	/* fsync() of the lease directory, after the rename */
	FAULT_FTRUNCATE = 1 << 5,
	FAULT_RENAME = 1 << 6,
};

/**
 * struct fault - the armed failures
 * @ops:	enum fault_op bits
 * @err:	errno they fail with
 * @torn:	a FAULT_TORN_WRITE has landed its half; the next write fails
 * @hits:	failures injected so far
 */
static struct fault {
	unsigned int ops;
	int err;
	bool torn;
	unsigned int hits;
} fault;

/**
 * struct fault_case - one failure for a test to inject
 * @ops:	enum fault_op bits
 * @err:	the errno
 */
struct fault_case {
	unsigned int ops;
	int err;
};
#define N_CASES(a)	(sizeof(a) / sizeof((a)[0]))

static void fault_arm(unsigned int ops, int err)
{
	fault = (struct fault){ .ops = ops, .err = err };
}

/* fault_hit() - Return: true (errno set) if @op is armed */
static bool fault_hit(unsigned int op)
{
	if (!(fault.ops & op))
		return false;
	fault.hits++;
	errno = fault.err;
	return true;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (fault.ops & FAULT_TORN_WRITE && !fault.torn && len > 1) {
		fault.torn = true;
		return syscall(SYS_write, fd, buf, len / 2);
	}
	if (fault_hit(FAULT_WRITE | (fault.torn ? FAULT_TORN_WRITE : 0)))
		return -1;
	return syscall(SYS_write, fd, buf, len);
}

int fdatasync(int fd)
{
	return fault_hit(FAULT_FDATASYNC) ? -1 : (int)syscall(SYS_fdatasync, fd);
}

int fsync(int fd)
{
	struct stat st;
	bool dir = !fstat(fd, &st) && S_ISDIR(st.st_mode);

	return fault_hit(dir ? FAULT_FSYNC_DIR : FAULT_FSYNC_FILE) ? -1 : (int)syscall(SYS_fsync, fd);
}

int ftruncate(int fd, off_t len)
{
	return fault_hit(FAULT_FTRUNCATE) ? -1 : (int)syscall(SYS_ftruncate, fd, len);
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	if (fault_hit(FAULT_RENAME))
		return -1;
	return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, 0);
}

/* setup() - a fresh temporary lease directory per test */
static int setup(void **state)
{
	char *dir = strdup("/tmp/rxn-lease-XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	log_set_quiet(true);
	fault_arm(FAULT_NONE, 0);	/* a failed test may have left one armed */
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	free(*state);
	return system(cmd) == 0 ? 0 : -1;
}

static struct lease_store *open_store(const char *dir)
{
	struct lease_store *s;

	assert_int_equal(lease_store_open(&s, dir, ip("172.16.0.0"), 256, NOW), 0);
	return s;
}

/* read_journal() - Return: the whole journal file as a string (caller frees) */
static char *read_journal(const char *dir)
{
	char path[256], *buf = calloc(1, 1 << 20);
	FILE *f;

	snprintf(path, sizeof(path), "%s/leases", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, (1 << 20) - 1, f) < (1 << 20) - 1);
	fclose(f);
	return buf;
}

/* append_journal() - add raw bytes to the journal, as a crash or an attacker might */
static void append_journal(const char *dir, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/leases", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

static void append_and_reload(void **state)
{
	struct lease_store *s = open_store(*state);
	const struct lease *l;
	const uint8_t *name;

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, (const uint8_t *)"redox", 5);
	lease_store_bind(s, mac_b, ip("172.16.0.11"), NOW + 60, NULL, 0);
	lease_store_offer(s, mac_b, ip("172.16.0.11"), NOW + 60);
	assert_true(lease_store_pending(s) > 0);
	assert_int_equal(lease_store_commit(s), 0);
	assert_int_equal(lease_store_pending(s), 0);
	/* Simulate kill -9: no close, no flush beyond the commit. */
	struct lease_store *t = open_store(*state);

	l = lease_store_by_mac(t, mac_a);
	assert_non_null(l);
	assert_int_equal(l->ip.s_addr, ip("172.16.0.10").s_addr);
	assert_int_equal(l->state, LEASE_BOUND);
	assert_int_equal(l->expires, NOW + 3600);
	assert_int_equal(lease_store_hostname(t, l, &name), 5);
	assert_memory_equal(name, "redox", 5);
	l = lease_store_by_ip(t, ip("172.16.0.11"));
	assert_int_equal(l->state, LEASE_BOUND);	/* the offer was memory only */
	assert_memory_equal(l->mac, mac_b, 6);
	lease_store_close(t);
	lease_store_close(s);
}

static void uncommitted_records_are_not_on_disk(void **state)
{
	struct lease_store *s = open_store(*state);
	char *text;

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	text = read_journal(*state);
	assert_null(strstr(text, "bind"));
	free(text);
	assert_int_equal(lease_store_commit(s), 0);
	text = read_journal(*state);
	assert_non_null(strstr(text, "bind 52:54:00:00:00:0a 172.16.0.10 1700003600 -\n"));
	free(text);
	lease_store_close(s);
}

static void release_and_decline_survive(void **state)
{
	struct lease_store *s = open_store(*state), *t;
	const struct lease *l;

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	lease_store_bind(s, mac_b, ip("172.16.0.11"), NOW + 3600, NULL, 0);
	lease_store_release(s, ip("172.16.0.10"));
	lease_store_decline(s, ip("172.16.0.12"), NOW + 600);
	assert_int_equal(lease_store_commit(s), 0);
	t = open_store(*state);
	assert_null(lease_store_by_mac(t, mac_a));
	l = lease_store_by_ip(t, ip("172.16.0.10"));
	assert_int_equal(l->state, LEASE_FREE);
	/* Released, it is still kept from other MACs until its end plus the grace, reload or not. */
	assert_int_equal(l->bound_until, NOW + 3600);
	assert_true(lease_in_quarantine(l, mac_b, NOW + 3600 + LEASE_QUARANTINE_GRACE - 1));
	assert_false(lease_in_quarantine(l, mac_b, NOW + 3600 + LEASE_QUARANTINE_GRACE));
	assert_false(lease_in_quarantine(l, mac_a, NOW));
	assert_ptr_equal(lease_store_last_by_mac(t, mac_a), l);
	assert_null(lease_store_last_by_mac(t, mac_b));
	l = lease_store_by_ip(t, ip("172.16.0.12"));
	assert_int_equal(l->state, LEASE_DECLINED);
	assert_true(lease_is_active(l, NOW));
	assert_false(lease_is_active(l, NOW + 600));
	assert_non_null(lease_store_by_mac(t, mac_b));
	lease_store_close(t);
	lease_store_close(s);
}

static void one_address_per_mac_and_no_double_allocation(void **state)
{
	struct lease_store *s = open_store(*state), *t;

	/* A moves from .10 to .20; B takes .10 afterwards. */
	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	lease_store_bind(s, mac_a, ip("172.16.0.20"), NOW + 3600, NULL, 0);
	lease_store_bind(s, mac_b, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	assert_int_equal(lease_store_commit(s), 0);
	for (int round = 0; round < 2; round++) {
		t = open_store(*state);
		assert_int_equal(lease_store_by_mac(t, mac_a)->ip.s_addr, ip("172.16.0.20").s_addr);
		assert_int_equal(lease_store_by_mac(t, mac_b)->ip.s_addr, ip("172.16.0.10").s_addr);
		assert_memory_equal(lease_store_by_ip(t, ip("172.16.0.10"))->mac, mac_b, 6);
		/* Exactly one bound slot per MAC. */
		size_t bound = 0;

		for (int i = 0; i < 256; i++) {
			char a[16];

			snprintf(a, sizeof(a), "172.16.0.%d", i);
			bound += lease_store_by_ip(t, ip(a))->state == LEASE_BOUND;
		}
		assert_int_equal(bound, 2);
		lease_store_close(t);	/* the second round reads the compacted file */
	}
	lease_store_close(s);
}

static void compaction_keeps_state_and_shrinks(void **state)
{
	struct lease_store *s = open_store(*state), *t;
	char *text;

	for (int i = 0; i < 3000; i++) {
		lease_store_bind(s, mac_a, ip(i % 2 ? "172.16.0.10" : "172.16.0.11"),
				 NOW + i, NULL, 0);
		assert_int_equal(lease_store_commit(s), 0);
		assert_int_equal(lease_store_maybe_compact(s, NOW), 0);
	}
	text = read_journal(*state);
	assert_true(count_lines(text) < 1024 + 256 + 2);	/* compacted along the way */
	free(text);
	lease_store_decline(s, ip("172.16.0.30"), NOW - 1);	/* already over */
	lease_store_decline(s, ip("172.16.0.31"), NOW + 100);
	assert_int_equal(lease_store_compact(s, NOW), 0);
	text = read_journal(*state);
	/*
	 * .11, which the MAC left for .10, is in quarantine until its lease's
	 * end: it is kept as its binding and a release, before the live ones.
	 * (Before the quarantine, the snapshot held .10's bind and the decline.)
	 */
	assert_string_equal(text, "# redox-net DHCP leases v1\n"
			    "bind 52:54:00:00:00:0a 172.16.0.11 1700002998 -\n"
			    "release 52:54:00:00:00:0a 172.16.0.11\n"
			    "bind 52:54:00:00:00:0a 172.16.0.10 1700002999 -\n"
			    "decline 172.16.0.31 1700000100\n");
	free(text);
	t = open_store(*state);
	assert_int_equal(lease_store_by_mac(t, mac_a)->expires, NOW + 2999);
	lease_store_close(t);
	lease_store_close(s);
}

static void damaged_records_skipped(void **state)
{
	static const char junk[] =
		"bind 52:54:00:00:00:0b 172.16.0.50 1700003600 -\n"	/* good */
		"bind 52:54:00:00:00:0c 172.16.0.51 1700003600\n"	/* missing field */
		"bind 53:54:00:00:00:0c 172.16.0.52 1700003600 -\n"	/* multicast MAC */
		"bind 52:54:00:00:00:0c 172.16.1.53 1700003600 -\n"	/* other subnet */
		"bind 52:54:00:00:00:0c 172.16.0.54 -5 -\n"
		"bind 52:54:00:00:00:0c 172.16.0.55 1700003600 a%n\n"	/* raw '%' */
		"bind 52:54:00:00:00:0c 172.16.0.56 1700003600 -x\n"	/* raw leading '-' */
		"bind 52:54:00:00:00:0c 172.16.0.57 1700003600 \\x4\n"
		"bind  52:54:00:00:00:0c 172.16.0.58 1700003600 -\n"
		"release 52:54:00:00:00:0b\n"
		"# a comment is not a record\n"
		"BIND 52:54:00:00:00:0c 172.16.0.59 1700003600 -\n"
		"\n"
		"bind 52:54:00:00:00:0d 172.16.0.60 1700003600 \x01\n"
		"decline 172.16.0.61 1700003600 extra\n"
		"bind 52:54:00:00:00:0e 172.16.0.62 17000";	/* torn tail */
	struct lease_store *s = open_store(*state), *t;

	lease_store_close(s);
	append_journal(*state, junk, sizeof(junk) - 1);
	append_journal(*state, "\0\0\0\0\n", 5);	/* what ext4 can leave after power loss */
	t = open_store(*state);
	assert_int_equal(lease_store_skipped(t), 15);	/* every line above but the first */
	assert_non_null(lease_store_by_mac(t, mac_b));
	for (int i = 51; i <= 62; i++) {
		char a[16];

		snprintf(a, sizeof(a), "172.16.0.%d", i);
		assert_int_equal(lease_store_by_ip(t, ip(a))->state, LEASE_FREE);
	}
	/* Reopening compacted the file: the torn tail is gone, appends start on a fresh line. */
	lease_store_bind(t, mac_a, ip("172.16.0.70"), NOW + 10, NULL, 0);
	assert_int_equal(lease_store_commit(t), 0);
	lease_store_close(t);
	t = open_store(*state);
	assert_non_null(lease_store_by_mac(t, mac_a));
	assert_non_null(lease_store_by_mac(t, mac_b));
	lease_store_close(t);
}

static void torn_tail_then_append(void **state)
{
	struct lease_store *s = open_store(*state), *t;

	lease_store_close(s);
	append_journal(*state, "bind 52:54:00:00:00:0a 172.16", 29);
	t = open_store(*state);
	assert_int_equal(lease_store_skipped(t), 0);	/* a torn tail is dropped, not counted as damage */
	lease_store_bind(t, mac_b, ip("172.16.0.5"), NOW + 10, NULL, 0);
	assert_int_equal(lease_store_commit(t), 0);
	lease_store_close(t);
	t = open_store(*state);
	assert_int_equal(lease_store_skipped(t), 0);	/* a torn tail is dropped, not counted as damage */
	assert_null(lease_store_by_mac(t, mac_a));
	assert_int_equal(lease_store_by_mac(t, mac_b)->ip.s_addr, ip("172.16.0.5").s_addr);
	lease_store_close(t);
}

static void hostile_hostnames_escaped(void **state)
{
	static const char *names[] = { "%n%s%x", "-rf /", "a\nbind 52:54:00:00:00:0b 172.16.0.9 9 -",
				       "\x1b]0;pwn\x07", "x y=z\\\"'" };
	struct lease_store *s = open_store(*state), *t;
	char *text;

	for (size_t i = 0; i < 5; i++) {
		uint8_t m[6] = { 0x52, 0x54, 0, 0, 1, (uint8_t)i };
		char a[16];

		snprintf(a, sizeof(a), "172.16.0.%zu", 100 + i);
		lease_store_bind(s, m, ip(a), NOW + 10, (const uint8_t *)names[i], strlen(names[i]));
	}
	assert_int_equal(lease_store_commit(s), 0);
	text = read_journal(*state);
	assert_int_equal(count_lines(text), 1 + 5);	/* the embedded newline did not split a record */
	assert_null(strchr(text, '%'));
	assert_null(strchr(text, '\x1b'));
	assert_null(strstr(text, " -rf"));
	assert_null(strstr(text, "172.16.0.9 "));
	free(text);
	t = open_store(*state);
	for (size_t i = 0; i < 5; i++) {
		uint8_t m[6] = { 0x52, 0x54, 0, 0, 1, (uint8_t)i };
		const struct lease *l = lease_store_by_mac(t, m);
		const uint8_t *name;

		assert_non_null(l);
		assert_int_equal(lease_store_hostname(t, l, &name), strlen(names[i]));
		assert_memory_equal(name, names[i], strlen(names[i]));
	}
	assert_int_equal(lease_store_by_ip(t, ip("172.16.0.9"))->state, LEASE_FREE);
	lease_store_close(t);
	lease_store_close(s);
}

static void record_round_trip_and_limits(void **state)
{
	struct lease_record r = { .kind = LEASE_REC_BIND, .mac = { 0x52, 0x54, 0, 1, 2, 3 },
				  .time = NOW, .hostname_len = LEASE_RECORD_HOST_MAX };
	struct lease_record back;
	char line[LEASE_RECORD_MAX];

	(void)state;
	r.ip = ip("172.16.0.2");
	memset(r.hostname, '\n', sizeof(r.hostname));	/* worst case: every byte escaped */
	assert_true(lease_record_format(&r, line) < LEASE_RECORD_MAX - 1);
	assert_null(lease_record_parse(line, &back));
	assert_memory_equal(&back, &r, sizeof(r));
	assert_non_null(lease_record_parse("bind 52:54:00:01:02:03 172.16.0.2 01700000000 -", &back));
	assert_non_null(lease_record_parse("bind 52:54:00:01:02:03 172.16.0.2 99999999999999999999 -",
					   &back));
	assert_non_null(lease_record_parse("decline 172.16.0.2 +5", &back));
	assert_non_null(lease_record_parse("release 52:54:00:01:02:03 172.016.0.2", &back));
	assert_null(lease_record_parse("release 52:54:00:01:02:03 172.16.0.2", &back));
	assert_int_equal(back.kind, LEASE_REC_RELEASE);
}

static void memory_only_store(void **state)
{
	struct lease_store *s;

	(void)state;
	assert_int_equal(lease_store_open(&s, NULL, ip("10.0.0.0"), 65536, NOW), 0);
	lease_store_bind(s, mac_a, ip("10.0.3.4"), NOW + 1, NULL, 0);
	assert_int_equal(lease_store_pending(s), 0);
	assert_int_equal(lease_store_commit(s), 0);
	assert_non_null(lease_store_by_mac(s, mac_a));
	assert_null(lease_store_by_ip(s, ip("10.1.0.0")));
	assert_null(lease_store_by_ip(s, ip("9.255.255.255")));
	/* Many MACs churning through one address keep the index bounded and correct. */
	for (uint32_t i = 0; i < 300000; i++) {
		uint8_t m[6] = { 0x52, 0x54, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i, 1 };

		lease_store_offer(s, m, ip("10.0.0.7"), NOW + 1);
		assert_memory_equal(lease_store_by_mac(s, m)->mac, m, 6);
	}
	assert_non_null(lease_store_by_mac(s, mac_a));
	lease_store_close(s);
	assert_int_equal(lease_store_open(&s, NULL, ip("10.0.0.0"), 0, NOW), -1);
}

/* The MAC index grows with the leases held: 20,000 leases on a /16, every one found. */
static void index_grows_with_leases(void **state)
{
	struct lease_store *s;

	(void)state;
	assert_int_equal(lease_store_open(&s, NULL, ip("10.0.0.0"), 65536, NOW), 0);
	for (uint32_t i = 1; i <= 20000; i++) {
		uint8_t m[6] = { 0x52, 0x54, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		struct in_addr a = { .s_addr = htonl(0x0a000000u + i) };

		lease_store_bind(s, m, a, NOW + 60, NULL, 0);
	}
	for (uint32_t i = 1; i <= 20000; i++) {
		uint8_t m[6] = { 0x52, 0x54, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		const struct lease *l = lease_store_by_mac(s, m);

		assert_non_null(l);
		assert_int_equal(ntohl(l->ip.s_addr), 0x0a000000u + i);
	}
	/* Releasing half and binding new MACs keeps every held lease findable. */
	for (uint32_t i = 1; i <= 10000; i++) {
		struct in_addr a = { .s_addr = htonl(0x0a000000u + i) };
		uint8_t m[6] = { 0x52, 0x55, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

		lease_store_release(s, a);
		lease_store_bind(s, m, a, NOW + 60, NULL, 0);
		assert_non_null(lease_store_by_mac(s, m));
	}
	for (uint32_t i = 10001; i <= 20000; i++) {
		uint8_t m[6] = { 0x52, 0x54, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };

		assert_non_null(lease_store_by_mac(s, m));
	}
	lease_store_close(s);
}

/* journal_is_clean() - every line of the journal is a whole record lease_record_parse() accepts */
static void assert_journal_clean(const char *dir)
{
	char *text = read_journal(dir), *line, *next;
	struct lease_record r;

	assert_true(!strncmp(text, "# redox-net DHCP leases v1\n", 27));
	for (line = strchr(text, '\n') + 1; *line; line = next + 1) {
		next = strchr(line, '\n');
		assert_non_null(next);	/* no torn last line */
		*next = '\0';
		if (lease_record_parse(line, &r))
			fail_msg("damaged journal line: '%s'", line);
	}
	free(text);
}

/* assert_bound() - @mac holds @addr in @s */
static void assert_bound(const struct lease_store *s, const uint8_t mac[6], const char *addr)
{
	const struct lease *l = lease_store_by_mac(s, mac);

	assert_int_equal(lease_store_skipped(s), 0);	/* no damaged record on reload */
	assert_non_null(l);
	assert_int_equal(l->state, LEASE_BOUND);
	assert_int_equal(l->ip.s_addr, ip(addr).s_addr);
}

static bool tmp_file_exists(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/leases.tmp", dir);
	return access(path, F_OK) == 0;
}

/* assert_journal_is() - the journal is still @before, byte for byte, and no temp file is left (frees @before) */
static void assert_journal_is(const char *dir, char *before)
{
	char *now = read_journal(dir);

	assert_string_equal(now, before);
	assert_false(tmp_file_exists(dir));
	free(now);
	free(before);
}

/*
 * assert_recovers() - with the fault gone, the next commit (C's bind) goes
 * through, every line of the journal is whole, and a reload finds A and C
 * with no damaged record
 */
static void assert_recovers(const char *dir, struct lease_store *s)
{
	struct lease_store *t;

	fault_arm(FAULT_NONE, 0);
	lease_store_bind(s, mac_c, ip("172.16.0.12"), NOW + 3600, NULL, 0);
	assert_int_equal(lease_store_commit(s), 0);
	assert_journal_clean(dir);
	t = open_store(dir);
	assert_bound(t, mac_a, "172.16.0.10");
	assert_bound(t, mac_c, "172.16.0.12");
	lease_store_close(t);
}

/*
 * A commit that fails, torn (half the bytes landed) or whole, leaves the
 * journal exactly as it was, keeps the address reserved in memory, and the
 * retry after the failure is saved.
 */
static void failed_commit_leaves_journal_as_it_was(void **state)
{
	static const struct fault_case faults[] = {
		{ FAULT_WRITE, ENOSPC },
		{ FAULT_TORN_WRITE, ENOSPC },
		{ FAULT_TORN_WRITE, EIO },
		{ FAULT_FDATASYNC, EIO },
		{ FAULT_FDATASYNC, ENOSPC },
	};
	struct lease_store *s = open_store(*state), *t;

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	assert_int_equal(lease_store_commit(s), 0);
	for (size_t i = 0; i < N_CASES(faults); i++) {
		char *before = read_journal(*state);

		fault_arm(faults[i].ops, faults[i].err);
		lease_store_bind(s, mac_b, ip("172.16.0.11"), NOW + 3600, NULL, 0);
		errno = 0;
		assert_int_equal(lease_store_commit(s), -1);
		assert_int_equal(errno, faults[i].err);
		assert_true(fault.hits > 0);
		fault_arm(FAULT_NONE, 0);
		assert_journal_is(*state, before);
		/* Not on disk, so not acknowledged; but nobody else gets the address. */
		assert_bound(s, mac_b, "172.16.0.11");
		lease_store_release(s, ip("172.16.0.11"));
		assert_int_equal(lease_store_commit(s), 0);
	}
	/* Room again: the client's retry is saved. */
	lease_store_bind(s, mac_b, ip("172.16.0.11"), NOW + 3600, NULL, 0);
	assert_recovers(*state, s);
	t = open_store(*state);
	assert_bound(t, mac_b, "172.16.0.11");
	lease_store_close(t);
	lease_store_close(s);
}

/*
 * Half a batch landed and the tail cannot be cut off (ftruncate fails too,
 * as it can on a file system that needs space to shrink a file).  The next
 * record must never be glued onto that half line, where the reload would
 * throw it away with the ACKed lease in it.
 */
static void uncut_torn_tail_is_never_appended_to(void **state)
{
	struct lease_store *s = open_store(*state);

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	assert_int_equal(lease_store_commit(s), 0);
	fault_arm(FAULT_TORN_WRITE | FAULT_FTRUNCATE, EIO);
	lease_store_bind(s, mac_b, ip("172.16.0.11"), NOW + 3600, (const uint8_t *)"bee", 3);
	assert_int_equal(lease_store_commit(s), -1);
	assert_true(fault.hits >= 2);
	/* Still failing: nothing may be acknowledged. */
	lease_store_bind(s, mac_c, ip("172.16.0.12"), NOW + 3600, NULL, 0);
	assert_int_equal(lease_store_commit(s), -1);
	assert_recovers(*state, s);
	lease_store_close(s);
}

/*
 * Compaction that fails at any step before the rename (a full disk for the
 * temporary file, a torn write, its fsync, the rename itself) leaves the old
 * journal byte for byte, removes the temporary file, and the old journal
 * keeps taking appends.
 */
static void failed_compaction_keeps_old_journal(void **state)
{
	static const struct fault_case faults[] = {
		{ FAULT_WRITE, ENOSPC },
		{ FAULT_TORN_WRITE, ENOSPC },
		{ FAULT_FSYNC_FILE, EIO },
		{ FAULT_RENAME, EIO },
	};
	struct lease_store *s = open_store(*state), *t;

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	lease_store_decline(s, ip("172.16.0.30"), NOW + 600);
	assert_int_equal(lease_store_commit(s), 0);
	for (size_t i = 0; i < N_CASES(faults); i++) {
		char *before = read_journal(*state);
		uint8_t m[6] = { 0x52, 0x54, 0, 0, 2, (uint8_t)i };
		char a[16];

		fault_arm(faults[i].ops, faults[i].err);
		errno = 0;
		assert_int_equal(lease_store_compact(s, NOW), -1);
		assert_int_equal(errno, faults[i].err);
		fault_arm(FAULT_NONE, 0);
		assert_journal_is(*state, before);
		snprintf(a, sizeof(a), "172.16.0.%zu", 40 + i);
		lease_store_bind(s, m, ip(a), NOW + 3600, NULL, 0);
		assert_int_equal(lease_store_commit(s), 0);
	}
	assert_journal_clean(*state);
	t = open_store(*state);
	assert_bound(t, mac_a, "172.16.0.10");
	assert_int_equal(lease_store_by_ip(t, ip("172.16.0.30"))->state, LEASE_DECLINED);
	for (size_t i = 0; i < N_CASES(faults); i++) {
		uint8_t m[6] = { 0x52, 0x54, 0, 0, 2, (uint8_t)i };
		char a[16];

		snprintf(a, sizeof(a), "172.16.0.%zu", 40 + i);
		assert_bound(t, m, a);
	}
	lease_store_close(t);
	lease_store_close(s);
}

/*
 * The rename of a compaction went through but the directory could not be
 * synced.  The file named "leases" is now the new one: appends must go
 * there, never to the old file the rename unlinked, and none may be
 * acknowledged until the directory is synced.
 */
static void compaction_unsynced_rename_appends_to_new_file(void **state)
{
	struct lease_store *s = open_store(*state);

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	assert_int_equal(lease_store_commit(s), 0);
	fault_arm(FAULT_FSYNC_DIR, EIO);
	assert_int_equal(lease_store_compact(s, NOW), -1);
	lease_store_bind(s, mac_b, ip("172.16.0.11"), NOW + 3600, NULL, 0);
	assert_int_equal(lease_store_commit(s), -1);
	assert_recovers(*state, s);
	lease_store_close(s);
}

/* The compaction at start-up cannot write: the store does not open, the journal is untouched. */
static void open_on_full_disk_fails_and_keeps_journal(void **state)
{
	struct lease_store *s = open_store(*state), *t;
	char *before;

	lease_store_bind(s, mac_a, ip("172.16.0.10"), NOW + 3600, NULL, 0);
	lease_store_close(s);
	before = read_journal(*state);
	fault_arm(FAULT_WRITE, ENOSPC);
	errno = 0;
	assert_int_equal(lease_store_open(&t, *state, ip("172.16.0.0"), 256, NOW), -1);
	assert_int_equal(errno, ENOSPC);
	assert_null(t);
	fault_arm(FAULT_NONE, 0);
	assert_journal_is(*state, before);
	t = open_store(*state);
	assert_bound(t, mac_a, "172.16.0.10");
	lease_store_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(append_and_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(uncommitted_records_are_not_on_disk, setup, teardown),
		cmocka_unit_test_setup_teardown(release_and_decline_survive, setup, teardown),
		cmocka_unit_test_setup_teardown(one_address_per_mac_and_no_double_allocation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(compaction_keeps_state_and_shrinks, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_records_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(torn_tail_then_append, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_hostnames_escaped, setup, teardown),
		cmocka_unit_test(record_round_trip_and_limits),
		cmocka_unit_test(memory_only_store),
		cmocka_unit_test(index_grows_with_leases),
		cmocka_unit_test_setup_teardown(failed_commit_leaves_journal_as_it_was, setup, teardown),
		cmocka_unit_test_setup_teardown(uncut_torn_tail_is_never_appended_to, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_compaction_keeps_old_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(compaction_unsynced_rename_appends_to_new_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(open_on_full_disk_fails_and_keeps_journal, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
