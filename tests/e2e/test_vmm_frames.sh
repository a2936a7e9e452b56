#!/usr/bin/env bash
# test_vmm_frames.sh - redox-run-net execs a stand-in Cloud Hypervisor (tests/tools/ch_vmm,
# through CH_BIN) that checks its command line as Cloud Hypervisor's parser does, sets up
# the inherited queue fds as Cloud Hypervisor does (TUNGETIFF flags, TUNSETVNETHDRSZ 12),
# and exchanges real frames with the host on fd 3: ARP for 172.16.0.1, then an ICMP echo.
# Both ways of getting the fds (the fast path and the setuid helper), one queue and two,
# each on a TAP made by `redox-netsetup up` in its own throwaway namespace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../security/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install
img=$(mktemp /tmp/rxn-img.XXXXXX); truncate -s 1M "$img"; chown 65534 "$img"; at_exit "rm -f $img"
# /dev/net/tun is 0600 on some hosts: give the private /dev the usual 0666 node.
umount /dev/net/tun; rm -f /dev/net/tun; mknod -m 666 /dev/net/tun c 10 200
set_policy "allow uid 65534 tap tap0 queues 2"
RUN() {
	NS setpriv --reuid=65534 --regid=65534 --clear-groups \
		env REDOX_NET_HELPER="$HELPER" CH_BIN="$TOOLS/ch_vmm" "$BIN/redox-run-net" "$@"
}

# vm_frames PATH OWNER QUEUES: up in a fresh namespace with that owner and queue count,
# then run the stand-in VMM through redox-run-net and check what it reports.
vm_frames() {
	local path=$1 owner=$2 q=$3 fds=3 how="opened directly"
	[ "$q" -gt 1 ] && fds="\\[3,4\\]"
	[ "$path" = helper ] && how="from redox-net-helper"
	netsetup_env "vmm-$path-$q"
	check "$path path, $q queue(s): redox-netsetup up --owner $owner --queues $q" netsetup up --owner "$owner" --queues "$q"
	check_status "$path path, $q queue(s): dry run hands over fd $fds" 0 RUN --queues "$q" --disk "$img" --dry-run
	check_output "... $how" "fd 3: tap0 queue 0 \\($how\\)"
	check_output "... --net fd=$fds" "--net fd=$fds,mac=52:54:00:12:34:56"
	check_status "$path path, $q queue(s): ch_vmm accepts the command line and the host answers on fd 3" 0 RUN --queues "$q" --cpus 2 --memory 64M --disk "$img"
	check_output "... ch_vmm took $q fd(s) with num_queues $((2 * q))" "command line accepted: $q fd\\(s\\), num_queues $((2 * q))"
	[ "$q" -gt 1 ] && check_output "... and both queues are of a multi-queue TAP (IFF_MULTI_QUEUE)" "fd 4: tap0 flags 0x[0-9a-f]+ \\(multi-queue\\)"
	check_output "... the ARP reply for 172.16.0.1 came back" "ARP: 172.16.0.1 is at"
	check_output "... and so did the ICMP echo reply" "ICMP: echo reply from 172.16.0.1"
	check_output "... ch_vmm exited ok" "^ch_vmm: ok$"
	check "$path path, $q queue(s): down" netsetup down
}
vm_frames fast 65534 1
vm_frames fast 65534 2
vm_frames helper 0 1
vm_frames helper 0 2
check "the helper audited the grants" grep -q "tap0" "$AUDIT"

# The guest MAC the runner is given is the one the stand-in VMM puts on the wire.
netsetup_env vmm-mac
netsetup up --owner 65534 >/dev/null 2>&1
check_status "--mac reaches the VMM, which answers ARP and ping with it" 0 RUN --mac 52:54:00:aa:bb:cc --disk "$img"
check_output "... echo reply" "ICMP: echo reply"
netsetup down >/dev/null 2>&1

# The lease, the way Redox OS's client gets it (one DISCOVER with option 53 alone and the
# broadcast flag, no retransmission, the first reply taken as the OFFER), over the fd
# the runner hands the VMM, from the responder `up --dhcp` started: the helper path.
netsetup_env vmm-dhcp
check "up --dhcp for the Redox-style lease" netsetup up --owner 0 --dhcp --lease-dir "$run/leases"
LAST_OUTPUT=$(NS setpriv --reuid=65534 --regid=65534 --clear-groups env REDOX_NET_HELPER="$HELPER" \
	CH_BIN="$TOOLS/ch_vmm" CH_VMM_DHCP=redox "$BIN/redox-run-net" --disk "$img" 2>&1); rc=$?
ok $rc "the VMM leases its address on fd 3 the way Redox's client does, then pings the host"
check_output "... the first reply to the one DISCOVER is an OFFER of 172.16.0.2" "^offer 172.16.0.2 server 172.16.0.1$"
check_output "... the OFFER carries mask, router and DNS, each exactly 4 bytes, applied before the REQUEST" \
	"^applied 172.16.0.2 mask 255.255.255.0 router 172.16.0.1 dns 172.16.0.1$"
check_output "... its REQUEST, sent from 172.16.0.2, was ACKed" "^ack 172.16.0.2$"
check_output "... and the frames that follow get answers" "ICMP: echo reply from 172.16.0.1"
check "the lease is on disk" grep -q "52:54:00:12:34:56" "$run/leases/leases"
netsetup down >/dev/null 2>&1

# The stand-in is strict where Cloud Hypervisor is: it must refuse what CH refuses.
ch() { NS "$TOOLS/ch_vmm" --cpus boot=1 --memory size=64M --disk path="$img" --serial tty --console off "$@" 3</dev/null 4</dev/null; }
check_status "ch_vmm refuses several fds without brackets" 2 ch --net fd=3,4,num_queues=4
check_status "ch_vmm refuses num_queues that is not 2 x fds" 2 ch --net "fd=[3,4]"
check_status "ch_vmm refuses an fd <= 2" 2 ch --net fd=2
check_status "ch_vmm refuses ip= on the fd path" 2 ch --net fd=3,ip=172.16.0.2
check_status "ch_vmm refuses mtu= on the fd path" 2 ch --net fd=3,mtu=1500
check_status "ch_vmm refuses a topology that does not multiply out" 2 NS "$TOOLS/ch_vmm" --cpus boot=4,topology=1:1:1:2 --memory size=64M --disk path=x --net fd=3 --serial tty --console off
check_status "ch_vmm refuses an fd that is not a TAP" 1 ch --net fd=3
check_output "... saying so" "TUNGETIFF"
check_status "ch_vmm refuses to run in the suite's own network namespace" 2 "$TOOLS/ch_vmm" --net fd=3
check_output "... naming why" "refusing to run in the machine's own network namespace"
done_testing
