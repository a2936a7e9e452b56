# lib.sh - what the benchmarks share: the tools they need, a throwaway network namespace
# that is always removed, the bench build of the setuid helper with its policy, and
# qemu-bridge-helper set up as in real use.  Source it after `set -eu`.
BUILD=${BUILD:?set BUILD to the build directory}
BIN=$BUILD/bin
TOOLS=$BUILD/tests/tools
QBH=${QBH:-/usr/lib/qemu/qemu-bridge-helper}
# Tools that create devices refuse to run in the namespace the benchmark started in.
RXN_ROOT_NETNS_INO=${RXN_ROOT_NETNS_INO:-$(stat -L -c %i /proc/self/ns/net)}
export RXN_ROOT_NETNS_INO
BENCH=$(basename "$0" .sh)
# The bench build of the helper reads its policy and takes its lock here
# (Makefile: BENCH_POLICY_FILE, BENCH_HELPER_LOCK).
BENCH_POLICY_DIR=/run/redox-net-bench
BENCH_LOCK_DIR=/run/redox-net-bench-lock
_bench_cleanups=()

# bench_require COMMAND HOW: stop with a message naming what is missing and how to get it.
bench_require() {
	command -v "$1" >/dev/null && return 0
	echo "$BENCH: needs $1 ($2)" >&2
	exit 1
}

# bench_at_exit COMMAND: run COMMAND (with eval) on exit, newest first, before the namespace goes.
bench_at_exit() { _bench_cleanups=("$1" "${_bench_cleanups[@]}"); }

_bench_cleanup() {
	local c
	for c in "${_bench_cleanups[@]}"; do eval "$c" || true; done
	if [ -n "${ns:-}" ]; then
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	fi
	[ -n "${work:-}" ] && rm -rf "$work"
	return 0
}

# bench_setup: $ns, a namespace with lo up, $work, a root-owned directory on /run (tmpfs,
# as in real use; it may hold setuid copies), and NS, which runs a command in $ns.
# Both go on exit, whatever happens.
bench_setup() {
	[ "$(id -u)" -eq 0 ] || { echo "$BENCH: needs root (it works in throwaway namespaces)" >&2; exit 1; }
	[ -c /dev/net/tun ] || { echo "$BENCH: needs /dev/net/tun (modprobe tun)" >&2; exit 1; }
	bench_require ip "apt-get install iproute2"
	trap _bench_cleanup EXIT
	trap 'exit 130' INT TERM
	work=$(mktemp -d "/run/rxn-$BENCH.XXXXXX")
	chmod 755 "$work"
	ns=rxn-bench-${BENCH#bench_}-$$
	ip netns add "$ns"
	NS ip link set lo up
}

NS() { ip netns exec "$ns" "$@"; }

# bench_install_helper POLICY: the bench helper, setuid root, as $HELPER, with POLICY as
# its policy.  The policy directory is shared by every benchmark, so it is taken with
# mkdir: a second benchmark running at the same time would change it under this one.
bench_install_helper() {
	if ! mkdir -m 755 "$BENCH_POLICY_DIR" 2>/dev/null; then
		echo "$BENCH: $BENCH_POLICY_DIR exists: another benchmark is running (or died; then remove it)" >&2
		exit 1
	fi
	bench_at_exit "rm -rf $BENCH_POLICY_DIR $BENCH_LOCK_DIR"
	install -d -o root -g root -m 755 "$BENCH_LOCK_DIR"
	printf '%s\n' "$1" >"$BENCH_POLICY_DIR/policy"
	chmod 644 "$BENCH_POLICY_DIR/policy"
	HELPER=$work/redox-net-helper
	install -o root -g root -m 4755 "$BUILD/bench/bin/redox-net-helper" "$HELPER"
}

# bench_install_qbh: qemu-bridge-helper, setuid root as in real use, as $QBH_SETUID.
bench_install_qbh() {
	[ -x "$QBH" ] || { echo "$BENCH: needs $QBH (apt-get install qemu-system-common)" >&2; exit 1; }
	QBH_SETUID=$work/qemu-bridge-helper
	install -o root -g root -m 4755 "$QBH" "$QBH_SETUID"
}

# bench_qbh_ns BRIDGE COMMAND...: run COMMAND in $ns and in a private mount namespace in
# which /etc/qemu/bridge.conf allows BRIDGE (an overlay on /etc there, never the host's)
# and /dev/net/tun is 0666, as distributions ship it: qemu-bridge-helper opens it with
# CAP_NET_ADMIN alone, and the fast path of redox-run-net as the user.
bench_qbh_ns() {
	local bridge=$1; shift
	NS unshare -m --propagation private bash -c '
		set -e
		d=$(mktemp -d "$1/mnt.XXXXXX") br=$2; shift 2
		mount -t tmpfs rxn-etc "$d"; mkdir "$d/up" "$d/work"
		mount -t overlay rxn-etc -o "lowerdir=/etc,upperdir=$d/up,workdir=$d/work" /etc
		mkdir -p /etc/qemu; echo "allow $br" >/etc/qemu/bridge.conf
		mknod -m 666 "$d/tun" c 10 200; mount --bind "$d/tun" /dev/net/tun
		exec "$@"' _ "$work" "$bridge" "$@"
}

# median JSON NAME: a hyperfine result's median, in milliseconds.
median() { jq -r ".results[] | select(.command == \"$2\") | .median * 1000" "$1"; }
# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
