#!/usr/bin/env bash
# test_kill_up.sh - `up` killed by SIGKILL at every journaled point of every step (no
# rollback runs): `down` then restores the namespace exactly, and so does a second `up`
# followed by `down`.  Steps come from `up --list-steps`, so new steps are covered.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env killup
state() { NS sh -c 'ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward'; }
NS ip link add up0 type veth peer name up1
before=$(state)
fail_at() { env REDOX_NET_TEST_FAIL_AT="$1" "$(command -v ip)" netns exec "$ns" "$BIN/redox-netsetup" up --run-dir "$run" --owner 65534 --uplink up0; }

for step in $(NS "$BIN/redox-netsetup" up --list-steps --owner 65534); do
	points="before after"
	[ "$step" != preflight ] && points="before journaled after"
	for when in $points; do
		check_status "killed $when '$step': up dies by SIGKILL (137)" 137 fail_at "$step:$when:kill"
		check "killed $when '$step': down exits 0" netsetup down
		check "killed $when '$step': down restored the namespace exactly" test "$before" = "$(state)"
		fail_at "$step:$when:kill" >/dev/null 2>&1
		check "killed $when '$step': the next up completes" netsetup up --owner 65534 --uplink up0
		check "killed $when '$step': and down after it restores the namespace" sh -c "ip netns exec $ns $BIN/redox-netsetup down --run-dir $run >/dev/null 2>&1 && test \"\$(ip netns exec $ns sh -c 'ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward')\" = '$before'"
	done
done
done_testing
