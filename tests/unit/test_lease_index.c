// SPDX-License-Identifier: MIT
/* test_lease_index.c - unit tests for the lease slots: MAC index, host names, expiry sweep */
#include <setjmp.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "netsetup/dhcp/lease_hash.h"
#include "netsetup/dhcp/lease_index.h"
#include "netsetup/dhcp/lease_names.h"

#define SLOTS	70000	/* more than a /16: the chains must grow past their first size */

static void mac_of(uint32_t n, uint8_t mac[6])
{
	const uint8_t m[6] = { 0x02, 0, (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
			       (uint8_t)n };

	memcpy(mac, m, 6);
}

/* count() - Return: how many slots lease_index_next() yields for @mac */
static size_t count(const struct lease_index *x, const struct lease *slots, const uint8_t mac[6])
{
	const struct lease *l = NULL;
	size_t n = 0;

	while ((l = lease_index_next(x, slots, mac, l))) {
		assert_memory_equal(l->mac, mac, 6);
		n++;
	}
	return n;
}

static void every_slot_found_after_growth(void **state)
{
	struct lease *slots = calloc(SLOTS, sizeof(*slots));
	struct lease_index x;
	uint8_t mac[6];

	(void)state;
	assert_non_null(slots);
	assert_int_equal(lease_index_init(&x), 0);
	for (uint32_t i = 0; i < SLOTS; i++) {
		mac_of(i, mac);
		lease_index_set_mac(&x, slots, i, mac);
	}
	assert_int_equal(x.entries, SLOTS);
	/* The heads grow with the entries (at most one per entry), not beyond. */
	assert_true(x.mask + 1 >= SLOTS / 2 && x.mask + 1 <= 2 * (uint32_t)SLOTS);
	for (uint32_t i = 0; i < SLOTS; i += 97) {
		mac_of(i, mac);
		assert_ptr_equal(lease_index_next(&x, slots, mac, NULL), &slots[i]);
		assert_int_equal(count(&x, slots, mac), 1);
	}
	mac_of(SLOTS, mac);
	assert_null(lease_index_next(&x, slots, mac, NULL));
	lease_index_free(&x);
	free(slots);
}

static void slot_moves_to_its_new_mac(void **state)
{
	struct lease slots[8] = { 0 };
	struct lease_index x;
	uint8_t a[6], b[6], zero[6] = { 0 };

	(void)state;
	mac_of(1, a);
	mac_of(2, b);
	assert_int_equal(lease_index_init(&x), 0);
	/* An all-zero MAC is a MAC like any other; an untouched slot is on no chain. */
	assert_null(lease_index_next(&x, slots, zero, NULL));
	lease_index_set_mac(&x, slots, 3, zero);
	assert_ptr_equal(lease_index_next(&x, slots, zero, NULL), &slots[3]);
	lease_index_set_mac(&x, slots, 3, a);
	lease_index_set_mac(&x, slots, 5, a);
	lease_index_set_mac(&x, slots, 5, a);	/* again: no second entry */
	assert_int_equal(x.entries, 2);
	assert_int_equal(count(&x, slots, a), 2);
	assert_null(lease_index_next(&x, slots, zero, NULL));
	lease_index_set_mac(&x, slots, 3, b);
	assert_int_equal(count(&x, slots, a), 1);
	assert_ptr_equal(lease_index_next(&x, slots, a, NULL), &slots[5]);
	assert_ptr_equal(lease_index_next(&x, slots, b, NULL), &slots[3]);
	assert_int_equal(x.entries, 2);
	lease_index_free(&x);
}

static void names_reused_and_capped(void **state)
{
	struct lease_names n = { 0 };
	const uint8_t *name;
	uint8_t long_name[100];
	uint32_t h, h2;

	(void)state;
	memset(long_name, 'x', sizeof(long_name));
	assert_int_equal(lease_names_put(&n, long_name, 0, 0), 0);
	assert_int_equal(lease_names_get(&n, 0, &name), 0);
	assert_non_null(name);
	h = lease_names_put(&n, (const uint8_t *)"redox", 5, 1);
	assert_int_not_equal(h, 0);
	assert_int_equal(lease_names_get(&n, h, &name), 5);
	assert_memory_equal(name, "redox", 5);
	h2 = lease_names_put(&n, long_name, sizeof(long_name), 2);
	assert_int_equal(lease_names_get(&n, h2, &name), LEASE_NAME_MAX);
	lease_names_drop(&n, h);
	assert_int_equal(lease_names_put(&n, (const uint8_t *)"vm2", 3, 3), h);	/* the cell is reused */
	assert_int_equal(lease_names_get(&n, h2, &name), LEASE_NAME_MAX);
	/* Fill the store: the cap holds, and a drop makes room again. */
	while (lease_names_put(&n, (const uint8_t *)"a", 1, 4))
		;
	assert_int_equal(n.used, LEASE_NAMES_CHUNK * LEASE_NAMES_CHUNKS);
	lease_names_drop(&n, h2);
	assert_int_equal(lease_names_put(&n, (const uint8_t *)"b", 1, 5), h2);
	lease_names_free(&n);
}

static void count_expiry(const struct lease *l, void *ctx)
{
	(void)l;
	++*(int *)ctx;
}

/* Each binding's expiry is reported once, within 16 sweeps on a /16, and again after a rebind. */
static void expiry_swept_once(void **state)
{
	const int64_t now = 1700000000;
	struct lease_store *s;
	struct in_addr a = { .s_addr = htonl(0x0a00fff0) };
	uint8_t mac[6];
	const uint8_t *name;
	int seen = 0;

	(void)state;
	mac_of(7, mac);
	assert_int_equal(lease_store_open(&s, NULL, (struct in_addr){ htonl(0x0a000000) }, 65536, now), 0);
	lease_store_bind(s, mac, a, now + 60, (const uint8_t *)"vm7", 3);
	for (int i = 0; i < 16; i++)
		lease_store_sweep(s, now + 59, count_expiry, &seen);
	assert_int_equal(seen, 0);
	for (int i = 0; i < 32; i++)
		lease_store_sweep(s, now + 60, count_expiry, &seen);
	assert_int_equal(seen, 1);
	/* The binding stays for its MAC; the name is gone with the lease. */
	assert_ptr_equal(lease_store_by_mac(s, mac), lease_store_by_ip(s, a));
	assert_int_equal(lease_store_hostname(s, lease_store_by_ip(s, a), &name), 0);
	lease_store_bind(s, mac, a, now + 120, NULL, 0);
	for (int i = 0; i < 16; i++)
		lease_store_sweep(s, now + 120, count_expiry, &seen);
	assert_int_equal(seen, 2);
	lease_store_close(s);
}

/* found_named() - Return: how many leases lease_store_named() gives for @name */
static int found_named(const struct lease_store *s, const char *name)
{
	const struct lease *l = NULL;
	int n = 0;

	while ((l = lease_store_named(s, (const uint8_t *)name, strlen(name), l)))
		n++;
	return n;
}

/*
 * Names are found through their hash chain, ASCII case ignored, and leave it
 * with their lease: 6,000 names over 4,096 chains, half of them released.
 */
static void names_found_by_chain(void **state)
{
	const int64_t now = 1700000000;
	struct lease_store *s;
	char name[16];
	uint8_t mac[6];

	(void)state;
	assert_int_equal(lease_store_open(&s, NULL, (struct in_addr){ htonl(0x0a000000) }, 65536, now), 0);
	for (int i = 0; i < 6000; i++) {
		mac_of(i, mac);
		snprintf(name, sizeof(name), "vm%d", i);
		lease_store_bind(s, mac, (struct in_addr){ htonl(0x0a000100 + (uint32_t)i) }, now + 60,
				 (const uint8_t *)name, strlen(name));
	}
	assert_int_equal(found_named(s, "vm17"), 1);
	assert_int_equal(found_named(s, "VM17"), 1);
	assert_ptr_equal(lease_store_named(s, (const uint8_t *)"Vm17", 4, NULL),
			 lease_store_by_ip(s, (struct in_addr){ htonl(0x0a000100 + 17) }));
	assert_int_equal(found_named(s, "vm6000"), 0);
	for (int i = 0; i < 6000; i += 2)
		lease_store_release(s, (struct in_addr){ htonl(0x0a000100 + (uint32_t)i) });
	for (int i = 0; i < 6000; i++) {
		snprintf(name, sizeof(name), "vm%d", i);
		assert_int_equal(found_named(s, name), i % 2);
	}
	/* Two leases with one name are both found; a new name replaces the old one. */
	mac_of(1, mac);
	lease_store_bind(s, mac, (struct in_addr){ htonl(0x0a000101) }, now + 120,
			 (const uint8_t *)"VM3", 3);
	assert_int_equal(found_named(s, "vm3"), 2);
	assert_int_equal(found_named(s, "vm1"), 0);
	lease_store_close(s);
}

/* hash_in_new_process() - Return: lease_hash() of "redox" in a new process, with its own key */
static uint32_t hash_in_new_process(void)
{
	char self[4096] = "", cmd[4200];
	unsigned int h = 0;
	FILE *p;

	assert_true(readlink("/proc/self/exe", self, sizeof(self) - 1) > 0);
	snprintf(cmd, sizeof(cmd), "'%s' --hash", self);
	p = popen(cmd, "r");

	assert_non_null(p);
	assert_int_equal(fscanf(p, "%u", &h), 1);
	assert_int_equal(pclose(p), 0);
	return h;
}

/*
 * The chains' hash is keyed per process: guests cannot compute which MACs or
 * names share a chain.  (Two processes drawing the same 32-bit key: 2^-32.)
 */
static void hash_keyed_per_process(void **state)
{
	(void)state;
	assert_int_not_equal(hash_in_new_process(), hash_in_new_process());
	assert_int_equal(lease_hash((const uint8_t *)"Redox-VM", 8, true),
			 lease_hash((const uint8_t *)"redox-vm", 8, true));
	assert_int_not_equal(lease_hash((const uint8_t *)"Redox-VM", 8, false),
			     lease_hash((const uint8_t *)"redox-vm", 8, false));
}

int main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_slot_found_after_growth),
		cmocka_unit_test(slot_moves_to_its_new_mac),
		cmocka_unit_test(names_reused_and_capped),
		cmocka_unit_test(expiry_swept_once),
		cmocka_unit_test(names_found_by_chain),
		cmocka_unit_test(hash_keyed_per_process),
	};

	if (argc == 2 && !strcmp(argv[1], "--hash")) {	/* for hash_keyed_per_process() */
		printf("%u\n", lease_hash((const uint8_t *)"redox", 5, false));
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
