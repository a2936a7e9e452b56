// SPDX-License-Identifier: MIT
/*
 * taps.c - benchmark tool: make or remove many persistent TAPs in redox-net's group.
 *
 *   taps create N        create t0..tN-1 the way `up` does (tap_create_persistent)
 *   taps delete NAME     the minimal teardown: one RTM_DELLINK for one device
 *   taps delete-each     delete every device of the group, one request each
 *
 * It refuses to run in the namespace the benchmark started in (RXN_ROOT_NETNS_INO).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/netlink.h"
#include "netsetup/tap.h"
#include "tests/tools/guard.h"

int main(int argc, char *argv[])
{
	struct tap_owner owner = { .is_group = false, .id = 65534 };
	struct nl_sock *sk;
	int err = 0;

	if (guard_refuse_root_netns("taps"))
		return 2;
	if (argc < 2) {
		fprintf(stderr, "usage (inside a benchmark namespace): taps create N | delete NAME | delete-each\n");
		return 2;
	}
	sk = nl_route_open();
	if (!sk)
		return 1;
	if (!strcmp(argv[1], "create") && argc == 3) {
		for (int i = 0, n = atoi(argv[2]); i < n && !err; i++) {
			char name[16];

			snprintf(name, sizeof(name), "t%d", i);
			err = tap_create_persistent(sk, name, 1, &owner);
		}
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
