#!/usr/bin/env bash
# test_helper_kill.sh - SECURITY.md attack 12: the setuid helper SIGKILLed right after each
# named step of a request, on the pool-TAP path and on the bridge path, as its caller (same
# real uid) can do at any moment.  The steps come from the test build's --list-steps and the
# kill from its REDOX_NET_TEST_KILL_AT (helper/helper_steps.h), so a new step is covered as
# soon as it is listed; the installed and bench helpers carry no trace of either.
#
# After each kill: the helper died by SIGKILL; the client got a clear failure (or, once the
# reply was out, its fds and an audit line); no helper and no lock holder is left; the
# namespace is as before, except that on the TAP path the pool TAP may still be claimed by the
# caller (a claim in flight); and once the next request has run, the namespace is exactly as
# before.  "As before" compares `ip -d -o link show` and every /sys/class/net/*/owner
# (seclib.sh: devices) with a snapshot taken after one warm-up request of each kind, because a
# bridge's first port changes some of its attributes for good (tso_max_size).  On the TAP path
# the client gives a TAP it did get back (--owner 0, what any holder of the fd can do), so that
# a claim left behind could only be the helper's.
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
mk_tap "$ns" pool0
set_policy "allow uid 65534 tap pool0
allow uid 65534 bridge redoxbr0
quota uid 65534 devices 4"
# request PATH [CLIENT_OPTS...]: one request of PATH (tap: pool0, bridge: redoxbr0) as uid 65534.
request() {
	local dev=(--tap pool0)
	[ "$1" = bridge ] && dev=(--bridge redoxbr0)
	shift
	NS "$TOOLS/helper_client" --user 65534 --verify "$@" -- "$HELPER" --fd=@ "${dev[@]}"
}
allows() { grep -c 'result=allow' "$AUDIT"; }

check_status "warm-up: a bridge request" 0 request bridge
check_status "warm-up: a TAP request, which claims pool0" 0 request tap
claimed=$(devices "$ns")
check "... pool0 is the caller's" test "$(tap_owner "$ns" pool0)" = 65534
check_status "warm-up: the caller gives pool0 back through his fd" 0 request tap --owner 0
before=$(devices "$ns")
check "... pool0 is root's again" test "$(tap_owner "$ns" pool0)" = 0

for path in tap bridge; do
	opts=()
	[ "$path" = tap ] && opts=(--owner 0)
	n=0 replied=$(reply_at "$path")
	for step in $(steps_of "$path"); do
		n=$((n + 1))
		what="$path, killed after '$step'"
		granted=$(allows)
		if [ "$n" -lt "$replied" ]; then
			check_status "$what: the request fails (100: no reply)" 100 \
				request "$path" "${opts[@]}" --env REDOX_NET_TEST_KILL_AT="$step"
			check_output "$what: ... and the client is told so" 'protocol_error="the helper exited without a reply"'
		else
			check_status "$what: the reply was out: the request succeeds" 0 \
				request "$path" "${opts[@]}" --env REDOX_NET_TEST_KILL_AT="$step"
			check_output "$what: ... and the client holds its fd" "^status=0 .*verified=1 "
			for _ in $(seq 20); do [ "$(allows)" -gt "$granted" ] && break; sleep 0.1; done
			check "$what: the grant was audited before the fd left" test "$(allows)" -eq $((granted + 1))
		fi
		check_output "$what: the helper died by SIGKILL" " signal=9( |$)"
		check "$what: no helper is left in the namespace" test -z "$(ip netns pids "$ns")"
		check "$what: nobody holds the quota lock" flock -n "$LOCK" true
		now=$(devices "$ns")
		if [ "$path" = tap ]; then
			check "$what: the namespace is as before, or pool0 is still claimed" \
				test "$now" = "$before" -o "$now" = "$claimed"
		else
			check "$what: the namespace is exactly as before (no stray TAP)" test "$now" = "$before"
		fi
		check_status "$what: the next request succeeds" 0 request bridge
		check "$what: after it, the namespace is exactly as before" test "$(devices "$ns")" = "$before"
	done
done

check "down --all" netsetup down --all
check "... removes pool0 and the bridge" sh -c "! ip -n $ns -o link show group $group | grep -q ."
done_testing
