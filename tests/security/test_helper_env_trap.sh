#!/usr/bin/env bash
# test_helper_env_trap.sh - issue 12 item 1: nothing in the setuid image reads the caller's
# environment, or opens a path he chose, before main() wipes it.  libnl's constructors read
# NLSYSCONFDIR (and open $NLSYSCONFDIR/classid as root), NLDBG and NLCB (debug output on
# the caller's stderr), the polkit CVE-2021-4034 class.  The trap: the installed 4755 helper
# run as uid 65534 with those variables set, NLSYSCONFDIR naming a directory of root-only
# FIFOs (0600).  A root writer waits on each FIFO; its open returns only if somebody opened
# the FIFO for reading, which is recorded.  Nothing may be opened and nothing printed, for a
# refused request and for a granted one; a root strace -u run is extra evidence.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

# --- (a) the images link no libnl, and carry no RPATH/RUNPATH a caller could steer
out=$(mktemp -d); at_exit "rm -rf $out"
for img in "$BIN/redox-net-helper" "$BUILD/tests/bin/redox-net-helper" "$HELPER"; do
	readelf -d "$img" >"$out/dyn" 2>&1
	needed=$(grep -F NEEDED "$out/dyn" | grep -o '\[.*\]' | tr '\n' ' ')
	check "${img}: readelf -d lists its libraries" test -n "$needed"
	check "${img}: no libnl among them ($needed)" sh -c "! grep -F NEEDED '$out/dyn' | grep -qi libnl"
	check "${img}: no RPATH or RUNPATH" sh -c "! grep -qE 'RPATH|RUNPATH' '$out/dyn'"
done

ns=$(netns_new envtrap)
NS() { nsrun "$ns" "$@"; }
mk_tap "$ns" pool0
set_policy "allow uid 65534 tap pool0
quota uid 65534 devices 4"

# The trap directory: every file libnl reads from NLSYSCONFDIR (classid at load time,
# pktloc on first use) and from PROC_ROOT / PROC_NET_PSCHED (psched), as root-only FIFOs.
trap_dir=$(mktemp -d /tmp/rxn-envtrap.XXXXXX); chmod 755 "$trap_dir"
at_exit "rm -rf $trap_dir"
mkdir -m 755 "$trap_dir/net"
FIFOS=(classid pktloc psched net/psched)
for f in "${FIFOS[@]}"; do mkfifo -m 600 "$trap_dir/$f"; done
NLENV=(--env NLSYSCONFDIR="$trap_dir" --env NLDBG=4 --env NLCB=debug
	--env PROC_ROOT="$trap_dir" --env PROC_NET_PSCHED="$trap_dir/psched")

writers=()
# arm: one root writer per FIFO; "opened" lands in $trap_dir.hit/NAME if a reader came.
arm() {
	rm -rf "$trap_dir.hit"; mkdir -p "$trap_dir.hit"
	writers=()
	local f
	for f in "${FIFOS[@]}"; do
		bash -c 'exec 3>"$1"; echo opened >"$2"; echo "1:1 rxn-trap" >&3' _ \
			"$trap_dir/$f" "$trap_dir.hit/${f//\//_}" &
		writers+=($!)
	done
	sleep 0.2
}
# disarm: stop the writers still waiting (by pid) and list the FIFOs somebody opened.
disarm() {
	local p
	sleep 0.3
	for p in "${writers[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	HIT=$(cd "$trap_dir.hit" && ls)
}
at_exit "rm -rf $trap_dir.hit"
# call [CLIENT_OPTS] -- HELPER_ARGS: one request as uid 65534, stdout and stderr together.
call() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift
	NS timeout 30 "$TOOLS/helper_client" --user 65534 "${opts[@]}" -- "$HELPER" --fd=@ "$@" 2>&1
}
# libnl's own words: NLDBG prints "DBG<n>", NLCB=debug dumps messages ("-- Debug:").
nl_noise='DBG<|-- Debug|-- Error|Netlink|nlmsghdr|libnl|nl_cache|classid'

for kind in refused granted; do
	case $kind in
	refused) args=(--tap nosuch0) ;;
	granted) args=(--tap pool0) ;;
	esac
	clean=$(call -- "${args[@]}")
	before=$(devices "$ns")
	lines=$(wc -l <"$AUDIT")
	arm
	dirty=$(call "${NLENV[@]}" -- "${args[@]}")
	disarm
	ok "$([ "$dirty" = "$clean" ]; echo $?)" "$kind request: the request itself ended as without the variables"
	[ "$dirty" = "$clean" ] || printf '#   without: %s\n#   with (%d lines): %s\n' "$clean" "$(wc -l <<<"$dirty")" "$(tail -n 1 <<<"$dirty")"
	check "$kind request: no FIFO under NLSYSCONFDIR/PROC_ROOT was opened (opened: ${HIT:-none})" test -z "$HIT"
	printf '%s\n' "$dirty" >"$out/dirty"
	check "$kind request: no libnl debug output on the caller's stdout/stderr ($(grep -cE "$nl_noise" "$out/dirty") lines)" \
		sh -c "! grep -qE '$nl_noise' '$out/dirty'"
	grep -qE "$nl_noise" <<<"$dirty" && printf '#   e.g.: %s\n' "$(grep -E "$nl_noise" <<<"$dirty" | head -3 | tr '\n' '|')"
	check "$kind request: the namespace is unchanged by the variables" test "$(devices "$ns")" = "$before"
	sleep 0.1
	check "$kind request: one audit line, as without them" test "$(($(wc -l <"$AUDIT") - lines))" -eq 1
done
check "... the granted one left pool0 the caller's, as any grant does" test "$(tap_owner "$ns" pool0)" = 65534

# --- extra evidence: strace -u keeps the setuid effect; no open may name the trap directory
if command -v strace >/dev/null && getent passwd 65534 >/dev/null; then
	user=$(getent passwd 65534 | cut -d: -f1)
	arm
	trace=$(NS timeout 30 strace -f -qq -e trace=openat,open,stat,newfstatat,access,geteuid,getresuid,getuid -u "$user" \
		env -i NLSYSCONFDIR="$trap_dir" NLDBG=4 NLCB=debug PROC_ROOT="$trap_dir" \
		PROC_NET_PSCHED="$trap_dir/psched" "$HELPER" --fd=0 --tap pool0 2>&1 </dev/null)
	disarm
	check "strace -u $user: the helper ran setuid under strace (it saw euid 0)" \
		grep -qE 'geteuid\(\) += 0|getresuid\(\[65534\], \[0\]' <<<"$trace"
	printf '%s\n' "$trace" | grep -F "$trap_dir" | grep -vE '^execve' >"$out/touched"
	check "strace -u $user: no open or stat under the trap directory (FIFOs opened: ${HIT:-none})" \
		test ! -s "$out/touched"
	head -5 "$out/touched" | sed 's/^/#   /'
else
	skip "strace or a passwd entry for uid 65534 is missing"
fi
done_testing
