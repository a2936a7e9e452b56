#!/usr/bin/env bash
# test_macvtap.sh - `up --macvtap` on a veth: bridge mode, the guest MAC, a usable /dev/tapN.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env macvtap
NS ip link add lower0 type veth peer name lower1
NS ip link set lower0 up

check "up --macvtap on a veth succeeds" NS "$BIN/redox-netsetup" up --macvtap mvt0 --link lower0 --mac 52:54:00:ab:cd:ef --run-dir "$run"
check "mvt0 is a macvtap in bridge mode" sh -c "ip netns exec $ns ip -d link show mvt0 | grep -q 'macvtap mode bridge'"
check "mvt0 has the guest MAC" test "$(NS cat /sys/class/net/mvt0/address)" = 52:54:00:ab:cd:ef
check "mvt0 is up" sh -c "ip netns exec $ns ip -o link show mvt0 | grep -q '[<,]UP[,>]'"
ifindex=$(NS cat /sys/class/net/mvt0/ifindex)
check "/dev/tap$ifindex exists as a character device" test -c "/dev/tap$ifindex"
check "/dev/tap$ifindex opens read-write" "$TOOLS/tapcheck" "/dev/tap$ifindex"
check "no host address was put on a macvtap network" sh -c "! ip netns exec $ns ip -o addr show dev mvt0 | grep -q inet"
check "no NAT table for a macvtap network" sh -c "! ip netns exec $ns nft list table ip redox_net 2>/dev/null"
check "a second up is a no-op" NS "$BIN/redox-netsetup" up --macvtap mvt0 --link lower0 --mac 52:54:00:ab:cd:ef --run-dir "$run"
check "down removes it" NS "$BIN/redox-netsetup" down --run-dir "$run"
check "mvt0 is gone" sh -c "! ip netns exec $ns ip link show mvt0 2>/dev/null"
check "lower0 is untouched" NS ip link show lower0
done_testing
