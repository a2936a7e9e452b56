#!/usr/bin/env bash
# test_dhcp_starvation.sh - a guest flooding the DHCP responder with DISCOVERs from made-up MACs
# (plain and rapid commit) cannot keep another VM from its lease: on a bridge its open offers stay
# under a quarter of the pool, on a guest's TAP it never holds more than guest-leases addresses,
# and the next VM gets its lease on its first DISCOVER.  The flood is logged once, not per packet.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env starve
seen=$run/ports.out
flood_out=$run/flood.out
# flood TAP BRIDGE COUNT plain|rapid: tests/tools/dhcp_flood in the namespace.
flood() { NS "$TOOLS/dhcp_flood" "$@" >"$flood_out" 2>&1; }
# log_count REGEX: lines of the responder's log that match.
log_count() { grep -cE -- "$1" "$run/dhcp.log"; }
# On a failure, also the namespace's UDP counters: a full receive queue shows as RcvbufErrors.
show() {
	[ "$_failed" -eq 0 ] && return
	sed 's/^/#   /' "$seen" "$flood_out"
	NS grep '^Udp:' /proc/net/snmp | sed 's/^/#   /'
}

# Bridge: 300 DISCOVERs from made-up MACs out of one VM's port, then a new VM on another port.
# --verbose: every exchange is logged (debug), so the lines a flood leaves out are countable.
check "up --bridge redoxbr0 --dhcp succeeds" netsetup up --bridge redoxbr0 --dhcp --verbose --lease-dir "$run/leases"
# rb is the queue's limit as the kernel reports it: twice DHCP_RCVBUF (2 MiB), not the default 212,992.
check "the responder's port 67 queue holds a burst (rb4194304 in ss -m)" \
	sh -c "ip netns exec $ns ss -uamn 'sport = :67' | grep -q 'rb4194304'"
check "a guest floods the bridge with 300 DISCOVERs from made-up MACs" flood rxf0 redoxbr0 300 plain
check "it got an OFFER for every one (nobody is refused)" grep -q "offers 300 " "$flood_out"
check "a new VM on the bridge gets its lease on its first DISCOVER" NS sh -c "'$TOOLS/dhcp_ports' redoxbr0 rxa0 rxb0 >'$seen' 2>&1"
check "the flood on the bridge is logged once" test "$(log_count 'DHCP flood on redoxbr0:')" = 1
check "and not per packet: fewer than 100 exchange lines for 300 DISCOVERs" \
	test "$(log_count 'DHCPDISCOVER from')" -lt 100
show

# TAP mode: the guest on tap0 floods with rapid commit, then with plain DISCOVERs; the next VM
# on the same TAP (a pool TAP passes from VM to VM) still gets its lease at once.
netsetup down >/dev/null 2>&1
: >"$run/dhcp.log"
check "up --dhcp in TAP mode succeeds" netsetup up --owner 65534 --dhcp --verbose --lease-dir "$run/leases2"
check "the guest sends 300 rapid-commit DISCOVERs from made-up MACs" flood tap0 - 300 rapid
check "it never holds more than 4 leases at once: the journal's live bindings" \
	sh -c "test \$(awk '\$1==\"bind\"{b[\$3]=\$2} \$1==\"release\"{delete b[\$3]} END{print length(b)}' '$run/leases2/leases') -le 4"
check "then 300 plain DISCOVERs from made-up MACs" flood tap0 - 300 plain
check "the next VM on tap0 gets its lease on its first DISCOVER" NS sh -c "'$TOOLS/dhcp_ports' - tap0 >'$seen' 2>&1"
check "the flood on tap0 is logged once" test "$(log_count 'DHCP flood on tap0:')" = 1
check "and not per packet: fewer than 100 exchange lines for 600 DISCOVERs" \
	test "$(log_count 'DHCPDISCOVER from')" -lt 100
show
check "down succeeds" netsetup down
done_testing
