#!/usr/bin/env bash
# test_runner_macvtap.sh - a macvtap through the setuid helper and redox-run-net, as uid
# 65534: `up --macvtap` on a veth, a policy that allows that macvtap, the helper opening
# /dev/tap<ifindex> once per queue, the runner giving the guest the macvtap's MAC, a
# stand-in Cloud Hypervisor (tests/tools/ch_vmm) reaching a host on the veth's far end
# through it, and a policy without the macvtap rule refused with an audit line.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../security/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install
netsetup_env rmvt
img=$(mktemp /tmp/rxn-img.XXXXXX); truncate -s 1M "$img"; chown 65534 "$img"; at_exit "rm -f $img"
RUN() {
	NS setpriv --reuid=65534 --regid=65534 --clear-groups \
		env REDOX_NET_HELPER="$HELPER" CH_BIN="$TOOLS/ch_vmm" "$BIN/redox-run-net" "$@"
}
client() { NS "$TOOLS/helper_client" --verify --user 65534 -- "$HELPER" --fd=@ "$@"; }
mac=52:54:00:ab:cd:ef

# The far end of the veth plays the LAN's router, so a guest on the macvtap can reach it.
NS ip link add veth0 type veth peer name lan0
NS ip addr add 172.16.0.1/24 dev lan0
NS ip link set lan0 up
NS ip link set veth0 up
check "up --macvtap mvt0 --link veth0 --mac $mac" netsetup up --macvtap mvt0 --link veth0 --mac "$mac"
ifindex=$(NS cat /sys/class/net/mvt0/ifindex)
# What udev would do: the character device node, root's and 0600.  The private /dev
# of this test is a tmpfs, so the node is made here from the number sysfs gives.
IFS=: read -r major minor < <(NS cat "/sys/class/net/mvt0/macvtap/tap$ifindex/dev")
mknod -m 600 "/dev/tap$ifindex" c "$major" "$minor"

set_policy "allow uid 65534 macvtap mvt0 queues 2"
check_status "the helper opens mvt0 for uid 65534 with 2 queues" 0 client --macvtap mvt0 --queues 2
check_output "... two fds of mvt0, ifindex $ifindex, with the macvtap's MAC" "status=0 queues=2 ifname=mvt0 ifindex=$ifindex .*mac=$mac verified=2 "
check "... and audits the allow" grep -qE "uid=65534 .*device=mvt0 ifindex=$ifindex result=allow" "$AUDIT"
check_status "the runner takes the macvtap's MAC as the guest MAC (--dry-run)" 0 RUN --macvtap mvt0 --queues 2 --disk "$img" --dry-run
check_output "... --net fd=[3,4],mac=$mac,...,num_queues=4" "--net fd=\\[3,4\\],mac=$mac,queue_size=256,num_queues=4"
check_output "... both fds from the helper" "fd 4: mvt0 queue 1 \\(from redox-net-helper\\)"
check_status "the stand-in VMM gets /dev/tap$ifindex twice and reaches 172.16.0.1 through the macvtap" 0 RUN --macvtap mvt0 --queues 2 --cpus 1 --memory 64M --disk "$img"
check_output "... fd 3 is /dev/tap$ifindex" "fd 3: mvt0 flags 0x[0-9a-f]+ \\(macvtap\\), vnet header 12, /dev/tap$ifindex$"
check_output "... and so is fd 4" "fd 4: mvt0 flags 0x[0-9a-f]+ \\(macvtap\\), vnet header 12, /dev/tap$ifindex$"
check_output "... ARP and ICMP answered (the guest MAC is the macvtap's)" "ICMP: echo reply from 172.16.0.1"
check_status "a second MAC on the command line is the user's choice, and the macvtap drops its replies" 1 RUN --macvtap mvt0 --mac 52:54:00:12:34:56 --cpus 1 --memory 64M --disk "$img"
check_status "3 queues are more than the rule grants" 3 client --macvtap mvt0 --queues 3

set_policy "allow uid 65534 tap tap0 queues 2"
check_status "a policy without the macvtap rule: the helper refuses (3)" 3 client --macvtap mvt0
check "... and audits the deny" sh -c "sleep 0.1; tail -n 1 '$AUDIT' | grep -qE 'uid=65534 .*device=mvt0 .*result=deny'"
check_status "... and the runner exits 3 too (a policy denial), saying the helper refused" 3 RUN --macvtap mvt0 --disk "$img" --dry-run
check_output "... naming the refusal" "mvt0: the helper refused"
set_policy "allow uid 65534 tap mvt0"
check_status "a tap rule for the same name does not cover the macvtap" 3 client --macvtap mvt0
check_status "and asking for mvt0 as a TAP is refused by kind" 1 RUN --tap mvt0 --disk "$img" --dry-run

check "down removes the macvtap" netsetup down
check "veth0 is untouched" NS ip link show veth0
done_testing
