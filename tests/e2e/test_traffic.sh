#!/usr/bin/env bash
# test_traffic.sh - packets really flow.  A stand-in VMM (tests/tools/relay) opens tap0
# as Cloud Hypervisor would and carries frames to a TAP in a "guest" namespace; an
# "internet" namespace sits behind the host's uplink.  The guest pings the host, reaches
# the internet host, and that host sees the uplink's address: masquerade happened.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

run=$(mktemp -d); at_exit "rm -rf $run"
topology_new

check "up with --uplink up0" H "$BIN/redox-netsetup" up --owner 0 --uplink up0 --run-dir "$run"

guest_attach tap0 "$run"
check "the stand-in VMM attached to tap0 and created the guest NIC" grep -q ready "$run/relay.out"
check "tap0 shows one attached queue" sh -c "ip netns exec $host $BIN/redox-netsetup status --json --run-dir $run | jq -e '.objects[] | select(.kind==\"device\") | .attached_queues == 1'"

check "the guest pings 172.16.0.1" G ping -c 2 -W 2 172.16.0.1
check "the guest pings the internet host 198.51.100.2" G ping -c 2 -W 2 198.51.100.2
I timeout 10 "$TOOLS/udp_whoami" 9999 1 >"$run/whoami.out" 2>&1 &
server=$!
for _ in $(seq 30); do grep -q ready "$run/whoami.out" && break; sleep 0.1; done
seen=$(G "$TOOLS/udp_whoami" 198.51.100.2 9999)
wait $server
check "the internet host saw the uplink address 198.51.100.1 as source (masquerade), not 172.16.0.2 (saw '$seen')" test "$seen" = 198.51.100.1
conntrack_ok=$(H nft list table ip redox_net | grep -c masquerade)
check "the masquerade rule is still the only NAT rule" test "$conntrack_ok" = 1

kill $relay 2>/dev/null; wait $relay 2>/dev/null
check "down after traffic succeeds" H "$BIN/redox-netsetup" down --run-dir "$run"
check "tap0 is gone" sh -c "! ip netns exec $host ip link show tap0 2>/dev/null"
done_testing
