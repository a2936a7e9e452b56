#!/usr/bin/env bash
# test_forward.sh - port forwards really forward.  The topology of test_traffic.sh: a
# guest behind tap0 (through tests/tools/relay), an "internet" host behind up0.  With
# --forward tcp:2222:172.16.0.2:22, a TCP server in the guest is reached from the
# internet host, from the host itself (output chain) and, through the host port, from
# the guest (hairpin).
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

run=$(mktemp -d); at_exit "rm -rf $run"
topology_new
up() { H "$BIN/redox-netsetup" up --owner 0 --uplink up0 --run-dir "$run" "$@"; }
handles() { H nft -a list table ip redox_net | grep -o 'handle [0-9]*' | tr '\n' ' '; }
two=(--forward tcp:2222:172.16.0.2:22 --forward udp:5353:172.16.0.3:53)

for bad in sctp:2222:172.16.0.2:22 tcp:0:172.16.0.2:22 tcp:65536:172.16.0.2:22 \
	   tcp:2222:172.16.0.2:0 tcp:2222:10.0.0.2:22 tcp:2222:172.16.0.1:22 \
	   tcp:2222:172.16.0.255:22 tcp:2222:172.16.0:22 tcp:2222; do
	check_status "--forward $bad is a usage error" 2 up --forward "$bad"
	check_output "  naming the forward" "--forward $bad"
done
check_status "a second forward of tcp port 2222 is a usage error" 2 \
	up --forward tcp:2222:172.16.0.2:22 --forward tcp:2222:172.16.0.3:80
check_output "  saying it is already forwarded" "already forwarded"
printf 'forward = tcp:2222:10.1.1.1:22\n' >"$run/bad.conf"
check_status "a bad forward = line in the config file is a usage error" 2 up --config "$run/bad.conf"
check "nothing was installed by the refused ups" sh -c "! ip netns exec $host nft list table ip redox_net 2>/dev/null"

check "up with two forwards" up "${two[@]}"
guest_attach tap0 "$run"
G timeout 60 "$TOOLS/tcp_echo" serve 172.16.0.2 22 4 >"$run/echo.out" 2>&1 &
server=$!
at_exit "kill $server"
for _ in $(seq 30); do grep -q ready "$run/echo.out" && break; sleep 0.1; done

dnat=$(H nft -j list table ip redox_net | jq -c '[.nftables[].rule | select(.) | .expr[] | select(.dnat) | .dnat]')
check "nft -j shows the DNAT to 172.16.0.2:22 in prerouting and output ($dnat)" \
	test "$(jq '[.[] | select(.addr == "172.16.0.2" and .port == 22)] | length' <<<"$dnat")" = 2
check_status "the internet host reaches the guest's port 22 through 198.51.100.1:2222" 0 \
	I "$TOOLS/tcp_echo" send 198.51.100.1 2222 from-internet
check_output "  and gets the echo" "^echo from-internet$"
check_status "the host itself reaches it through its own 198.51.100.1:2222" 0 \
	H "$TOOLS/tcp_echo" send 198.51.100.1 2222 from-host
check_output "  and gets the echo" "^echo from-host$"
check_status "the host reaches it through 172.16.0.1:2222 too" 0 \
	H "$TOOLS/tcp_echo" send 172.16.0.1 2222 from-router
check_output "  and gets the echo" "^echo from-router$"
check_status "the guest reaches itself through the host port (hairpin)" 0 \
	G "$TOOLS/tcp_echo" send 198.51.100.1 2222 from-guest
check_output "  and gets the echo" "^echo from-guest$"
wait $server
check "the guest server answered all four" test $? = 0
I timeout 30 "$TOOLS/tcp_echo" serve 198.51.100.2 2222 1 >"$run/inet.out" 2>&1 &
iserver=$!
at_exit "kill $iserver"
for _ in $(seq 30); do grep -q ready "$run/inet.out" && break; sleep 0.1; done
check_status "the guest's connection to port 2222 of another host is routed, not forwarded" 0 \
	G "$TOOLS/tcp_echo" send 198.51.100.2 2222 to-internet
check_output "  and the internet host answers" "^echo to-internet$"
wait $iserver
check "  the internet host saw the connection" test $? = 0

check_status "status lists the forwards" 0 H "$BIN/redox-netsetup" status --run-dir "$run"
check_output "  tcp" "^forward +tcp:2222:172.16.0.2:22 +present"
check_output "  udp" "^forward +udp:5353:172.16.0.3:53 +present"
check "status --json lists them" sh -c "ip netns exec $host $BIN/redox-netsetup status --json --run-dir $run | jq -e '.forwards == [\"tcp:2222:172.16.0.2:22\", \"udp:5353:172.16.0.3:53\"]'"

before=$(handles)
check "a second up with the same forwards succeeds" up "${two[@]}"
check "  and changes nothing (rule handles $before)" test "$(handles)" = "$before"
check "up with one forward less re-applies" up --forward tcp:2222:172.16.0.2:22
check "  and the udp forward is gone" sh -c "! ip netns exec $host nft list table ip redox_net | grep -q 5353"
check "  the tcp forward is still there" sh -c "ip netns exec $host nft list table ip redox_net | grep -q 'dport 2222'"
check "up with no forwards removes the DNAT chains" up
check "  no prerouting chain left" sh -c "! ip netns exec $host nft list table ip redox_net | grep -q prerouting"
printf 'forward = tcp:2222:172.16.0.2:22\nforward = udp:5353:172.16.0.3:53\n' >"$run/fwd.conf"
check "forward = lines in the config file install them" up --config "$run/fwd.conf"
check "  both" test "$(H nft list chain ip redox_net prerouting | grep -c dnat)" = 2

kill $relay 2>/dev/null; wait $relay 2>/dev/null
check "down succeeds" H "$BIN/redox-netsetup" down --run-dir "$run"
check "down leaves no table" sh -c "! ip netns exec $host nft list table ip redox_net 2>/dev/null"
done_testing
