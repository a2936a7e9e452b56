#!/usr/bin/env bash
# test_helper_bridge.sh - bridge mode end to end, against the real setuid helper: each VM
# gets a TAP of its own on the bridge, named and addressed by (uid, slot); quotas count
# what the kernel shows and hold under parallel requests; the TAPs vanish with the VMM;
# two VMs get distinct leases and reach each other and the host; a TAP made persistent
# through its fd is removed by `down --all`.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

ns=$(netns_new brhost)
g1=$(netns_new brg1); g2=$(netns_new brg2); inet=$(netns_new brinet)
run=$(mktemp -d); at_exit "rm -rf $run"
NS() { nsrun "$ns" "$@"; }
netsetup() { NS "$BIN/redox-netsetup" "$@" --run-dir "$run"; }
group=$((0x72786e))
# taps_of UID: the TAPs on redoxbr0, in our group, that the kernel says UID owns.
taps_of() {
	local n=0 dev
	for dev in $(NS ip -o link show master redoxbr0 group $group | awk -F': ' '{print $2}' | cut -d@ -f1); do
		[ "$(NS cat "/sys/class/net/$dev/owner")" = "$1" ] && n=$((n + 1))
	done
	echo "$n"
}
# request UID [CLIENT_OPTS] [-- HELPER_ARGS]: ask for a TAP on redoxbr0 as UID.
request() {
	local uid=$1; shift
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	# exec, so that a background request's pid is the stand-in VMM's own
	exec ip netns exec "$ns" "$TOOLS/helper_client" --user "$uid" "${opts[@]}" -- "$HELPER" --fd=@ --bridge redoxbr0 "$@"
}

set_policy "allow uid 65534 bridge redoxbr0
allow uid 65533 bridge redoxbr0
quota uid 65534 devices 2
quota uid 65533 devices 2"
# An "internet" behind up0 with no route back to 172.16.0.0/24: only NAT gets answers.
NS ip link add up0 type veth peer name eth0 netns "$inet"
NS ip addr add 198.51.100.1/24 dev up0; NS ip link set up0 up
nsrun "$inet" ip addr add 198.51.100.2/24 dev eth0; nsrun "$inet" ip link set eth0 up
check "up --bridge redoxbr0 --dhcp" netsetup up --bridge redoxbr0 --uplink up0 --dhcp --lease-dir "$run/leases"

# --- names and MACs are derived from (uid, slot)
check_status "a request with --slot 7 succeeds" 0 eval '(request 65534 -- --slot 7)' 
check_output "the TAP is rn<uid in base 36>s<slot>" "ifname=rn1ekes7 "
check_output "the guest MAC is 02:<uid>:<slot>" "mac=02:00:00:ff:fe:07 "
check "and it is gone once the caller's fds closed" sh -c "! ip netns exec $ns ip link show rn1ekes7 2>/dev/null"
NS ip link add other0 type bridge; NS ip link set other0 group $group up
check_status "a bridge of ours that the policy does not name is refused (3)" 3 NS "$TOOLS/helper_client" --user 65534 -- "$HELPER" --fd=@ --bridge other0
check_output "... by the policy" "result=deny|denied|no rule"
NS ip link del other0
NS ip link add stranger0 type bridge; NS ip link set stranger0 up
mk_tap "$ns" tapx
set_policy "allow uid 65534 bridge *"
check_status "a bridge redox-netsetup did not make is refused (3)" 3 NS "$TOOLS/helper_client" --user 65534 -- "$HELPER" --fd=@ --bridge stranger0
check_output "... because of its group" "not created by redox-netsetup"
check_status "a TAP is not a bridge (3)" 3 NS "$TOOLS/helper_client" --user 65534 -- "$HELPER" --fd=@ --bridge tapx
set_policy "allow uid 65534 bridge redoxbr0
allow uid 65533 bridge redoxbr0
quota uid 65534 devices 2
quota uid 65533 devices 2"

# --- quota 2 each: three parallel requests per user give exactly two TAPs per user
pids=()
for uid in 65534 65533; do
	for i in 1 2 3; do
		(request "$uid" --hold) >"$run/req.$uid.$i" 2>&1 &
		pids+=($!)
	done
