#!/usr/bin/env bash
# test_down_all.sh - `down --all` and a damaged or missing journal: everything redox-net
# manages is found by its netdev group and removed, in one grouped delete when every
# member is ours, one by one (sparing the stranger) when not.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env downall
group=$((0x72786e))

NS "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run" >/dev/null 2>&1
for i in $(seq 1 20); do NS "$BIN/redox-netsetup" up --tap "t$i" --address "172.17.$i.1/24" --owner 65534 --run-dir "$run" >/dev/null 2>&1; done
check "21 managed TAPs exist" test "$(NS ip -o link show group $group | wc -l)" = 21
rm -f "$run/journal"
LAST_OUTPUT=$(NS "$BIN/redox-netsetup" down --run-dir "$run" 2>&1)
check_output "down without a journal falls back to --all" "as with --all"
check_output "and deletes the 21 devices in one batch" "deleted 21 devices in one batch"
check "no managed device is left" test -z "$(NS ip -o link show group $group)"
check "the table is gone" sh -c "! ip netns exec $ns nft list table ip redox_net 2>/dev/null"

# A device someone else put in our group is never deleted, and forces one-by-one.
NS "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run" >/dev/null 2>&1
NS "$BIN/redox-netsetup" up --tap t2 --address 172.17.2.1/24 --owner 65534 --run-dir "$run" >/dev/null 2>&1
NS ip link add stranger0 type veth peer name stranger1
NS ip link set stranger0 group $group
LAST_OUTPUT=$(NS "$BIN/redox-netsetup" down --all --run-dir "$run" 2>&1)
check_output "a veth in our group is named and left alone" "stranger0 \\(veth\\) is in redox-net's netdev group but redox-net never creates that kind; left alone"
check "the stranger survives" NS ip link show stranger0
check "our TAPs are gone" sh -c "! ip netns exec $ns ip link show tap0 2>/dev/null && ! ip netns exec $ns ip link show t2 2>/dev/null"
check_output "they went one by one, not as a group" "deleted tap0"

# With a journal: the bridge it names and the TAPs users left on it go in one grouped
# delete, and forwarding is restored, since by then nothing managed is left.
NS ip link del stranger0
NS sysctl -qw net.ipv4.ip_forward=0
NS "$BIN/redox-netsetup" up --bridge redoxbr0 --run-dir "$run" >/dev/null 2>&1
for i in 1 2 3; do
	NS ip tuntap add dev "left$i" mode tap
	NS ip link set "left$i" group $group master redoxbr0 up
done
LAST_OUTPUT=$(NS "$BIN/redox-netsetup" down --all --run-dir "$run" 2>&1)
check_output "down --all deletes the bridge and the 3 TAPs left on it in one batch" "deleted 4 devices in one batch"
check "no managed device is left" test -z "$(NS ip -o link show group $group)"
check "forwarding is back to 0, as it was before up" test "$(NS sysctl -n net.ipv4.ip_forward)" = 0

# A damaged journal.
NS "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run" >/dev/null 2>&1
printf 'garbage line\nsysctl ../../etc/passwd 1\n' >>"$run/journal"
check "up still reads a damaged journal" NS "$BIN/redox-netsetup" status --run-dir "$run"
LAST_OUTPUT=$(NS "$BIN/redox-netsetup" down --run-dir "$run" 2>&1)
check_output "down on a damaged journal warns and removes everything" "damaged lines"
check "tap0 is gone" sh -c "! ip netns exec $ns ip link show tap0 2>/dev/null"
check "a second down --all is a no-op that exits 0" NS "$BIN/redox-netsetup" down --all --run-dir "$run"
done_testing
