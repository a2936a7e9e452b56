#!/usr/bin/env bash
# test_fault_injection.sh - a failure at every step of `up`, before or after its work,
# leaves the namespace exactly as it was, with no process (DHCP responder) left in it.
# The steps come from `up --list-steps`, so a new step is covered without touching this file.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env fault
state() { NS sh -c 'ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward'; }
NS ip link add up0 type veth peer name up1
NS nft add table ip other
before=$(state)

run_mode() {
	local mode=$1; shift
	local steps
	steps=$(NS "$BIN/redox-netsetup" up --list-steps "$@")
	check "$mode: up --list-steps names the steps" test -n "$steps"
	for step in $steps; do
		# Steps that change something also have a point between record and work.
		points="before after"
		[ "$step" != preflight ] && points="before journaled after"
		for when in $points; do
			check_status "$mode: failure $when '$step' exits 1" 1 env REDOX_NET_TEST_FAIL_AT="$step:$when" "$(command -v ip)" netns exec "$ns" "$BIN/redox-netsetup" up --run-dir "$run" "$@"
			check "$mode: failure $when '$step' leaves the namespace as it was" test "$before" = "$(state)"
			check "$mode: failure $when '$step' leaves no journal records" test ! -s "$run/journal"
			check "$mode: failure $when '$step' leaves no process in the namespace" test -z "$(ip netns pids "$ns")"
			# Keep one failure from cascading into the next iteration.
			NS "$BIN/redox-netsetup" down --all --run-dir "$run" >/dev/null 2>&1
		done
	done
}
run_mode tap --owner 65534 --uplink up0
# The dhcp step runs only with --dhcp: its responder must be stopped by rollback too.
run_mode tap-dhcp --owner 65534 --uplink up0 --dhcp --lease-dir "$run/leases"
run_mode bridge --uplink up0 --bridge redoxbr0 --dhcp --lease-dir "$run/leases"
run_mode macvtap --macvtap mvt0 --link up0
done_testing
