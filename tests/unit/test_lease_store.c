// SPDX-License-Identifier: MIT
/* test_lease_store.c - unit tests for the lease journal: reload, compaction, damage, hostile names */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/log.h"
#include "netsetup/dhcp/lease_record.h"
#include "netsetup/dhcp/lease_store.h"
#include "tests/unit/dhcp_packet.h"

#define NOW 1700000000

static const uint8_t mac_a[6] = { 0x52, 0x54, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0, 0, 0, 0xb };

/* setup() - a fresh temporary lease directory per test */
static int setup(void **state)
{
	char *dir = strdup("/tmp/rxn-lease-XXXXXX");

	if (!dir || !mkdtemp(dir))
		return -1;
	*state = dir;
	log_set_quiet(true);
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
	assert_int_equal(l->hostname_len, 5);
	assert_memory_equal(l->hostname, "redox", 5);
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
	assert_int_equal(lease_store_by_ip(t, ip("172.16.0.10"))->state, LEASE_FREE);
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
	assert_string_equal(text, "# redox-net DHCP leases v1\n"
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
	lease_store_bind(t, mac_b, ip("172.16.0.5"), NOW + 10, NULL, 0);
	assert_int_equal(lease_store_commit(t), 0);
	lease_store_close(t);
	t = open_store(*state);
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

		assert_non_null(l);
		assert_int_equal(l->hostname_len, strlen(names[i]));
		assert_memory_equal(l->hostname, names[i], strlen(names[i]));
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
