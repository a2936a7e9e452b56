#!/usr/bin/env bash
# test_dhcp_crash.sh - the responder under stress and next to others.
#  1. It shares a namespace with dnsmasq serving another interface; each answers only its own.
#  2. A relay (tests/tools/dhcp_load) streams exchanges from thousands of MACs; the responder
#     is killed with SIGKILL mid-stream and started again.  Every lease a client was ACKed
#     before the kill is in the lease file, and no address was ever ACKed to two MACs.
#  3. The TAP it serves is deleted and created again while it runs: it still serves it.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

srv=$(netns_new dsrv); rel=$(netns_new drel); dcl=$(netns_new dcl)
run=$(mktemp -d); at_exit "rm -rf $run"
S() { nsrun "$srv" "$@"; }

# s0 10.60.0.1/16 (served by us) <-> relay r0 10.60.255.250; d0 10.70.0.1/24 (dnsmasq's) <-> d1.
S ip link add s0 type veth peer name r0 netns "$rel"
S ip addr add 10.60.0.1/16 dev s0; S ip link set s0 up
nsrun "$rel" ip addr add 10.60.255.250/16 dev r0; nsrun "$rel" ip link set r0 up
S ip link add d0 type veth peer name d1 netns "$dcl"
S ip addr add 10.70.0.1/24 dev d0; S ip link set d0 up
nsrun "$dcl" ip link set d1 up

# start_responder LOG: run `redox-netsetup dhcp` in the server namespace; sets $resp.
start_responder() {
	ip netns exec "$srv" "$BIN/redox-netsetup" dhcp --tap s0 --address 10.60.0.1/16 \
		--dhcp-pool 10.60.1.1-10.60.200.254 --allow-relay --lease-dir "$run/leases" >"$1" 2>&1 &
	resp=$!
	for _ in $(seq 50); do grep -q "serving DHCP" "$1" && break; sleep 0.1; done
}
start_responder "$run/resp1.log"
at_exit "kill -9 \$resp"
check "the responder starts on s0" grep -q "serving DHCP on s0" "$run/resp1.log"

# 1. dnsmasq on d0 in the same namespace.
S dnsmasq --keep-in-foreground --port=0 --interface=d0 --bind-interfaces --no-resolv --no-hosts \
	--dhcp-range=10.70.0.50,10.70.0.60,1h --dhcp-leasefile="$run/dnsmasq.leases" \
	--pid-file="$run/dnsmasq.pid" --log-facility="$run/dnsmasq.log" --log-dhcp &
at_exit "kill \$(cat $run/dnsmasq.pid)"
for _ in $(seq 50); do test -s "$run/dnsmasq.pid" && break; sleep 0.1; done
check "dnsmasq starts next to the responder (both on UDP port 67)" sh -c "ip netns exec $srv ss -Hulnp 'sport = :67' | grep -q dnsmasq"
cat >"$run/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
[ "$1" = bound ] && echo "$ip $serverid" >"$OUT"
exit 0
SCRIPT
chmod +x "$run/udhcpc.sh"
check "a client on dnsmasq's interface gets a lease" env OUT="$run/d1.lease" \
	ip netns exec "$dcl" timeout 30 busybox udhcpc -i d1 -n -q -t 3 -T 2 -s "$run/udhcpc.sh"
check "it came from dnsmasq's range and server, not from us ($(cat "$run/d1.lease" 2>/dev/null))" \
	grep -qE '^10\.70\.0\.(5[0-9]|60) 10\.70\.0\.1$' "$run/d1.lease"
d1mac=$(nsrun "$dcl" cat /sys/class/net/d1/address)
check "our responder did not answer dnsmasq's client" sh -c "! grep -qi '$d1mac' $run/resp1.log"
check_status "our responder still serves s0 next to dnsmasq" 0 \
	ip netns exec "$rel" "$TOOLS/dhcp_load" 10.60.255.250 10.60.0.1 20
check_output "all 20 exchanges through the relay got an ACK" "20 acked"

