#!/usr/bin/env bash
# test_netns_journal.sh - one journal per network namespace under the default /run/redox-net: up/down in A and B in both orders, a dead namespace's journal, a shared --run-dir.
#
# The default run directory is the point here, so the test runs in a private mount namespace
# with a tmpfs on /run: /run/redox-net and /run/netns are its own, and the machine's are
# never read or written.  Every `up` runs in a throwaway network namespace.
if [ -z "${RXN_PRIVATE_RUN:-}" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	exec unshare -m --propagation private env RXN_PRIVATE_RUN=1 bash -c \
		'mount -t tmpfs -o mode=0755 tmpfs /run || exit 99; exec bash "$0"' "$0"
fi
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
if [ -z "${RXN_PRIVATE_RUN:-}" ]; then
	skip "needs unshare (util-linux) for a private /run"
	done_testing
fi
unset REDOX_NET_RUN_DIR

a=$(netns_new jA); b=$(netns_new jB)
A() { nsrun "$a" "$@"; }
B() { nsrun "$b" "$@"; }
fwd() { nsrun "$1" cat /proc/sys/net/ipv4/ip_forward; }
# up_in NS TAP / down_in NS: redox-netsetup with the default run directory.
up_in() { nsrun "$1" "$BIN/redox-netsetup" up --owner 0 --tap "$2" --address "$3"; }
down_in() { nsrun "$1" "$BIN/redox-netsetup" down; }

# order DOWN_FIRST DOWN_SECOND: up in A, up in B, then down in the given order.
order() {
	local first=$1 second=$2 ns
	A sysctl -qw net.ipv4.ip_forward=0; B sysctl -qw net.ipv4.ip_forward=0
	check "up in $a (default run dir)" up_in "$a" tapA 172.16.0.1/24
	check "up in $b (default run dir), while $a is up" up_in "$b" tapB 172.16.0.1/24
	check "$a's journal is in /run/redox-net/netns/$a" test -s "/run/redox-net/netns/$a/journal"
	check "$b's journal is in /run/redox-net/netns/$b" test -s "/run/redox-net/netns/$b/journal"
	check "both have forwarding on" test "$(fwd "$a")$(fwd "$b")" = 11
	check "status in $b shows tapB, not tapA" sh -c "ip netns exec $b $BIN/redox-netsetup status | grep -q tapB && ! ip netns exec $b $BIN/redox-netsetup status | grep -q tapA"
	for ns in "$first" "$second"; do
		check "down in $ns" down_in "$ns"
		check "... restores ip_forward=0 in $ns" test "$(fwd "$ns")" = 0
		check "... and removes its TAP" sh -c "! ip netns exec $ns ip -o link show | grep -q 'tap[AB]'"
		if [ "$ns" = "$first" ]; then
			check "... and leaves $second up (forwarding 1, its TAP there)" sh -c \
				"[ \"\$(ip netns exec $second cat /proc/sys/net/ipv4/ip_forward)\" = 1 ] && ip netns exec $second ip -o link show | grep -q 'tap[AB]'"
		fi
	done
}
order "$b" "$a"
order "$a" "$b"

# An unnamed namespace (as the host's own is) keeps /run/redox-net itself.
check "an unnamed namespace's up and down use /run/redox-net itself" unshare -n sh -c "
	ip link set lo up && $BIN/redox-netsetup up --owner 0 --tap tapU >/dev/null &&
	test -s /run/redox-net/journal && $BIN/redox-netsetup down >/dev/null && test ! -e /run/redox-net/journal"

# A journal left by a namespace that is gone: a new namespace with the same name (and, as
# often as not, the same inode) must not take it for its own.
c=$(netns_new jC)
check "up in $c" up_in "$c" tapC 172.16.0.1/24
ino_old=$(ip netns exec "$c" stat -L -c %i /proc/self/ns/net)
ip netns del "$c"
ip netns add "$c"; ip -n "$c" link set lo up
ino_new=$(ip netns exec "$c" stat -L -c %i /proc/self/ns/net)
echo "# the old $c was net:[$ino_old], the new one is net:[$ino_new]"
ip netns exec "$c" sysctl -qw net.ipv4.ip_forward=1
check_status "status in the new $c: down, the old journal is recognised as left by a dead namespace" 0 \
	ip netns exec "$c" "$BIN/redox-netsetup" status
check_output "... and says so" "no longer exists"
check "down in the new $c succeeds" down_in "$c"
check "... and leaves its ip_forward (1) alone: the dead namespace's old value (0) is not replayed" \
	test "$(fwd "$c")" = 1

# The same inode with another cookie: the namespace that wrote the journal died and a new
# one got its inode (the kernel reuses them).  Written by hand, since the kernel decides
# when an inode comes back.
reused=$(mktemp -d); at_exit "rm -rf $reused"
printf 'redox-net-journal 1\nnetns %s 18446744073709551615\nsysctl net/ipv4/ip_forward 0\n' \
	"$(A stat -L -c %i /proc/self/ns/net)" >"$reused/journal"
A sysctl -qw net.ipv4.ip_forward=1
check_status "down in $a over a journal with $a's inode but another namespace's cookie" 0 \
	A "$BIN/redox-netsetup" down --run-dir "$reused"
check_output "... says it was left by a namespace that no longer exists" "no longer exists"
check "... and does not replay its ip_forward=0 into $a" test "$(fwd "$a")" = 1
check "... and removes it" test ! -e "$reused/journal"
A sysctl -qw net.ipv4.ip_forward=0

# A --run-dir given to two live namespaces: the second is refused, the first keeps its journal.
shared=$(mktemp -d); at_exit "rm -rf $shared"
check "up in $a with a shared --run-dir" A "$BIN/redox-netsetup" up --owner 0 --tap tapA --run-dir "$shared"
check_status "up in $b with the same --run-dir is refused as a conflict (4)" 4 \
	B "$BIN/redox-netsetup" up --owner 0 --tap tapB --run-dir "$shared"
check_output "... naming the namespace the journal belongs to" "belongs to network namespace net:\["
check "... and creates nothing in $b" sh -c "! ip netns exec $b ip link show tapB 2>/dev/null"
check_status "down in $b with that --run-dir is refused too" 4 B "$BIN/redox-netsetup" down --run-dir "$shared"
check "... and $a's TAP is still there" A ip link show tapA
check "down in $a with the shared --run-dir" A "$BIN/redox-netsetup" down --run-dir "$shared"
check "... restores ip_forward=0 in $a" test "$(fwd "$a")" = 0
done_testing
