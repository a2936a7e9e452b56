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
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-100}
TRUE=$(type -P true)
bench_require hyperfine "apt-get install hyperfine"
bench_require jq "apt-get install jq"
bench_setup
bench_install_qbh
bench_install_helper "allow uid 65534 tap pool0
quota uid 65534 devices 4"
: >"$work/disk.img"

NS ip tuntap add dev fast0 mode tap vnet_hdr user 65534
NS ip link set fast0 group $((0x72786e)) up
NS ip link add br0 type bridge
NS ip link set br0 up
# The helper makes the TAP the caller's (TUNSETOWNER), after which redox-run-net would
# take the fast path: every run gets a fresh root-owned pool0 first (not timed).
fresh_pool="ip link del pool0 2>/dev/null; ip tuntap add dev pool0 mode tap vnet_hdr user 0 && ip link set pool0 group $((0x72786e)) up; sleep 0.02"

as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
run_net="$as_user $BIN/redox-run-net --cpus 1 --memory 64M --disk $work/disk.img"
bench_qbh_ns br0 env REDOX_NET_HELPER="$HELPER" CH_BIN="$TRUE" \
	hyperfine -N --runs "$RUNS" --warmup 5 --style none --export-json "$work/handoff.json" \
	--prepare "sh -c '$fresh_pool'" -n floor "$as_user $TRUE" \
	--prepare "sh -c '$fresh_pool'" -n fast "$run_net --tap fast0" \
	--prepare "sh -c '$fresh_pool'" -n helper "$run_net --tap pool0" \
	--prepare "sh -c '$fresh_pool'" -n qemu-bridge-helper "$as_user $BUILD/bench/qbh_client $QBH_SETUID br0 $TRUE" \
	>"$work/hyperfine.out" 2>&1 || { cat "$work/hyperfine.out"; exit 1; }

floor=$(median "$work/handoff.json" floor) fast=$(median "$work/handoff.json" fast)
helper=$(median "$work/handoff.json" helper) qbh=$(median "$work/handoff.json" qemu-bridge-helper)
share=$(awk -v h="$helper" -v f="$fast" 'BEGIN { printf "%.3f", h - f }')
printf 'hand-off, median of %d runs, each started as uid 65534 by setpriv, "VMM" = %s:\n' "$RUNS" "$TRUE"
row() { printf '  %-44s %8.3f ms%s\n' "$1" "$2" "${3:+  ($3)}"; }
row "floor: fork+exec of $TRUE" "$floor"
row "redox-run-net, fast path" "$fast" "$(ratio "$fast" "$floor")x the floor"
row "redox-run-net, setuid helper path" "$helper" "$(ratio "$helper" "$floor")x the floor"
row "qemu-bridge-helper: a TAP fd in a bridge" "$qbh"
printf 'helper path vs qemu-bridge-helper: %sx faster (target > 1x, in the same run)\n' "$(ratio "$qbh" "$helper")"
printf 'helper process (helper path - fast path = %.3f ms) vs floor: %sx (target <= 1.0x)\n' "$share" "$(ratio "$share" "$floor")"
printf 'fast path vs floor: %sx\n' "$(ratio "$fast" "$floor")"

# Where the helper path's time goes: one run under strace -f -ttt, printing only the calls
# that mark a stage.  Tracing slows every system call (not --seccomp-bpf: it sets
# no_new_privs, and the setuid bit would then do nothing), so read the shares, not the sum.
bench_require strace "apt-get install strace"
NS sh -c "$fresh_pool"
bench_qbh_ns br0 env REDOX_NET_HELPER="$HELPER" CH_BIN="$TRUE" strace -f -ttt \
	-e trace=execve,openat,sendto,sendmsg,exit_group -o "$work/stages.trace" \
	$run_net --tap pool0 >"$work/stages.out" 2>&1 || { cat "$work/stages.out"; exit 1; }
awk -v helper="$HELPER" -v vmm="$TRUE" -v policy="$BENCH_POLICY_DIR" '
	function mark(name) { if (!(name in at)) { at[name] = $2; order[n++] = name } }
	NR == 1 { mark("setpriv exec") }
	/execve\(".*redox-run-net"/ { mark("runner exec") }
	index($0, "execve(\"" helper "\"") { mark("helper exec"); hpid = $1 }
	$1 == hpid && /policy/ && /openat/ { mark("helper: policy open") }
	$1 == hpid && /sendto\(.*NETLINK|sendto\(.*RTM_/ { mark("helper: first netlink") }
	$1 == hpid && /SCM_RIGHTS/ { mark("helper: fds sent") }
	index($0, "execve(\"" vmm "\"") { mark("VMM exec") }
	{ last = $2 }
	END {
		at["exit"] = last; order[n++] = "exit"
		print "stages of one helper-path run (strace -f -ttt; time to the next stage):"
		for (i = 0; i + 1 < n; i++)
			printf "  %-28s %8.3f ms\n", order[i], (at[order[i + 1]] - at[order[i]]) * 1000
	}' "$work/stages.trace"
NS sh -c "$fresh_pool"
# Page faults of the whole helper path against the fast path: the difference is mostly the
# setuid exec (the loader, relocations of the helper and libmnl; -z now binds them all
# up front: hardening kept, and its cost is in these numbers).
pf() { bench_qbh_ns br0 env REDOX_NET_HELPER="$HELPER" CH_BIN="$TRUE" perf stat -x, -e page-faults \
	"$@" 2>&1 >/dev/null | awk -F, '/page-faults/ { print $1 }'; }
if command -v perf >/dev/null; then
	ph=$(pf $run_net --tap pool0); pfast=$(pf $run_net --tap fast0)
	printf 'page faults: helper path %s, fast path %s\n' "$ph" "$pfast"
fi
# Relocations of the helper's start, from an unprivileged copy (LD_DEBUG is ignored setuid).
LD_DEBUG=statistics "$BUILD/bench/bin/redox-net-helper" 2>&1 >/dev/null |
	awk '/number of relocations:|relative relocations:/ { sub(/^[ \t0-9]*:[ \t]*/, ""); printf "helper start: %s\n", $0 }' |
	sort -u
