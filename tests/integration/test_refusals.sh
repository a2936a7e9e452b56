#!/usr/bin/env bash
# test_refusals.sh - what `up` refuses, with which exit code and message, and that a
# refusal changes nothing.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env refuse
state() { NS sh -c 'ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward'; }
unchanged() { check "$1: nothing changed" test "$before" = "$(state)"; }

before=$(state)
check_status "not root: exit 3" 3 NS setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run"
check_output "not root: says to use sudo" "needs root.*|sudo"
unchanged "not root"

check_status "no /dev/net/tun: exit 1" 1 NS unshare -m sh -c "mount -t tmpfs none /dev/net && exec $BIN/redox-netsetup up --owner 65534 --run-dir $run"
check_output "no /dev/net/tun: names it and says modprobe tun" "/dev/net/tun.*|modprobe tun"
unchanged "no /dev/net/tun"

check_status "nf_tables missing: exit 1" 1 env REDOX_NET_TEST_FAIL_AT=nf_tables:probe "$(command -v ip)" netns exec "$ns" "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run"
check_output "nf_tables missing: says modprobe nf_tables" "modprobe nf_tables"
unchanged "nf_tables missing"

NS ip tuntap add dev tap0 mode tap
before=$(state)
check_status "a TAP that is not ours: conflict (4)" 4 netsetup up --owner 65534
check_output "names tap0 and the fix" "tap0 exists and was not created by redox-netsetup"
check_output "suggests ip link delete or --tap" "ip link delete tap0"
unchanged "foreign tap0"
check_status "down does not delete a foreign tap0" 0 netsetup down --all
check "foreign tap0 still exists after down --all" NS ip link show tap0
NS ip link del tap0

NS ip link add other7 type veth peer name other8
NS ip addr add 172.16.0.9/24 dev other7
NS ip link set other7 up
NS ip link set other8 up
before=$(state)
check_status "172.16.0.0/24 already routed elsewhere: conflict (4)" 4 netsetup up --owner 65534
check_output "names the subnet and the device" "172.16.0.0/24 is already routed through other7"
unchanged "route conflict"
NS ip link del other7

before=$(state)
for name in 0123456789abcdef 0123456789abcdefg "$(printf 'a%.0s' {1..4096})" "" . .. a/b ../x a:b "a b" $'a\nb' %d %n $'\e[31m' 'a"b' "a'b" 'a;b' -x; do
	check_status "invalid name '${name:0:20}' is a usage error (2)" 2 netsetup up --tap "$name" --owner 65534
done
check_status "a 15-character name is accepted" 0 netsetup up --tap abcdefghijklmno --owner 65534
check "and is not truncated" NS ip link show abcdefghijklmno
netsetup down >/dev/null 2>&1
for addr in 172.16.0.0/24 172.16.0.255/24 172.16.0.1/33 172.16.0.1 172.16.1/24 0x10.0.0.1/8 172.16.0.1/31 224.0.0.1/24 127.0.0.1/8; do
	check_status "bad address '$addr' is a usage error (2)" 2 netsetup up --address "$addr" --owner 65534
done
check_status "--owner and --group together: usage error (2)" 2 netsetup up --owner 65534 --group 65534
check_status "no owner and no SUDO_USER: usage error (2)" 2 env -u SUDO_USER "$(command -v ip)" netns exec "$ns" "$BIN/redox-netsetup" up --run-dir "$run"
check_output "says to pass --owner or --group" "--owner USER or --group GROUP"
check_status "--queues 0 is refused" 2 netsetup up --queues 0 --owner 65534
check_status "--queues 257 is refused" 2 netsetup up --queues 257 --owner 65534
check_status "--queues -1 is refused" 2 netsetup up --queues -1 --owner 65534
unchanged "invalid arguments"
check_status "SUDO_USER is the default owner" 0 env SUDO_USER=nobody "$(command -v ip)" netns exec "$ns" "$BIN/redox-netsetup" up --run-dir "$run"
check "tap0 is owned by nobody" test "$(NS cat /sys/class/net/tap0/owner)" = "$(id -u nobody)"
netsetup down >/dev/null 2>&1
# --check must validate and return at once for every command, never start the real work
# (run as root inside the namespace, so a command that ignored it would really serve).
printf 'owner = 65534\nlease-dir = %s\n' "$run/leases-check" >"$run/check.conf"
for cmd in $("$BIN/redox-netsetup" --help | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1}'); do
	check_status "$cmd --check returns at once with 0" 0 NS timeout 5 "$BIN/redox-netsetup" "$cmd" --check --config "$run/check.conf"
	check "$cmd --check created no lease directory" test ! -e "$run/leases-check"
done
check_status "--help works without root" 0 setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/redox-netsetup" up --help
check_output "--help lists --queues" "--queues N"
done_testing
