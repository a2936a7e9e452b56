// SPDX-License-Identifier: MIT
/*
 * up_floor.c - benchmark tool: the kernel work of `redox-netsetup up`, and nothing else.
 *
 *   up_floor up      forwarding on, TAP tap0 (owner 65534, vnet_hdr) created up, 172.16.0.1/24
 *                    on it, and the same nftables table in one batch, through the same
 *                    functions `up` calls; no journal, no capability drop, no checks
 *   up_floor start   return at once: the start of this program, to subtract
 *
 * bench_netsetup.sh times both: their difference is what the kernel charges for the objects,
 * which no program doing `up`'s work can avoid, so it bounds what `up` can reach.
 * It refuses to run in the namespace the benchmark started in (RXN_ROOT_NETNS_INO).
 */
#include <stdio.h>
#include <string.h>

#include "lib/inet.h"
#include "lib/netlink.h"
#include "lib/sysctl.h"
#include "netsetup/tap.h"
#include "nft/nft_ruleset.h"
#include "nft/nft_sock.h"
#include "tests/tools/guard.h"

int main(int argc, char *argv[])
{
	struct tap_owner owner = { .is_group = false, .id = 65534 };
	struct nft_ruleset rs = { .ifname = "tap0" };
	struct nl_sock *sk;
	int ifindex = 0, err;

	if (guard_refuse_root_netns("up_floor"))
		return 2;
	if (argc != 2 || (strcmp(argv[1], "up") && strcmp(argv[1], "start"))) {
		fprintf(stderr, "usage (inside a benchmark namespace): up_floor up | start\n");
		return 2;
	}
	if (!strcmp(argv[1], "start"))
		return 0;
	prefix_parse("172.16.0.1/24", &rs.subnet);
	sk = nl_route_open();
	if (!sk)
		return 1;
	err = sysctl_write(SYSCTL_IP_FORWARD, "1");
	if (!err)
		err = tap_create_persistent(sk, "tap0", 1, &owner, true, &ifindex);
	if (!err)
		err = addr_add(sk, ifindex, &rs.subnet);
	if (!err)
		err = nft_ruleset_apply(&rs);
	nl_route_close(sk);
	nft_close();
	if (err)
		fprintf(stderr, "up_floor: %s\n", strerror(-err));
	return err ? 1 : 0;
}
