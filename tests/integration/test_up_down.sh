#!/usr/bin/env bash
# test_up_down.sh - `up` and `down` against the kernel, in a throwaway namespace:
# the device, its flags, owner, state and address; forwarding; the nftables rules;
# idempotence; exact undo; and that nothing foreign is touched.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env updown

# Something foreign that must survive up and down untouched.
NS ip tuntap add dev foreign0 mode tap
NS nft add table inet someone_else
NS nft add chain inet someone_else input '{ type filter hook input priority 0; policy accept; }'
NS nft add rule inet someone_else input tcp dport 22 accept
echo 0 | NS tee /proc/sys/net/ipv4/ip_forward >/dev/null
foreign_before=$(NS sh -c 'ip -d link show foreign0; nft list table inet someone_else')

check "up with defaults and --owner succeeds" netsetup up --owner 65534
flags=$(NS cat /sys/class/net/tap0/tun_flags)
ok $(( (flags & 0x0002) && (flags & 0x1000) && (flags & 0x4000) ? 0 : 1 )) "tap0 is IFF_TAP|IFF_NO_PI|IFF_VNET_HDR (tun_flags=$flags)"
ok $(( (flags & 0x0100) ? 1 : 0 )) "tap0 is single-queue without --queues"
check "tap0 is owned by uid 65534" test "$(NS cat /sys/class/net/tap0/owner)" = 65534
check "tap0 is administratively up" sh -c "ip netns exec $ns ip -o link show tap0 | grep -q '[<,]UP[,>]'"
check "tap0 is in redox-net's netdev group" test "$(NS cat /sys/class/net/tap0/netdev_group)" = $((0x72786e))
check "tap0 carries 172.16.0.1/24" sh -c "ip netns exec $ns ip -o -4 addr show dev tap0 | grep -q 'inet 172.16.0.1/24 brd 172.16.0.255'"
check "ip_forward is 1" test "$(NS cat /proc/sys/net/ipv4/ip_forward)" = 1
rules=$(NS nft -j list table ip redox_net)
check "the masquerade rule is in the kernel" jq -e '[.nftables[].rule? | select(.chain=="postrouting") | .expr[] | select(has("masquerade"))] | length == 1' <<<"$rules"
check "masquerade matches ip saddr 172.16.0.0/24 and daddr != it" jq -e '[.nftables[].rule? | select(.chain=="postrouting") | .expr[] | .match? | select(. != null) | select(.right.prefix.addr=="172.16.0.0" and .right.prefix.len==24) | .op] | sort == ["!=","=="]' <<<"$rules"
check "forward accepts from tap0" jq -e '[.nftables[].rule? | select(.chain=="forward") | select(any(.expr[]; .match?.left.meta.key=="iifname" and .match.right=="tap0")) | select(any(.expr[]; has("accept")))] | length == 1' <<<"$rules"
check "forward accepts established,related back to tap0" jq -e '[.nftables[].rule? | select(.chain=="forward") | select(any(.expr[]; .match?.left.meta.key=="oifname" and .match.right=="tap0")) | select(any(.expr[]; .match?.left.ct.key=="state"))] | length == 1' <<<"$rules"
check "status --json reports all four objects present" sh -c "ip netns exec $ns $BIN/redox-netsetup status --json --run-dir $run | jq -e '[.objects[] | select(.present)] | length == 4'"

state() { NS sh -c 'ip -d -o link show; ip -o addr show; nft -a list ruleset; cat /proc/sys/net/ipv4/ip_forward'; }
before=$(state)
check "a second up exits 0" netsetup up --owner 65534
LAST_OUTPUT=$(netsetup up --owner 65534 2>&1)
check_output "a third up says nothing changed" "nothing changed"
check "a second up changes nothing (links, addresses, rule handles, sysctl)" test "$before" = "$(state)"

check "down succeeds" netsetup down
check "tap0 is gone" sh -c "! ip netns exec $ns ip link show tap0 2>/dev/null"
check "no address in 172.16.0.0/24 is left" sh -c "! ip netns exec $ns ip -o addr | grep -q 172.16.0."
check "table ip redox_net is gone" sh -c "! ip netns exec $ns nft list table ip redox_net 2>/dev/null"
check "ip_forward is back to 0" test "$(NS cat /proc/sys/net/ipv4/ip_forward)" = 0
check "the journal is gone" test ! -e "$run/journal"
check "a second down exits 0" netsetup down
check "foreign TAP and table are untouched by up and down" test "$foreign_before" = "$(NS sh -c 'ip -d link show foreign0; nft list table inet someone_else')"

# Forwarding that was already on stays on after down.
echo 1 | NS tee /proc/sys/net/ipv4/ip_forward >/dev/null
netsetup up --owner 65534 >/dev/null 2>&1 && netsetup down >/dev/null 2>&1
check "ip_forward that was 1 before up is 1 after down" test "$(NS cat /proc/sys/net/ipv4/ip_forward)" = 1
echo 0 | NS tee /proc/sys/net/ipv4/ip_forward >/dev/null
netsetup up --owner 65534 >/dev/null 2>&1 && netsetup down --keep-forwarding >/dev/null 2>&1
check "down --keep-forwarding leaves ip_forward at 1" test "$(NS cat /proc/sys/net/ipv4/ip_forward)" = 1
echo 0 | NS tee /proc/sys/net/ipv4/ip_forward >/dev/null

# Multi-queue.
check "up --queues 4 succeeds" netsetup up --tap mq0 --queues 4 --group 65534
flags=$(NS cat /sys/class/net/mq0/tun_flags)
ok $(( (flags & 0x0100) && (flags & 0x4000) ? 0 : 1 )) "mq0 has IFF_MULTI_QUEUE and IFF_VNET_HDR (tun_flags=$flags)"
check "mq0 is owned by group 65534, not a user" sh -c "test \$(ip netns exec $ns cat /sys/class/net/mq0/group) = 65534 && test \$(ip netns exec $ns cat /sys/class/net/mq0/owner) = -1"
check "--queues 2 on the same multi-queue TAP is the same device" netsetup up --tap mq0 --queues 2 --group 65534
check_status "up single-queue on a multi-queue TAP is a conflict (4)" 4 netsetup up --tap mq0 --group 65534
check_output "and says to run down first" "redox-netsetup down"
netsetup down >/dev/null 2>&1

# Config file: keys match the long options; the command line wins.
cat >"$run/conf" <<'CONF'
# comment
tap = cfgtap0
address = 172.16.5.1/24
owner = 65534
CONF
check "up --config FILE uses its settings" netsetup up --config "$run/conf" --tap cli0
check "the command line overrides the config file" sh -c "ip netns exec $ns ip -o -4 addr show dev cli0 | grep -q 172.16.5.1/24"
netsetup down >/dev/null 2>&1
printf 'tap = x\nbogus = 1\n' >"$run/bad.conf"
check_status "an unknown config key is a usage error (2)" 2 netsetup up --config "$run/bad.conf" --owner 65534
check_output "naming file:line" "bad.conf:2: unknown key 'bogus'"

check "namespace is clean at the end" sh -c "test -z \"\$(ip netns exec $ns ip -o link show group $((0x72786e)))\""
done_testing
