#!/usr/bin/env bash
# test_port_filter.sh - issue 12 item 4, against the real setuid helper and redox-run-net: a VM
# on the bridge may send only from its own MAC and, with --dhcp, its own leased address, and
# DHCP only with its own chaddr.  Attacker A (uid 65534) is tests/tools/frame_attack as the
# VMM; victim B (uid 65533) and bystander C (uid 65534) are real stacks in namespaces behind
# tests/tools/relay.  Each attack is refused with the host's neighbour table, the FDB, B's
# lease and the audit log unchanged, and B's legitimate paths keep working beside it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
command -v nft >/dev/null && command -v bridge >/dev/null || { skip "needs nft and bridge"; done_testing; }
seclib_private_dev "$0"
seclib_install

ns=$(netns_new pfhost); gb=$(netns_new pfgb); gc=$(netns_new pfgc)
run=$(mktemp -d); chmod 755 "$run"; at_exit "rm -rf $run"
NS() { nsrun "$ns" "$@"; }
netsetup() { NS "$BIN/redox-netsetup" "$@" --run-dir "$run"; }
set_policy "allow uid 65534 bridge redoxbr0
allow uid 65533 bridge redoxbr0
quota uid 65534 devices 4
quota uid 65533 devices 4"
# Names and MACs the helper derives from (uid, slot): rn<uid base 36>s<slot>, 02:<uid>:<slot>.
portB=rn1ekds1 macB=02:00:00:ff:fd:01 portC=rn1ekes1 macC=02:00:00:ff:fe:01
portA=rn1ekes2 macA=02:00:00:ff:fe:02

