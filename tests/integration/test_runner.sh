#!/usr/bin/env bash
# test_runner.sh - redox-run-net as uid 65534: the fast path (the user owns the TAP), the
# helper path (a root-owned TAP, granted by a group policy), refusals with the fix, and a
# QEMU command line that the real qemu-system-x86_64 accepts with the real fds.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../security/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install
ns=$(netns_new runner)
NS() { nsrun "$ns" "$@"; }
img=$(mktemp /tmp/rxn-img.XXXXXX); truncate -s 1M "$img"; chown 65534 "$img"; at_exit "rm -f $img"
RUN() { NS setpriv --reuid=65534 --regid=65534 --groups=4242 env REDOX_NET_HELPER="$HELPER" "$BIN/redox-run-net" "$@"; }

# /dev/net/tun is 0600 on some hosts: give the private /dev the usual 0666 node.
umount /dev/net/tun; rm -f /dev/net/tun; mknod -m 666 /dev/net/tun c 10 200

mk_tap "$ns" own0 65534
mk_tap "$ns" pool0 0
mk_tap "$ns" mq0 65534 4
mk_tap "$ns" other 0
set_policy "allow gid 4242 tap pool*
quota gid 4242 devices 4"

check_status "fast path: --dry-run on a TAP the user owns" 0 RUN --tap own0 --disk "$img" --dry-run
check_output "... opens it directly" "fd 3: own0 queue 0 \\(opened directly\\)"
check_output "... Cloud Hypervisor gets fd=3 with no num_queues, ip=, mask=, host_mac=, mtu=" "--net fd=3,mac=52:54:00:12:34:56,queue_size=256 "
check_output "... and the CPU topology multiplies out" "--cpus boot=4,topology=1:2:1:2"
check_status "helper path: a root-owned TAP granted by group policy" 0 RUN --tap pool0 --disk "$img" --dry-run
check_output "... the fd comes from redox-net-helper" "fd 3: pool0 queue 0 \\(from redox-net-helper\\)"
check_status "multi-queue: 2 fds" 0 RUN --tap mq0 --queues 2 --disk "$img" --dry-run
check_output "... fd=[3,4] and num_queues=4" "fd=\\[3,4\\],mac=52:54:00:12:34:56,queue_size=256,num_queues=4"
check_status "performance profile" 0 RUN --tap mq0 --profile performance --disk "$img" --dry-run
check_output "... direct I/O, hugepages and one queue per vCPU" "size=2048M,hugepages=on .*path=$img,direct=on .*fd=\\[3,4,5,6\\].*num_queues=8"
check_status "a missing TAP is refused" 1 RUN --tap nope0 --disk "$img" --dry-run
check_output "... with the fix" "sudo redox-netsetup up --tap nope0"
NS ip link set own0 down
check_status "a down TAP is refused" 1 RUN --tap own0 --disk "$img" --dry-run
check_output "... saying it is down" "it is down"
NS ip link set own0 up
check_status "queues that do not match the flags are refused" 1 RUN --tap own0 --queues 2 --disk "$img" --dry-run
check_output "... saying how to fix it" "single-queue"
check_status "a TAP outside the policy is refused by the helper: policy denial (3)" 3 RUN --tap other --disk "$img" --dry-run
check_output "... and the runner says the helper refused" "the helper refused"

# The QEMU command line with real fds, parsed and realised by the real QEMU (paused, -S).
if command -v qemu-system-x86_64 >/dev/null; then
	check_status "--vmm qemu --dry-run" 0 RUN --vmm qemu --tap mq0 --queues 2 --memory 64M --cpus 1 --disk "$img" --dry-run
	check_output "... -netdev tap,id=n0,fds=3:4 with mq=on,vectors=6" "-netdev tap,id=n0,fds=3:4 -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,mq=on,vectors=6"
	LAST_OUTPUT=$(printf '\001cinfo network\nquit\n' | timeout 30 ip netns exec "$ns" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/redox-run-net" --vmm qemu --tap mq0 --queues 2 --memory 64M --cpus 1 --disk "$img" -- -S -machine accel=tcg 2>&1)
	check_output "the real qemu-system-x86_64 accepts it and shows the tap netdev on our fds" "n0: index=0,type=tap,fd=3"
else
	skip "qemu-system-x86_64 is not installed"
fi
done_testing
