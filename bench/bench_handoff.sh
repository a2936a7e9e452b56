#!/usr/bin/env bash
# bench_handoff.sh - how long an unprivileged user waits from starting redox-run-net to
# the exec of the VMM with its queue fds, through the setuid helper and through the fast
# path (the user owns the TAP), next to the floor (fork+exec of a program that exits at
# once) and to qemu-bridge-helper handing the same user a TAP fd, as QEMU's -netdev
# bridge does.  The "VMM" is /bin/true, so only the hand-off is timed.
#
# Everything runs in a throwaway network namespace.  qemu-bridge-helper runs setuid root
# as uid 65534, as in real use, from a root-owned copy under /run; its /etc/qemu/bridge.conf
# exists only in a private mount namespace (an overlay on /etc there), never on the host,
# and so does the 0666 /dev/net/tun node it needs.
set -eu
BUILD=${BUILD:?}
BIN=$BUILD/bin
RUNS=${RUNS:-100}
QBH=${QBH:-/usr/lib/qemu/qemu-bridge-helper}
TRUE=$(type -P true)
command -v hyperfine >/dev/null || { echo "bench_handoff: needs hyperfine (apt-get install hyperfine)"; exit 1; }
[ -x "$QBH" ] || { echo "bench_handoff: needs $QBH (apt-get install qemu-system-common)"; exit 1; }
# The bench build of the helper reads its policy from here (Makefile: BENCH_POLICY_FILE).
policy_dir=/run/redox-net-bench lock_dir=/run/redox-net-bench-lock
ns=rxn-bench-handoff-$$
work=$(mktemp -d /run/rxn-handoff.XXXXXX)
cleanup() {
	ip netns pids "$ns" 2>/dev/null | xargs -r kill -9
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work" "$policy_dir" "$lock_dir"
}
trap cleanup EXIT
chmod 755 "$work"
install -o root -g root -m 4755 "$BUILD/bench/bin/redox-net-helper" "$work/redox-net-helper"
install -o root -g root -m 4755 "$QBH" "$work/qemu-bridge-helper"
install -d -o root -g root -m 755 "$policy_dir" "$lock_dir"
printf 'allow uid 65534 tap pool0\nquota uid 65534 devices 4\n' >"$policy_dir/policy"
chmod 644 "$policy_dir/policy"
: >"$work/disk.img"

ip netns add "$ns"
NS() { ip netns exec "$ns" "$@"; }
NS ip link set lo up
NS ip tuntap add dev fast0 mode tap vnet_hdr user 65534
NS ip link set fast0 group $((0x72786e)) up
NS ip link add br0 type bridge
NS ip link set br0 up
# The helper makes the TAP the caller's (TUNSETOWNER), after which redox-run-net would
# take the fast path: every run gets a fresh root-owned pool0 first (not timed).
fresh_pool="ip link del pool0 2>/dev/null; ip tuntap add dev pool0 mode tap vnet_hdr user 0 && ip link set pool0 group $((0x72786e)) up; sleep 0.02"

as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
run_net="$as_user $BIN/redox-run-net --cpus 1 --memory 64M --disk $work/disk.img"
NS unshare -m --propagation private env W="$work" RUNS="$RUNS" REDOX_NET_HELPER="$work/redox-net-helper" \
	CH_BIN="$TRUE" bash -c '
	set -e
	mkdir "$W/ovl"; mount -t tmpfs rxn-etc "$W/ovl"; mkdir "$W/ovl/up" "$W/ovl/work"
	mount -t overlay rxn-etc -o "lowerdir=/etc,upperdir=$W/ovl/up,workdir=$W/ovl/work" /etc
	mkdir -p /etc/qemu; echo "allow br0" >/etc/qemu/bridge.conf
	# /dev/net/tun is 0600 on some hosts; distributions ship 0666, which both the fast
	# path and qemu-bridge-helper (it opens it with CAP_NET_ADMIN alone) rely on.
	mknod -m 666 "$W/tun" c 10 200; mount --bind "$W/tun" /dev/net/tun
	exec hyperfine -N --runs "$RUNS" --warmup 5 --style none --export-json "$W/handoff.json" \
		--prepare "sh -c '\''$1'\''" -n floor "$2 $3" \
		--prepare "sh -c '\''$1'\''" -n fast "$4 --tap fast0" \
		--prepare "sh -c '\''$1'\''" -n helper "$4 --tap pool0" \
		--prepare "sh -c '\''$1'\''" -n qemu-bridge-helper "$2 $5 $W/qemu-bridge-helper br0 $3"' \
	_ "$fresh_pool" "$as_user" "$TRUE" "$run_net" "$BUILD/bench/qbh_client" >"$work/hyperfine.out" 2>&1 ||
	{ cat "$work/hyperfine.out"; exit 1; }

median() { jq -r ".results[] | select(.command == \"$1\") | .median * 1000" "$work/handoff.json"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
floor=$(median floor); fast=$(median fast); helper=$(median helper); qbh=$(median qemu-bridge-helper)
share=$(awk -v h="$helper" -v f="$fast" 'BEGIN { printf "%.3f", h - f }')
printf 'hand-off, median of %d runs, each started as uid 65534 by setpriv, "VMM" = %s:\n' "$RUNS" "$TRUE"
row() { printf '  %-44s %8.3f ms%s\n' "$1" "$2" "${3:+  ($3)}"; }
row "floor: fork+exec of $TRUE" "$floor"
row "redox-run-net, fast path" "$fast" "$(ratio "$fast" "$floor")x the floor"
row "redox-run-net, setuid helper path" "$helper" "$(ratio "$helper" "$floor")x the floor"
row "qemu-bridge-helper: a TAP fd in a bridge" "$qbh"
printf 'helper path vs qemu-bridge-helper: %sx faster (target >= 3x)\n' "$(ratio "$qbh" "$helper")"
printf 'helper process (helper path - fast path = %.3f ms) vs floor: %sx (target <= 1.5x)\n' "$share" "$(ratio "$share" "$floor")"
printf 'fast path vs floor: %sx\n' "$(ratio "$fast" "$floor")"
