#!/usr/bin/env bash
# test_dhcp_unicast.sh - a broadcast OFFER or ACK goes in a frame to the client's MAC, so on a
# bridge it reaches that VM's port alone, still as an IP broadcast; a NAK stays an Ethernet
# broadcast.  When a frame cannot be sent, or the responder has no CAP_NET_RAW, replies go by
# Ethernet broadcast as before, and the reason is logged once.  TAP mode gets the same frames.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env unicast
client=52:54:00:0d:0c:01	# tests/tools/dhcp_ports.c
bcast=ff:ff:ff:ff:ff:ff
seen=$run/ports.out
# ports ARG...: tests/tools/dhcp_ports in the namespace; what it saw goes to $seen.
ports() { NS "$TOOLS/dhcp_ports" "$@" >"$seen" 2>&1; }
saw() { grep -qx -- "$1" "$seen"; }
# show: after a failure, what dhcp_ports saw, as comments.
show() { [ "$_failed" -eq 0 ] || sed 's/^/#   /' "$seen"; }
# log_count REGEX: lines of the responder's log that match.
log_count() { grep -cE -- "$1" "$run/dhcp.log"; }
# restart [PREFIX...]: down, an empty log, then up --bridge --dhcp run through PREFIX.
restart() {
	netsetup down >/dev/null 2>&1
	: >"$run/dhcp.log"
	NS "$@" "$BIN/redox-netsetup" up --bridge redoxbr0 --dhcp --verbose --lease-dir "$run/leases" --run-dir "$run"
}

# --verbose: the per-exchange lines (debug) are logged too.
check "up --bridge redoxbr0 --dhcp succeeds" netsetup up --bridge redoxbr0 --dhcp --verbose --lease-dir "$run/leases"
check "a Redox-style client on TAP A gets its lease, and a NAK for 10.0.0.5" ports redoxbr0 rxa0 rxb0
check "the OFFER reaches A in a frame to the client's MAC, as an IP broadcast" saw "A OFFER eth=$client ip=255.255.255.255"
check "so does the ACK" saw "A ACK eth=$client ip=255.255.255.255"
check "TAP B saw no OFFER and no ACK" sh -c "! grep -E '^B (OFFER|ACK)' '$seen'"
check "the NAK reaches A as an Ethernet broadcast" saw "A NAK eth=$bcast ip=255.255.255.255"
check "and B too, so B was listening all along" saw "B NAK eth=$bcast ip=255.255.255.255"
check "the responder logs the exchanges as before" grep -q "DHCPREQUEST (SELECTING) from $client on redoxbr0: DHCPACK" "$run/dhcp.log"
check "and the lease change at info" grep -qE ": lease bound: $client 172\.16\.0\.[0-9]+ on redoxbr0 for [0-9]+ s$" "$run/dhcp.log"
check "and no fallback" test "$(log_count 'CAP_NET_RAW|in a frame')" = 0
show

# Every frame send fails (tests/tools/so/fault_io.c): the UDP broadcast takes over.
ctl=$(mktemp -d); at_exit "rm -rf $ctl"; chmod 0755 "$ctl"
echo sendto >"$ctl/faults"
check "up --dhcp with every send of a frame failing" restart env LD_PRELOAD="$TOOLS/fault_io.so" \
	RXN_FAULT_CTL="$ctl/faults" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
check "the client still gets its lease" ports redoxbr0 rxa0 rxb0
check "the OFFER went by Ethernet broadcast" saw "A OFFER eth=$bcast ip=255.255.255.255"
check "the ACK too" saw "A ACK eth=$bcast ip=255.255.255.255"
check "so B got them as well" saw "B ACK eth=$bcast ip=255.255.255.255"
check "both frames failed" test "$(log_count 'fault_io: sendto of a frame failed')" = 2
check "the fallback is logged once" test "$(log_count 'cannot send a reply in a frame')" = 1
show

# No CAP_NET_RAW in the bounding set: no packet socket, one line that says so.
check "up --dhcp without CAP_NET_RAW succeeds" restart setpriv --bounding-set=-net_raw
check "the client still gets its lease" ports redoxbr0 rxa0 rxb0
check "the OFFER went by Ethernet broadcast" saw "A OFFER eth=$bcast ip=255.255.255.255"
check "the ACK too, to B as well" saw "B ACK eth=$bcast ip=255.255.255.255"
check "one line names the missing CAP_NET_RAW" test "$(log_count 'no CAP_NET_RAW')" = 1
check "and nothing else failed" test "$(log_count 'error|in a frame')" = 0
show

# TAP mode: the same frames, straight into the TAP.
netsetup down >/dev/null 2>&1
check "up --dhcp in TAP mode succeeds" netsetup up --owner 65534 --dhcp --lease-dir "$run/leases"
check "a Redox-style client on tap0 gets its lease and the NAK" ports - tap0
check "the OFFER in a frame to the client's MAC" saw "A OFFER eth=$client ip=255.255.255.255"
check "the ACK too" saw "A ACK eth=$client ip=255.255.255.255"
check "the NAK as an Ethernet broadcast" saw "A NAK eth=$bcast ip=255.255.255.255"
show
check "down succeeds" netsetup down
done_testing
