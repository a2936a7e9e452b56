#!/usr/bin/env bash
# test_vm_restore.sh - redox-run-net --restore DIR on a snapshot laid out as Cloud
# Hypervisor writes it (config.json with one fd-backed net device of 2 queue pairs,
# state.json, memory-ranges): the fd count and device id come from config.json, the
# runner gets 2 fresh fds the normal way, and execs exactly
#   CH_BIN --restore source_url=file://DIR,net_fds=[_net1@[3,4]]
# tests/tools/ch_restore_check, as CH_BIN, checks that argv and the fds (TAP queues with
# IFF_VNET_HDR|IFF_MULTI_QUEUE) and trades an ARP request/reply with 172.16.0.1 on them,
# after `redox-netsetup up --queues 2` in a throwaway namespace.  Also the command lines
# of the dev profile's per-user API socket, --hotplug / CH_HOTPLUG and --landlock.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../security/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
# /dev/net/tun is 0600 on some hosts: the private /dev gets the usual 0666 node.
umount /dev/net/tun; rm -f /dev/net/tun; mknod -m 666 /dev/net/tun c 10 200
netsetup_env restore
work=$(mktemp -d); chmod 755 "$work"; at_exit "rm -rf $work"
AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
RUN() { NS "${AS_USER[@]}" env -u CH_API_SOCKET -u CH_HOTPLUG XDG_RUNTIME_DIR="$work/xdg" "$BIN/redox-run-net" "$@"; }
img=$work/disk.img; truncate -s 1M "$img"
# re TEXT: TEXT as an extended regex that matches only itself.
re() { sed 's/[].()|*+?{}^$\\[]/\\&/g' <<<"$1"; }

# snapshot DIR NET_JSON: a snapshot directory as vm.snapshot leaves it.
snapshot() {
	mkdir -p "$1"
	printf '{"cpus":{"boot_vcpus":2,"max_vcpus":2},"memory":{"size":1073741824,"hotplug_method":"Acpi"},"payload":{"firmware":"/fw"},"disks":[{"path":"/img","id":"_disk0"}],"net":%s,"serial":{"mode":"Tty"},"console":{"mode":"Off"},"landlock_enable":false}\n' "$2" >"$1/config.json"
	printf '{"snapshots":{}}\n' >"$1/state.json"
	: >"$1/memory-ranges"
	chown -R 65534 "$1"
}
net2='[{"tap":null,"ip":"192.168.249.1","mask":"255.255.255.0","mac":"52:54:00:12:34:56","host_mac":null,"mtu":null,"iommu":false,"num_queues":4,"queue_size":256,"vhost_user":false,"vhost_socket":null,"vhost_mode":"Client","id":"_net1","fds":[-1,-1],"rate_limiter_config":null,"pci_segment":0}]'
snapshot "$work/snap" "$net2"

check "redox-netsetup up --queues 2 --owner 65534" netsetup up --queues 2 --owner 65534
want="source_url=file://$work/snap,net_fds=[_net1@[3,4]]"
check_status "--restore --dry-run" 0 RUN --restore "$work/snap" --dry-run
check_output "... execs exactly CH_BIN --restore source_url=file://DIR,net_fds=[_net1@[3,4]]" "^cloud-hypervisor --restore $(re "$want")\$"
check_output "... with 2 fresh fds, as for a normal start" "fd 4: tap0 queue 1 \\(opened directly\\)"
LAST_OUTPUT=$(NS "${AS_USER[@]}" env CH_BIN="$TOOLS/ch_restore_check" RXN_EXPECT_RESTORE="$want" \
	"$BIN/redox-run-net" --restore "$work/snap" 2>&1); rc=$?
ok $rc "--restore runs CH_BIN, which accepts its argv, fds and traffic"
[ $rc -eq 0 ] || sed 's/^/#   /' <<<"$LAST_OUTPUT"
check_output "... --restore is exactly the expected value" "^ok: --restore $(re "$want")\$"
check_output "... fd 3 is a multi-queue vnet-header queue of tap0" "^ok: fd 3 is a queue of tap0, flags 0x5[19]02"
check_output "... and so is fd 4" "^ok: fd 4 is a queue of tap0, flags 0x5[19]02"
check_output "... and nothing is left at fd 5" "^ok: 2 queue fds from fd 3, fd 5 is closed"
check_output "... the host answers ARP for 172.16.0.1 on the restored queues" "^ok: arp reply on fd [34]: 172.16.0.1 is at "
check_status "--api-socket goes before --restore" 0 RUN --restore "$work/snap" --api-socket "$work/a.sock" --dry-run
check_output "... path=PATH" "^cloud-hypervisor --api-socket path=$work/a.sock --restore "

