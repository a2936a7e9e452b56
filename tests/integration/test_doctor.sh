#!/usr/bin/env bash
# test_doctor.sh - doctor and up name the chain that would drop guest traffic and give
# the exact fix (Docker's FORWARD DROP, firewalld, the NixOS firewall, plain nftables),
# and doctor finds forwarding off, a missing TAP and subnet conflicts.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env doctor
doctor() { NS "$BIN/redox-netsetup" doctor --run-dir "$run"; }

echo 0 | NS tee /proc/sys/net/ipv4/ip_forward >/dev/null
check_status "doctor on a bare namespace reports a problem (forwarding off): exit 1" 1 doctor
check_output "it says forwarding is off and how to turn it on" "forwarding is off"
check_output "with the sysctl command" "sysctl -w net.ipv4.ip_forward=1"

NS "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run" >/dev/null 2>&1
check_status "doctor after up on a clean namespace: no problems, exit 0" 0 doctor
check_output "and says so" "no problems found"

# Docker: iptables-nft's ip filter FORWARD with policy drop, and a DOCKER-USER chain.
NS nft add table ip filter
NS nft add chain ip filter FORWARD '{ type filter hook forward priority 0; policy drop; }'
NS nft add chain ip filter DOCKER-USER
check_status "doctor with Docker's FORWARD DROP: exit 1" 1 doctor
check_output "names ip filter FORWARD and its drop policy" "ip filter FORWARD has policy drop"
check_output "gives the DOCKER-USER accept rule from the TAP" "iptables -I DOCKER-USER -i tap0 -j ACCEPT"
check_output "and the established,related rule back to it" "iptables -I DOCKER-USER -o tap0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
check_status "up still succeeds (a warning, not a refusal)" 0 NS "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run"
check_output "and up prints the same warning" "ip filter FORWARD has policy drop"
NS nft delete table ip filter

# firewalld: an inet table whose chain ends in an unconditional reject.
NS nft add table inet firewalld
NS nft add chain inet firewalld filter_FORWARD '{ type filter hook forward priority 10; policy accept; }'
NS nft add rule inet firewalld filter_FORWARD ct state established,related accept
NS nft add rule inet firewalld filter_FORWARD reject with icmpx admin-prohibited
check_status "doctor with firewalld's final reject: exit 1" 1 doctor
check_output "names the chain" "inet firewalld filter_FORWARD ends in an unconditional drop"
check_output "gives the firewall-cmd fix" "firewall-cmd --zone=trusted --change-interface=tap0"
NS nft delete table inet firewalld

# NixOS: inet nixos-fw input chain with policy drop drops DHCP from guests.
NS nft add table inet nixos-fw
NS nft add chain inet nixos-fw input '{ type filter hook input priority 0; policy drop; }'
NS nft add rule inet nixos-fw input iifname lo accept
check_status "doctor with the NixOS firewall: exit 1" 1 doctor
check_output "says DHCP and DNS from guests are dropped" "inet nixos-fw input has policy drop.*DHCP and DNS requests"
check_output "gives the configuration.nix fix for DHCP and the DNS forwarder over UDP" 'networking.firewall.interfaces."tap0".allowedUDPPorts = \[ 53 67 \];'
check_output "and for the DNS forwarder over TCP" 'networking.firewall.interfaces."tap0".allowedTCPPorts = \[ 53 \];'
check_status "doctor --no-dns with the NixOS firewall: exit 1" 1 NS "$BIN/redox-netsetup" doctor --no-dns --run-dir "$run"
check_output "without the forwarder only DHCP's port is named" 'networking.firewall.interfaces."tap0".allowedUDPPorts = \[ 67 \];'
check "and no TCP port" bash -c '! grep -q allowedTCPPorts <<<"$1"' _ "$LAST_OUTPUT"
NS nft delete table inet nixos-fw

# Plain nftables: a conditional drop is not reported, an unconditional one is.
NS nft add table inet mine
NS nft add chain inet mine gfwd '{ type filter hook forward priority 0; policy accept; }'
NS nft add rule inet mine gfwd ip saddr 10.9.9.9 drop
check "the test chain with a conditional drop exists" sh -c "ip netns exec $ns nft list chain inet mine gfwd | grep -q 'ip saddr 10.9.9.9 drop'"
check_status "a drop that only matches some traffic is not reported" 0 doctor
NS nft add rule inet mine gfwd drop
check_status "an unconditional drop is reported" 1 doctor
check_output "with nft insert rules as the fix" 'nft insert rule inet mine gfwd iifname "tap0" accept'
NS nft delete table inet mine

# Plain nftables input chain: the printed fixes are real nft commands that open 67/udp
# and 53/udp+tcp to the guests; run them as printed.
NS nft add table inet mine
NS nft add chain inet mine gin '{ type filter hook input priority 0; policy drop; }'
check_status "an input chain with policy drop is reported" 1 doctor
check_output "with an nft fix for DHCP and DNS over UDP" 'nft insert rule inet mine gin iifname "tap0" udp dport \{ 53, 67 \} accept'
check_output "and one for DNS over TCP" 'nft insert rule inet mine gin iifname "tap0" tcp dport 53 accept'
fixes=$(sed -n 's/^ *hint: \(nft insert rule inet mine gin .*\)$/\1/p' <<<"$LAST_OUTPUT")
check "the printed fixes run as printed" bash -c 'while IFS= read -r c; do eval "ip netns exec $1 $c" || exit; done <<<"$2"' _ "$ns" "$fixes"
check "and put both rules in the kernel" bash -c "ip netns exec $ns nft list chain inet mine gin | grep -q 'udp dport { 53, 67 } accept' && ip netns exec $ns nft list chain inet mine gin | grep -q 'tcp dport 53 accept'"
NS nft delete table inet mine

NS "$BIN/redox-netsetup" down --run-dir "$run" >/dev/null 2>&1
NS ip link add other7 type veth peer name other8
NS ip addr add 172.16.0.9/24 dev other7
NS ip link set other7 up; NS ip link set other8 up
check_status "doctor finds 172.16.0.0/24 in use elsewhere" 1 doctor
check_output "and names the device" "172.16.0.0/24 is already routed through other7"
check_status "doctor --help works" 0 NS "$BIN/redox-netsetup" doctor --help
done_testing
