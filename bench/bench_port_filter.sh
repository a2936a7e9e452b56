#!/usr/bin/env bash
# bench_port_filter.sh - what the bridge port filter (table bridge redox_net) costs a guest:
# a stand-in VMM (tests/tools/frame_attack) blasts 114-byte UDP frames through its TAP into
# redoxbr0, alternately with and without the filter, in the same run and namespace.  Prints
# the median frames/s of each and their ratio.  SAMPLES pairs of SECONDS-long blasts.
set -eu
. "$(dirname "$0")/lib.sh"
SAMPLES=${SAMPLES:-7}
SECONDS_EACH=${SECONDS_EACH:-1}
bench_require nft "apt-get install nftables"
bench_require bridge "apt-get install iproute2"
ns=rxn-benchpf-$$
run=$(mktemp -d)
cleanup() { ip netns exec "$ns" "$BUILD/bin/redox-netsetup" down --all --run-dir "$run" >/dev/null 2>&1 || true
	ip netns del "$ns" 2>/dev/null || true; rm -rf "$run"; }
trap cleanup EXIT
ip netns add "$ns"
NS() { ip netns exec "$ns" "$@"; }
NS ip link set lo up
NS "$BUILD/bin/redox-netsetup" up --bridge redoxbr0 --dhcp --run-dir "$run" --lease-dir "$run/leases" >/dev/null
NS ip tuntap add dev rnbench0 mode tap vnet_hdr
NS ip link set rnbench0 master redoxbr0 up
brmac=$(NS cat /sys/class/net/redoxbr0/address)
mac=02:00:00:00:be:01
# The port as the helper leaves it, and the guest's address bound as a DHCPACK would bind it.
bind() {
	NS "$TOOLS/pf_bind" rnbench0 "$mac" >/dev/null
	NS nft add element bridge redox_net guest_ip "{ \"rnbench0\" . 172.16.0.250 timeout 1h }"
}
bind
NS bridge link set dev rnbench0 learning off flood off
NS bridge fdb replace "$mac" dev rnbench0 master permanent
blast() {
	NS env FRAME_ATTACK_TAP=rnbench0 FRAME_ATTACK="mac $mac blast 100000000 $SECONDS_EACH $brmac" \
		"$TOOLS/frame_attack" | awk '/^blast/ {printf "%d\n", $2 / $3}'
}
with=() without=()
for _ in $(seq "$SAMPLES"); do
	with+=("$(blast)")
	NS nft delete table bridge redox_net
	without+=("$(blast)")
	NS "$BUILD/bin/redox-netsetup" up --bridge redoxbr0 --dhcp --run-dir "$run" --lease-dir "$run/leases" >/dev/null
	bind
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
m_with=$(median "${with[@]}") m_without=$(median "${without[@]}")
echo "port filter, guest TAP -> bridge -> host, 114-byte frames, median of $SAMPLES x ${SECONDS_EACH}s:"
echo "  without table bridge redox_net: $m_without frames/s"
echo "  with table bridge redox_net:    $m_with frames/s"
awk -v a="$m_with" -v b="$m_without" 'BEGIN {printf "  ratio with/without: %.3f\n", a / b}'