done
for _ in $(seq 100); do
	[ "$(grep -l 'status=' "$run"/req.* 2>/dev/null | wc -l)" -ge 6 ] && break; sleep 0.1
done
check "user 65534 holds exactly two TAPs on the bridge" test "$(taps_of 65534)" = 2
check "user 65533 holds exactly two TAPs on the bridge" test "$(taps_of 65533)" = 2
check "each user's third request was refused by the quota" test "$(grep -l 'status=3 .*quota' "$run"/req.* | wc -l)" = 2
check "the refusals are audited" sh -c "grep -c 'result=deny.*quota' $AUDIT | grep -qx 2"
check "the TAPs carry IFF_VNET_HDR and are up" sh -c "ip netns exec $ns ip -d -o link show master redoxbr0 | grep -c 'vnet_hdr on' | grep -qx 4"
check "they are not persistent" sh -c "! ip netns exec $ns ip -d -o link show master redoxbr0 | grep -q 'persist on'"
check "IPv6 is off on them: no address, no route, no message of the host's per VM" sh -c "
	for d in \$(ip netns exec $ns ip -o link show master redoxbr0 | awk -F': ' '{print \$2}' | cut -d@ -f1); do
		[ \"\$(ip netns exec $ns cat /proc/sys/net/ipv6/conf/\$d/disable_ipv6)\" = 1 ] || exit 1
	done; [ -z \"\$(ip netns exec $ns ip -6 -o addr show | grep ' rn1ek')\" ]"
kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
check "once the VMMs exit, the TAPs are gone" test -z "$(NS ip -o link show master redoxbr0)"

# --- whoever holds a TAP's fd can change its owner (TUNSETOWNER), but not its name: the
# quota counts the caller's names, so giving TAPs away neither frees his quota nor uses up
# the quota of the user they were given to
pids=()
for i in 1 2; do
	(request 65534 --owner 65533 --hold) >"$run/give.$i" 2>&1 &
	pids+=($!)
done
for _ in $(seq 100); do [ "$(taps_of 65533)" = 2 ] && break; sleep 0.1; done
check "user 65534 made two TAPs and gave both to 65533" test "$(taps_of 65533)" = 2
check_status "they still count against 65534: a third request is refused (3)" 3 eval '(request 65534)'
check_output "... by the quota" "status=3 .*quota"
for i in 1 2; do
	(request 65533 --hold) >"$run/take.$i" 2>&1 &
	pids+=($!)
done
for _ in $(seq 100); do [ "$(grep -l 'status=' "$run"/take.* 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.1; done
check "and not against 65533, who still gets two of his own" test "$(grep -l 'status=0 ' "$run"/take.* | wc -l)" = 2
kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
check "once those VMMs exit, their TAPs are gone too" test -z "$(NS ip -o link show master redoxbr0)"

# --- two VMs on the bridge: distinct leases, and they reach each other and the host
vm() {	# vm N NETNS: a stand-in VMM for uid 65534 slot N relaying into NETNS's eth0
	(request 65534 --relay "/var/run/netns/$2" eth0 -- --slot "$1") >"$run/vm$1.out" 2>&1 &
	at_exit "kill $!"
	for _ in $(seq 50); do grep -q ready "$run/vm$1.out" && break; sleep 0.1; done
	nsrun "$2" ip link set eth0 address "02:00:00:ff:fe:0$1"
	nsrun "$2" ip link set eth0 up
}
vm 1 "$g1"; vm 2 "$g2"
check "both stand-in VMMs are on the bridge" test "$(taps_of 65534)" = 2
lease() { nsrun "$1" "$TOOLS/redox_dhcp_client" eth0 | awk '/^ack/ {print $2}'; }
ip1=$(lease "$g1"); ip2=$(lease "$g2")
check "VM 1 gets a lease ($ip1)" test -n "$ip1"
check "VM 2 gets a lease ($ip2)" test -n "$ip2"
check "the leases differ" test "$ip1" != "$ip2"
nsrun "$g1" ip addr add "$ip1/24" dev eth0; nsrun "$g2" ip addr add "$ip2/24" dev eth0
check "VM 1 pings the host 172.16.0.1" nsrun "$g1" ping -c 1 -W 2 172.16.0.1
check "VM 2 pings the host 172.16.0.1" nsrun "$g2" ping -c 1 -W 2 172.16.0.1
check "VM 1 pings VM 2 across the bridge" nsrun "$g1" ping -c 1 -W 2 "$ip2"
# --- VM ports are isolated: guests meet only through the host, never at layer 2
brmac=$(NS cat /sys/class/net/redoxbr0/address)
ports=$(NS ip -o link show master redoxbr0 type tun | awk -F': ' '{print $2}' | cut -d@ -f1)
check "both VMs' bridge ports are isolated" \
	test "$(for p in $ports; do NS cat "/sys/class/net/$p/brport/isolated"; done | tr -d '\n')" = 11
check "redoxbr0 answers ARP between its ports (proxy_arp_pvlan 1, send_redirects 0)" \
	test "$(NS cat /proc/sys/net/ipv4/conf/redoxbr0/proxy_arp_pvlan)$(NS cat /proc/sys/net/ipv4/conf/redoxbr0/send_redirects)" = 10
check "VM 1 reaches VM 2 through the host: its ARP entry for VM 2 is the bridge's MAC" \
	sh -c "ip netns exec $g1 ip neigh show $ip2 | grep -q 'lladdr $brmac'"
nsrun "$g2" ping -c 1 -W 2 172.16.0.1 >/dev/null
# A guest claims the router's address with unsolicited ARP: a peer on a plain bridge
# would take it over its existing entry (arp_accept only guards new entries).
nsrun "$g1" ip addr add 172.16.0.1/32 dev eth0
check "VM 1 sends unsolicited ARP: 172.16.0.1 is at its own MAC" \
	nsrun "$g1" busybox arping -U -c 2 -w 2 -I eth0 -s 172.16.0.1 172.16.0.1
nsrun "$g1" ip addr del 172.16.0.1/32 dev eth0
check "VM 1's forged ARP for 172.16.0.1 never reaches VM 2" \
	sh -c "ip netns exec $g2 ip neigh show 172.16.0.1 | grep -q 'lladdr $brmac'"
nsrun "$g1" ip route add default via 172.16.0.1; nsrun "$g2" ip route add default via 172.16.0.1
# Routed guest traffic enters the IP layer on the bridge: 'iifname redoxbr0' matches it.
NS nft add table ip probe
NS nft add chain ip probe seen '{ type filter hook forward priority 10; }'
NS nft add rule ip probe seen iifname redoxbr0 counter
check "VM 1 reaches the internet host through the forward rule and NAT" nsrun "$g1" ping -c 1 -W 2 198.51.100.2
check "so does VM 2" nsrun "$g2" ping -c 1 -W 2 198.51.100.2
check "the forwarded packets came in on redoxbr0, as our forward rule expects" sh -c "ip netns exec $ns nft list chain ip probe seen | grep -Eq 'packets [1-9]'"
NS nft delete table ip probe

# --- the runner asks for one and gives the VMM the fd and the derived MAC
LAST_OUTPUT=$(NS setpriv --reuid=65533 --regid=65534 --clear-groups env REDOX_NET_HELPER="$HELPER" \
	"$BIN/redox-run-net" --bridge redoxbr0 --slot 3 --dry-run --disk /nonexistent.img 2>&1)
check_output "redox-run-net --bridge passes fd=3 with mac=02:00:00:ff:fd:03" "fd=3,mac=02:00:00:ff:fd:03"

# --- a TAP its user made persistent through the fd: down --all removes it
check_status "a request whose client sets TUNSETPERSIST succeeds" 0 eval '(request 65533 --persist -- --slot 9)' 
check "the TAP outlives its fds" NS ip link show rn1ekds9
check "down --all removes it" netsetup down --all
check "it is gone" sh -c "! ip netns exec $ns ip link show rn1ekds9 2>/dev/null"
check "the bridge is gone" sh -c "! ip netns exec $ns ip link show redoxbr0 2>/dev/null"
done_testing