# 2. kill -9 in the middle of a stream of exchanges.
ip netns exec "$rel" "$TOOLS/dhcp_load" 10.60.255.250 10.60.0.1 4000 64 >"$run/acks" 2>"$run/load.err" &
load=$!
at_exit "kill $load"
for _ in $(seq 200); do [ "$(wc -l <"$run/acks")" -ge 1000 ] && break; sleep 0.05; done
kill -9 "$resp"; wait "$resp" 2>/dev/null
sleep 0.3
cp "$run/leases/leases" "$run/leases.at-kill"
cp "$run/acks" "$run/acks.at-kill"
n_kill=$(wc -l <"$run/acks.at-kill")
check "the stream was under way when the responder was killed ($n_kill ACKs)" test "$n_kill" -ge 20
# missing ACKS LEASES: print every "ACK MAC IP" whose "bind MAC IP" line is not in LEASES.
missing() { awk 'NR == FNR { if ($1 == "bind") kept[$2 " " $3] = 1; next } !kept[$2 " " $3]' "$2" "$1"; }
lost=$(missing "$run/acks.at-kill" "$run/leases.at-kill" | wc -l)
check "every one of the $n_kill ACKed leases was in the lease file at the kill ($lost missing)" test "$lost" -eq 0
start_responder "$run/resp2.log"
check "the responder starts again" grep -q "serving DHCP on s0" "$run/resp2.log"
wait "$load"; load_rc=$?
check "the stream finished: every one of 4000 MACs got an ACK ($(cat "$run/load.err"))" test "$load_rc" -eq 0
kill -TERM "$resp"; wait "$resp"; rc=$?
check "SIGTERM stops the restarted responder cleanly" test "$rc" -eq 0
lost=$(missing "$run/acks" "$run/leases/leases" | wc -l)
check "after the restart, every ACK ever sent is still in the lease file ($lost missing)" test "$lost" -eq 0
dups=$(sort -u "$run/acks" | awk '{ print $3 }' | sort | uniq -d | wc -l)
check "no address was ACKed to two MACs ($dups were)" test "$dups" -eq 0
check "the lease file belongs to the responder's user (nobody), not root" test "$(stat -c %U "$run/leases/leases")" = nobody

# 3. The served TAP is deleted and created again under a running responder.
tsrv=$(netns_new dtap); guest=$(netns_new dguest)
T() { nsrun "$tsrv" "$@"; }
check "a TAP to serve (up in its own namespace)" T "$BIN/redox-netsetup" up --owner 0 --tap tapd \
	--address 10.80.0.1/24 --run-dir "$run/tap-run"
ip netns exec "$tsrv" "$BIN/redox-netsetup" dhcp --tap tapd --address 10.80.0.1/24 \
	--lease-dir "$run/tap-leases" >"$run/resp3.log" 2>&1 &
tresp=$!
at_exit "kill -9 $tresp"
for _ in $(seq 50); do grep -q "serving DHCP" "$run/resp3.log" && break; sleep 0.1; done
# guest_client: attach a stand-in VMM to tapd and run the Redox-style client in the guest.
guest_client() {
	ip netns exec "$tsrv" timeout 60 "$TOOLS/relay" tapd "/var/run/netns/$guest" eth0 >"$run/relay.out" 2>&1 &
	relay=$!
	for _ in $(seq 50); do grep -q ready "$run/relay.out" && break; sleep 0.1; done
	nsrun "$guest" ip link set eth0 up
	nsrun "$guest" "$TOOLS/redox_dhcp_client" eth0
	local rc=$?
	kill "$relay"; wait "$relay" 2>/dev/null
	return $rc
}
check "the guest gets an address over tapd" guest_client
idx1=$(T cat /sys/class/net/tapd/ifindex)
T ip link del tapd
check "up creates tapd again" T "$BIN/redox-netsetup" up --owner 0 --tap tapd --address 10.80.0.1/24 --run-dir "$run/tap-run"
idx2=$(T cat /sys/class/net/tapd/ifindex)
check "tapd has a new index ($idx1 -> $idx2)" test "$idx1" != "$idx2"
check "the running responder serves the new tapd" guest_client
check "it was the same responder all along" kill -0 "$tresp"
T "$BIN/redox-netsetup" down --run-dir "$run/tap-run" >/dev/null 2>&1
done_testing