# What config.json says is what counts, and anything odd about it stops the run.
check_status "--queues that disagree with the snapshot are refused" 2 RUN --restore "$work/snap" --queues 1 --dry-run
check_output "... naming the device and its count" "--queues 1, but the snapshot's net device _net1 had 2"
snapshot "$work/tapname" '[{"tap":"tap0","id":"_net0","num_queues":2,"fds":null}]'
check_status "a snapshot with no fd-backed net device is refused" 1 RUN --restore "$work/tapname" --dry-run
check_output "... saying to restore it with cloud-hypervisor directly" "0 net devices backed by fds"
snapshot "$work/mismatch" '[{"id":"_net1","num_queues":2,"fds":[-1,-1]}]'
check_status "fds and num_queues that disagree are refused" 1 RUN --restore "$work/mismatch" --dry-run
check_output "... with both numbers" "_net1 has 2 fds but num_queues 2"
snapshot "$work/badid" '[{"id":"a,b@[9]","num_queues":2,"fds":[-1]}]'
check_status "an id that would change net_fds=[...] is refused" 1 RUN --restore "$work/badid" --dry-run
check_output "... shown escaped" "id 'a,b@\\[9\\]' is not made of letters"
snapshot "$work/broken" '[{"id":"_net1","fds":[-1,'
check_status "a config.json that is not JSON is refused" 1 RUN --restore "$work/broken" --dry-run
check_output "... with the file and the byte" "$work/broken/config.json: .* \\(byte [0-9]+\\)"
mkdir "$work/empty"; chown 65534 "$work/empty"
check_status "a directory that is not a snapshot is refused" 1 RUN --restore "$work/empty" --dry-run
check_output "... naming state.json" "is not a Cloud Hypervisor snapshot: .*state.json"
snapshot "$work/a,b" "$net2"
check_status "a path CH's option syntax cannot carry is refused" 1 RUN --restore "$work/a,b" --dry-run
check_output "... with the fix" "cannot take a path with ','"
check_status "--restore with --vmm qemu is refused" 2 RUN --vmm qemu --restore "$work/snap" --dry-run

# The dev profile's per-user API socket, hotplug and Landlock on a normal start.
mkdir -m 700 "$work/xdg"; chown 65534 "$work/xdg"
check_status "--profile dev --dry-run" 0 RUN --profile dev --queues 2 --disk "$img" --dry-run
check_output "... the API socket is \$XDG_RUNTIME_DIR/redox-run-net/TAP.sock" "--api-socket path=$work/xdg/redox-run-net/tap0.sock --seccomp log"
check "... in a directory of the user's, mode 0700" test "$(stat -c %a:%u "$work/xdg/redox-run-net")" = 700:65534
"${AS_USER[@]}" "$TOOLS/ch_api_server" "$work/xdg/redox-run-net/tap0.sock" /dev/null ok >"$work/srv" 2>&1 & srv=$!
at_exit "kill $srv"
for _ in $(seq 50); do grep -qs ready "$work/srv" && break; sleep 0.05; done
check_status "a VM already answering on that socket stops a second start" 1 NS "${AS_USER[@]}" env XDG_RUNTIME_DIR="$work/xdg" CH_BIN=true "$BIN/redox-run-net" --profile dev --queues 2 --disk "$img"
check_output "... saying so" "already running \\(its API socket answers\\)"
kill -9 $srv; wait $srv 2>/dev/null
check_status "a stale socket left by a dead VMM is removed, and the VM starts" 0 NS "${AS_USER[@]}" env XDG_RUNTIME_DIR="$work/xdg" CH_BIN=true "$BIN/redox-run-net" --profile dev --queues 2 --disk "$img"
check "... the stale socket is gone" test ! -e "$work/xdg/redox-run-net/tap0.sock"
check_status "CH_HOTPLUG=4G" 0 NS "${AS_USER[@]}" env CH_HOTPLUG=4G "$BIN/redox-run-net" --queues 2 --disk "$img" --dry-run
check_output "... adds virtio-mem hotplug to --memory" "--memory size=2048M,hotplug_method=virtio-mem,hotplug_size=4G "
check_status "--hotplug 8G with the performance profile" 0 RUN --hotplug 8G --profile performance --cpus 2 --disk "$img" --dry-run
check_output "... keeps hugepages" "--memory size=2048M,hugepages=on,hotplug_method=virtio-mem,hotplug_size=8G "
check_status "--hotplug 4GB is a usage error" 2 RUN --hotplug 4GB --queues 2 --disk "$img" --dry-run
check_output "... naming the option" "--hotplug '4GB' is not a decimal number"
check_status "--profile hardened" 0 RUN --profile hardened --queues 2 --disk "$img" --dry-run
check_output "... passes --landlock" "--console off --landlock\$"
check_status "--landlock on its own" 0 RUN --landlock --queues 2 --disk "$img" --dry-run
check_output "... too" " --landlock\$"
check_status "--landlock with --vmm qemu is refused" 2 RUN --vmm qemu --landlock --disk "$img" --dry-run
done_testing
