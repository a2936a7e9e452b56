#!/usr/bin/env bash
# test_helper_kill.sh - SECURITY.md attack 12: the setuid helper SIGKILLed right after each
# named step of a request, on the pool-TAP path and on the bridge path, as its caller (same
# real uid) can do at any moment.  The steps come from the test build's --list-steps and the
# kill from its REDOX_NET_TEST_KILL_AT (helper/helper_steps.h), so a new step is covered as
# soon as it is listed; the installed and bench helpers carry no trace of either.
#
# After each kill: the helper died by SIGKILL; the client got a clear failure (or, once the
# reply was out, its fds and an audit line); no helper and no lock holder is left (no
# open-file-description lock on the lock file in /proc/locks); and the namespace is exactly
# as before, except for the pool TAP of that request on the TAP path, which is either still
# free or the caller's by the helper's record (its alias, helper/pool_claim.c): a grant in
# flight stands and counts against the caller who killed his helper, and nobody else's.
# Each TAP-path kill gets a fresh pool TAP, so that every claim step is reached.  "As
# before" compares `ip -d -o link show` and every /sys/class/net/*/owner (seclib.sh:
# devices) with a snapshot taken after one warm-up request of each kind, because a bridge's
# first port changes some of its attributes for good (tso_max_size).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

# --- the kill hook exists in the test build alone
for bin in "$BIN/redox-net-helper" "$BUILD/bench/bin/redox-net-helper"; do
	check "${bin#"$BUILD"/}: no trace of the kill hook (REDOX_NET_TEST_KILL_AT, --list-steps)" \
		sh -c "! strings '$bin' | grep -q -e REDOX_NET_TEST_KILL_AT -e list-steps"
done
check "the test build has the hook, so the check above can fail" sh -c "strings '$HELPER' | grep -q REDOX_NET_TEST_KILL_AT"
steps=$("$HELPER" --list-steps)
check "--list-steps names the steps ($(wc -l <<<"$steps") of them)" test "$(wc -l <<<"$steps")" -ge 20
# steps_of PATH: the steps a granted request of PATH goes through, in order.
steps_of() { awk -v p="$1" '{ for (i = 2; i <= NF; i++) if ($i == p) print $1 }' <<<"$steps"; }
# reply_at PATH: the position of reply-sent, after which the caller holds his fds.
reply_at() { steps_of "$1" | grep -nx reply-sent | cut -d: -f1; }
check "both paths have the step after which the caller holds his fds (reply-sent)" \
	test -n "$(reply_at tap)" -a -n "$(reply_at bridge)"

netsetup_env hkill
group=$((0x72786e))
check "up --bridge redoxbr0" netsetup up --bridge redoxbr0
set_policy "allow uid 65534 tap pool*
allow uid 65534 bridge redoxbr0
quota uid 65534 devices 4"
# request PATH TAP [CLIENT_OPTS...]: one request of PATH (tap: TAP, bridge: redoxbr0) as uid 65534.
request() {
	local dev=(--tap "$2")
	[ "$1" = bridge ] && dev=(--bridge redoxbr0)
	shift 2
	NS "$TOOLS/helper_client" --user 65534 --verify "$@" -- "$HELPER" --fd=@ "${dev[@]}"
}
allows() { grep -c 'result=allow' "$AUDIT"; }
# settled_allows: allows() once the audit sink has caught up: a helper killed right after
# 'audited' wrote its line, which the sink may still be reading when the next request starts.
settled_allows() {
	local a b
	a=$(allows)
	for _ in $(seq 20); do sleep 0.05; b=$(allows); [ "$a" = "$b" ] && break; a=$b; done
	echo "$a"
}
# lock_free: nobody holds a lock on the helper's lock file (its locks are F_OFD_*, in /proc/locks).
lock_free() { ! grep -qE "^[0-9]+: .*:$(stat -c %i "$LOCK") " /proc/locks; }
# pool_state TAP: "OWNER ALIAS" of a pool TAP, the alias "-" when there is none.
pool_state() {
	local alias
	alias=$(NS cat "/sys/class/net/$1/ifalias")
	echo "$(tap_owner "$ns" "$1") ${alias:--}"
}

check_status "warm-up: a bridge request" 0 request bridge -
mk_tap "$ns" pool0
check_status "warm-up: a TAP request, which claims pool0" 0 request tap pool0
check "... pool0 is the caller's, by the kernel and by the helper's record" \
	test "$(pool_state pool0)" = "65534 redox-net uid=65534"
NS ip link del pool0
before=$(devices "$ns")
check "nobody holds a lock on the helper's lock file" lock_free

for path in tap bridge; do
	n=0 replied=$(reply_at "$path")
	for step in $(steps_of "$path"); do
		n=$((n + 1))
		what="$path, killed after '$step'"
		granted=$(settled_allows)
		tap=-
		if [ "$path" = tap ]; then
			tap=pool$n
			mk_tap "$ns" "$tap"
		fi
		if [ "$n" -lt "$replied" ]; then
			check_status "$what: the request fails (100: no reply)" 100 \
				request "$path" "$tap" --env REDOX_NET_TEST_KILL_AT="$step"
			check_output "$what: ... and the client is told so" 'protocol_error="the helper exited without a reply"'
		else
			check_status "$what: the reply was out: the request succeeds" 0 \
				request "$path" "$tap" --env REDOX_NET_TEST_KILL_AT="$step"
			check_output "$what: ... and the client holds its fd" "^status=0 .*verified=1 "
			for _ in $(seq 20); do [ "$(allows)" -gt "$granted" ] && break; sleep 0.1; done
			check "$what: the grant was audited before the fd left" test "$(allows)" -eq $((granted + 1))
		fi
		check_output "$what: the helper died by SIGKILL" " signal=9( |$)"
		check "$what: no helper is left in the namespace" test -z "$(ip netns pids "$ns")"
		check "$what: nobody holds a lock on the helper's lock file" lock_free
		if [ "$path" = tap ]; then
			state=$(pool_state "$tap")
			check "$what: $tap is free, or the caller's by the helper's record ($state)" \
				grep -qxE '0 -|(0|65534) redox-net uid=65534' <<<"$state"
			NS ip link del "$tap"
		fi
		check "$what: the namespace is otherwise exactly as before" test "$(devices "$ns")" = "$before"
		check_status "$what: the next request succeeds" 0 request bridge -
		check "$what: after it, the namespace is exactly as before" test "$(devices "$ns")" = "$before"
	done
done

check "down --all" netsetup down --all
check "... removes the bridge" sh -c "! ip -n $ns -o link show group $group | grep -q ."
done_testing