# wait_for FILE REGEX: up to 5 s for a line to appear.
wait_for() { for _ in $(seq 50); do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# helper_bound PORT MAC: the helper, not the test, locked PORT down before it went up:
# PORT . MAC in @guest_mac, learning and unicast flood off, isolated, and a permanent
# (local) FDB entry for MAC on PORT.  Each is asserted; nothing here adds any of it.
helper_bound() {
	local port=$1 mac=$2
	for _ in $(seq 50); do NS ip link show "$port" >/dev/null 2>&1 && break; sleep 0.1; done
	check "$port: the helper put $port . $mac in @guest_mac" \
		sh -c "ip netns exec $ns nft list set bridge redox_net guest_mac | grep -q '\"$port\" . $mac'"
	check "$port: learning off, unicast flood off, isolated" \
		sh -c "f=\$(ip netns exec $ns bridge -d link show dev $port) &&
			echo \"\$f\" | grep -q 'learning off' && echo \"\$f\" | grep -q ' flood off' &&
			echo \"\$f\" | grep -q 'isolated on'"
	check "$port: $mac is pinned to it as a permanent FDB entry" \
		sh -c "ip netns exec $ns bridge fdb show br redoxbr0 | grep -qi '^$mac dev $port master redoxbr0 permanent'"
}
# relay_vm UID SLOT NETNS MAC: a legitimate VM whose guest stack lives in NETNS; its
# stand-in VMM's pid is VM_PID.
relay_vm() {
	(exec ip netns exec "$ns" "$TOOLS/helper_client" --user "$1" --relay "/var/run/netns/$3" eth0 -- \
		"$HELPER" --fd=@ --bridge redoxbr0 --slot "$2") >"$run/vm.$3" 2>&1 &
	VM_PID=$!
	at_exit "kill $VM_PID 2>/dev/null"
	wait_for "$run/vm.$3" ready
	nsrun "$3" ip link set eth0 address "$4"; nsrun "$3" ip link set eth0 up
}
# attacker SCRIPT...: A's VM, started by redox-run-net as uid 65534 in slot 2, running
# frame_attack with SCRIPT; its output is in $run/attack.  Waits for it to end.
attacker() {
	NS setpriv --reuid=65534 --regid=65534 --clear-groups env REDOX_NET_HELPER="$HELPER" \
		CH_BIN="$TOOLS/frame_attack" FRAME_ATTACK="sleep 600 $*" \
		"$BIN/redox-run-net" --bridge redoxbr0 --slot 2 --disk /nonexistent.img >"$run/attack" 2>&1 &
	local pid=$!
	wait "$pid"
}
lease() { nsrun "$1" "$TOOLS/redox_dhcp_client" eth0 | awk '/^ack/ {print $2}'; }
drops() { NS nft list chain bridge redox_net "$1" | awk '/drop/ {for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1)} END {print s + 0}'; }
fdb_of() { NS bridge fdb show br redoxbr0 | grep -i "^$1 "; }
audit_lines() { wc -l <"$AUDIT"; }

check "up --bridge redoxbr0 --dhcp" netsetup up --bridge redoxbr0 --dhcp --lease-dir "$run/leases"
check "it made table bridge redox_net with its two sets" \
	sh -c "ip netns exec $ns nft list table bridge redox_net | grep -q 'set guest_mac' && ip netns exec $ns nft list table bridge redox_net | grep -q 'set guest_ip'"
rules=$(NS nft -a list table bridge redox_net | grep -c 'handle')

# --- legitimate paths: B and C lease, B serves ssh on :22, the host forwards :2222 to B
relay_vm 65533 1 "$gb" "$macB"; pidB=$VM_PID
helper_bound "$portB" "$macB"
relay_vm 65534 1 "$gc" "$macC"
helper_bound "$portC" "$macC"
check "the port filter has the same rules with two VMs as with none" \
	test "$(NS nft -a list table bridge redox_net | grep -c handle)" = "$rules"
ipB=$(lease "$gb"); ipC=$(lease "$gc")
check "B gets a lease ($ipB)" test -n "$ipB"
check "C gets a lease ($ipC)" test -n "$ipC"
check "the host's DHCPACK bound B's address to B's port in @guest_ip" \
	sh -c "ip netns exec $ns nft list set bridge redox_net guest_ip | grep -q '\"$portB\" . $ipB'"
nsrun "$gb" ip addr add "$ipB/24" dev eth0; nsrun "$gc" ip addr add "$ipC/24" dev eth0
nsrun "$gb" ip route add default via 172.16.0.1; nsrun "$gc" ip route add default via 172.16.0.1
check "B renews and keeps its address" test "$(lease "$gb")" = "$ipB"
check "a second up with a forward to B keeps the VMs' elements" \
	netsetup up --bridge redoxbr0 --dhcp --lease-dir "$run/leases" --forward "tcp:2222:$ipB:22"
check "... B's port is still in @guest_mac" \
	sh -c "ip netns exec $ns nft list set bridge redox_net guest_mac | grep -q '\"$portB\" . $macB'"
nsrun "$gb" "$TOOLS/tcp_echo" serve 0.0.0.0 22 100 >"$run/sshd" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for "$run/sshd" ready
check "the forward tcp:2222 reaches B" sh -c "ip netns exec $ns $TOOLS/tcp_echo send 172.16.0.1 2222 hello | grep -q 'echo hello'"
check "the host pings B" NS ping -c 1 -W 2 "$ipB"
check "C pings B through the host (isolated ports, proxy ARP)" nsrun "$gc" ping -c 1 -W 2 "$ipB"
neigh_before=$(NS ip neigh show "$ipB" | awk '{print $5}')
check "the host's neighbour entry for B is B's MAC" test "$neigh_before" = "$macB"
fdbB_before=$(fdb_of "$macB")
check "B's FDB entry is a permanent one on B's port" grep -q "dev $portB .*permanent" <<<"$fdbB_before"
leases_before=$(cat "$run"/leases/* 2>/dev/null | md5sum)
audit0=$(audit_lines)

# (a) gratuitous ARP and ARP replies claiming B's address, then a forwarded SYN
arp_drops=$(drops guest_arp)
attacker "mac $macA arp 1 $ipB $ipB arp 2 $ipB 172.16.0.1 $(NS cat /sys/class/net/redoxbr0/address) arp 2 $ipB $ipB ff:ff:ff:ff:ff:ff sleep 300 listen 3000 22" &
apid=$!
wait_for "$run/attack" "done sleep"
sleep 0.3
check "(a) the host's neighbour entry for B's address is still B's MAC" \
	test "$(NS ip neigh show "$ipB" | awk '{print $5}')" = "$macB"
check "(a) the forward still reaches B during the attack" \
	sh -c "ip netns exec $ns $TOOLS/tcp_echo send 172.16.0.1 2222 again | grep -q 'echo again'"
wait "$apid"
check "(a) A heard no SYN for port 22" grep -q "syn 0$" "$run/attack"
check "(a) the bridge dropped A's forged ARP" test "$(drops guest_arp)" -ge $((arp_drops + 3))

# (b) frames with B's MAC as their source
in_drops=$(drops guest_in)
attacker "mac $macB ip $ipB 172.16.0.1 arp 1 $ipB 172.16.0.1 ip $ipB $ipB"
check "(b) A's frames from B's MAC were dropped" test "$(drops guest_in)" -ge $((in_drops + 3))
check "(b) B's FDB entry did not move" test "$(fdb_of "$macB")" = "$fdbB_before"

# (c) SIOCSIFHWADDR on A's own TAP fd to B's MAC
attacker "hwaddr $macB sleep 300 listen 3000 22" &
apid=$!
wait_for "$run/attack" "done hwaddr"
check "(c) the kernel let A set its TAP's MAC to B's (no capability needed)" \
	test "$(NS cat /sys/class/net/$portA/address)" = "$macB"
check "(c) B's permanent FDB entry stays on B's port" test "$(fdb_of "$macB")" = "$fdbB_before"
check "(c) the host still pings B" NS ping -c 1 -W 2 "$ipB"
check "(c) the forward still reaches B" \
	sh -c "ip netns exec $ns $TOOLS/tcp_echo send 172.16.0.1 2222 third | grep -q 'echo third'"
wait "$apid"
check "(c) A got nothing of B's: no SYN for port 22" grep -q "syn 0$" "$run/attack"

# (d) forged RELEASE and DECLINE with B's chaddr and ciaddr, then a REQUEST for B's address
dhcp_drops=$(drops guest_dhcp)
attacker "mac $macA dhcp 7 $macB $ipB dhcp 4 $macB 0.0.0.0 $ipB dhcp 7 $macB 0.0.0.0 sleep 300 dhcp 3 $macA 0.0.0.0 $ipB listen 2000 67"
check "(d) the forged RELEASE and DECLINE never reached the responder" \
	test "$(drops guest_dhcp)" -ge $((dhcp_drops + 2))
check "(d) A was not given B's address" sh -c "! grep -q 'ack $ipB' $run/attack"
check "(d) @guest_ip binds B's address to no port of A's" \
	sh -c "! ip netns exec $ns nft list set bridge redox_net guest_ip | grep -q '\"$portA\" . $ipB'"
check "(d) B renews and keeps its address" test "$(lease "$gb")" = "$ipB"

# (e) 2,000 random source MACs
fdb_before=$(NS bridge fdb show br redoxbr0 | wc -l)
# (counted while A runs: its port's entries go with its TAP; its own few are allowed for)
attacker "randmac 2000 sleep 1500" &
apid=$!
wait_for "$run/attack" "done randmac"
check "(e) A sent its 2,000 frames" grep -q "done randmac" "$run/attack"
check "(e) the FDB did not grow by them" test "$(NS bridge fdb show br redoxbr0 | wc -l)" -le $((fdb_before + 10))
wait "$apid"

# --- nothing changed
check "the host's neighbour entry for B is still B's MAC" test "$(NS ip neigh show "$ipB" | awk '{print $5}')" = "$macB"
check "B's FDB entry is as it was" test "$(fdb_of "$macB")" = "$fdbB_before"
check "the audit log holds only A's five granted requests" \
	sh -c "test \$(tail -n +$((audit0 + 1)) $AUDIT | wc -l) = 5 && ! tail -n +$((audit0 + 1)) $AUDIT | grep -qv 'uid=65534.*allow'"
check "the rules did not grow" test "$(NS nft -a list table bridge redox_net | grep -c handle)" = "$rules"

# --- a VM restarting in its slot gets its address back
kill "$pidB"; wait "$pidB" 2>/dev/null
for _ in $(seq 50); do NS ip link show "$portB" >/dev/null 2>&1 || break; sleep 0.1; done
relay_vm 65533 1 "$gb" "$macB"
helper_bound "$portB" "$macB"
check "B, restarted in slot 1, gets its address back" test "$(lease "$gb")" = "$ipB"
nsrun "$gb" ip addr add "$ipB/24" dev eth0
check "C still pings B" nsrun "$gc" ping -c 1 -W 2 "$ipB"

check "down removes the table" netsetup down
check "... table bridge redox_net is gone" sh -c "! ip netns exec $ns nft list table bridge redox_net 2>/dev/null"
check "up again" netsetup up --bridge redoxbr0 --dhcp --lease-dir "$run/leases"
check "then down --all removes it too" netsetup down --all
check "... gone again" sh -c "! ip netns exec $ns nft list table bridge redox_net 2>/dev/null"
done_testing
