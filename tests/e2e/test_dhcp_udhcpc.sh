#!/usr/bin/env bash
# test_dhcp_udhcpc.sh - a guest configures itself from `up --dhcp` alone.  As in
# test_traffic.sh, a stand-in VMM (tests/tools/relay) carries frames between tap0 and a
# "guest" namespace.  A Redox-style client (one DISCOVER with only option 53, no
# retransmission, options 1/3/6 applied from the OFFER only when 4 bytes long, a REQUEST
# with flags 0) and busybox udhcpc both get
# 172.16.0.2 with the router 172.16.0.1; the guest then reaches the host and, through NAT,
# an "internet" namespace.  `down` stops the responder.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
command -v busybox >/dev/null || { skip "needs busybox (udhcpc)"; done_testing; }

run=$(mktemp -d); at_exit "rm -rf $run"
topology_new	# host, guest and an "internet" namespace behind uplink up0

check "up --dhcp with --uplink up0" H "$BIN/redox-netsetup" up --owner 0 --uplink up0 --dhcp \
	--lease-dir "$run/leases" --run-dir "$run"
check "the responder is journaled and running" sh -c "ip netns exec $host $BIN/redox-netsetup status --json --run-dir $run | jq -e '.objects[] | select(.kind==\"dhcp\") | .present'"
check "the responder listens on UDP port 67" sh -c "ip netns exec $host ss -Hulnp 'sport = :67' | grep -q redox-netsetup"

# Started without a shell function in between, so that $! is the relay's own process.
ip netns exec "$host" timeout 120 "$TOOLS/relay" tap0 "/var/run/netns/$guest" eth0 >"$run/relay.out" 2>&1 &
relay=$!
at_exit "kill $relay"
for _ in $(seq 50); do grep -q ready "$run/relay.out" && break; sleep 0.1; done
check "the stand-in VMM attached to tap0 and created the guest NIC" grep -q ready "$run/relay.out"
G ip link set eth0 address 52:54:00:12:34:56
G ip link set eth0 up

check_status "a Redox-style client (one DISCOVER, only option 53) gets an OFFER" 0 G "$TOOLS/redox_dhcp_client" eth0
check_output "it applied 172.16.0.2 and mask, router and DNS from the OFFER, each 4 bytes" \
	"^applied 172\.16\.0\.2 mask 255\.255\.255\.0 router 172\.16\.0\.1 dns 172\.16\.0\.1$"
check_output "its REQUEST (flags 0, no broadcast) was ACKed with 172.16.0.2" "^ack 172\.16\.0\.2$"

cat >"$run/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
# Apply what udhcpc got: address and default route.
case "$1" in
deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-$subnet}" dev "$interface"
	[ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
	;;
esac
exit 0
SCRIPT
chmod +x "$run/udhcpc.sh"
check "busybox udhcpc gets a lease" G timeout 30 busybox udhcpc -i eth0 -n -q -t 3 -T 2 -s "$run/udhcpc.sh"
check "the guest has 172.16.0.2/24" sh -c "ip netns exec $guest ip -o -4 addr show dev eth0 | grep -q ' 172\.16\.0\.2/24 '"
check "the guest's default route is via 172.16.0.1" sh -c "ip netns exec $guest ip route show default | grep -q '^default via 172\.16\.0\.1 dev eth0'"
check "the guest pings 172.16.0.1" G ping -c 2 -W 2 172.16.0.1
check "the guest pings the internet host 198.51.100.2 through NAT" G ping -c 2 -W 2 198.51.100.2
check "the lease file binds 52:54:00:12:34:56 to 172.16.0.2" grep -q '^bind 52:54:00:12:34:56 172\.16\.0\.2 ' "$run/leases/leases"
check "the responder logged the lease at info" \
	grep -q ': lease bound: 52:54:00:12:34:56 172\.16\.0\.2 on tap0 for 3600 s$' "$run/dhcp.log"

kill $relay 2>/dev/null; wait $relay 2>/dev/null
pid=$(cut -d' ' -f1 "$run/dhcp.pid")
check "down stops the responder and removes everything" H "$BIN/redox-netsetup" down --run-dir "$run"
# Gone, or a zombie waiting for an init that does not reap (some containers' pid 1).
check "the responder (pid $pid) is gone" sh -c "! test -e /proc/$pid || test \"\$(cut -d' ' -f3 /proc/$pid/stat)\" = Z"
check "no process is left in the host namespace" test -z "$(ip netns pids "$host")"
check "the pidfile is gone" test ! -e "$run/dhcp.pid"
done_testing
