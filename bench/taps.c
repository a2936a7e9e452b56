// SPDX-License-Identifier: MIT
/*
 * taps.c - benchmark tool: make or remove many persistent TAPs in redox-net's group.
 *
 *   taps create N [BRIDGE]  create t0..tN-1 the way `up` does (tap_create_persistent);
 *                        with BRIDGE, each then gets IPv6 off, is put on it, isolated,
 *                        and up, as the helper does a VM's TAP, which its user then
 *                        made persistent
 *   taps delete NAME     the minimal teardown: one RTM_DELLINK for one device
 *   taps delete-each     delete every device of the group, one request each
 *
 * It refuses to run in the namespace the benchmark started in (RXN_ROOT_NETNS_INO).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper/bridge_tap.h"
#include "lib/netlink.h"
#include "netsetup/tap.h"
#include "tests/tools/guard.h"

/* create t0..t@n-1, on @bridge (a name) and up when it is not NULL. */
static int create(struct nl_sock *sk, int n, const char *bridge)
{
	struct tap_owner owner = { .is_group = false, .id = 65534 };
	struct link_state br = { 0 }, l;
	int err = bridge ? link_query(sk, bridge, &br) : 0;

	for (int i = 0; i < n && !err; i++) {
		char name[16];

		snprintf(name, sizeof(name), "t%d", i);
		err = tap_create_persistent(sk, name, 1, &owner, false, NULL);
		if (!err && bridge)
			err = bridge_tap_no_ipv6(name);
		if (!err && bridge)
			err = link_query(sk, name, &l);
		if (!err && bridge)
			err = link_attach_isolated_up(sk, l.ifindex, RN_IFGROUP, br.ifindex);
	}
	return err;
}

int main(int argc, char *argv[])
{
	struct nl_sock *sk;
	int err = 0;

	if (guard_refuse_root_netns("taps"))
		return 2;
	if (argc < 2) {
		fprintf(stderr, "usage (inside a benchmark namespace): taps create N [BRIDGE] | delete NAME | delete-each\n");
		return 2;
	}
	sk = nl_route_open();
	if (!sk)
		return 1;
	if (!strcmp(argv[1], "create") && (argc == 3 || argc == 4)) {
		err = create(sk, atoi(argv[2]), argc == 4 ? argv[3] : NULL);
	} else if (!strcmp(argv[1], "delete") && argc == 3) {
		struct link_state l;

		err = link_query(sk, argv[2], &l);
		if (!err)
			err = link_delete(sk, l.ifindex);
	} else if (!strcmp(argv[1], "delete-each")) {
		struct link_state *links;
		size_t n;

		err = link_list(sk, &links, &n);
		for (size_t i = 0; !err && i < n; i++)
			if (links[i].group == RN_IFGROUP)
				err = link_delete(sk, links[i].ifindex);
		if (!err)
			free(links);
	} else {
		err = -EINVAL;
	}
	nl_route_close(sk);
	if (err)
		fprintf(stderr, "taps %s: %s\n", argv[1], strerror(-err));
	return err ? 1 : 0;
}
