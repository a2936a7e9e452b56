#!/usr/bin/env bash
# test_bridge.sh - `up --bridge`: a bridge in redox-net's group carries the router
# address, NAT and DHCP; a second `up` changes nothing; `down` removes all of it.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env bridge
group=$((0x72786e))

check "up --bridge redoxbr0 --dhcp succeeds" netsetup up --bridge redoxbr0 --dhcp --lease-dir "$run/leases"
check "redoxbr0 is a bridge" sh -c "ip netns exec $ns ip -d -o link show redoxbr0 | grep -q ' bridge '"
check "in redox-net's netdev group, and up" sh -c "ip netns exec $ns ip -o link show group $group up | grep -q redoxbr0"
check "it carries 172.16.0.1/24" sh -c "ip netns exec $ns ip -o addr show redoxbr0 | grep -q 172.16.0.1/24"
check "the journal records the bridge" grep -qx "device redoxbr0 bridge" "$run/journal"
check "the forward rule matches the bridge by name" sh -c "ip netns exec $ns nft list table ip redox_net | grep -q 'iifname \"redoxbr0\" accept'"
check "the DHCP responder serves the bridge" grep -q "interface redoxbr0\|redoxbr0" "$run/dhcp.log"
mac1=$(NS cat /sys/class/net/redoxbr0/address)
check "the bridge has a fixed (user-set) MAC" test "$(NS cat /sys/class/net/redoxbr0/addr_assign_type)" = 3
check "multicast snooping is off (no per-port multicast state per VM)" \
	test "$(NS cat /sys/class/net/redoxbr0/bridge/multicast_snooping)" = 0
LAST_OUTPUT=$(netsetup up --bridge redoxbr0 --dhcp --lease-dir "$run/leases" 2>&1)
check_output "a second up changes nothing" "nothing changed"
check "and keeps the bridge" test "$mac1" = "$(NS cat /sys/class/net/redoxbr0/address)"
check_status "--bridge with --macvtap is a usage error" 2 netsetup up --bridge redoxbr0 --macvtap m0 --link lo
NS ip link add stranger0 type bridge
check_status "a bridge redox-net did not make is refused (4)" 4 netsetup up --bridge stranger0
check "status lists the bridge" sh -c "ip netns exec $ns $BIN/redox-netsetup status --run-dir $run | grep -q 'redoxbr0 .*present.*bridge'"
check "down succeeds" netsetup down
check "the bridge is gone" sh -c "! ip netns exec $ns ip link show redoxbr0 2>/dev/null"
check "the table is gone" sh -c "! ip netns exec $ns nft list table ip redox_net 2>/dev/null"
check "the stranger bridge survives" NS ip link show stranger0
done_testing
