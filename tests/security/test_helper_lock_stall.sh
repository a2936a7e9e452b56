#!/usr/bin/env bash
# test_helper_lock_stall.sh - issue 12 item 6: no caller can make another user's request wait
# on him.  User A (65534) floods the setuid helper (a) with requests that never read their
# reply (helper_client --prefill: his receive queue is full, so the helper's reply blocks
# until its send timeout), 40 in flight at all times, and (b) with helpers he SIGSTOPs, as
# he may (they run with his real uid), at random points and once while it blocks sending
# its reply, and keeps stopped.  Meanwhile user B (65533) asks for his pool TAP and for a
# TAP on the bridge: each must succeed.  Nothing is timed; a generous hang guard
# (timeout 60) ends a request that waits on A, and that is a failure.  The namespace, the
# lock and the audit log are checked once A's processes are gone.  The delay itself is
# measured by bench/bench_lock_stall.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

A=65534 B=65533 FLOOD=40 GUARD=60
netsetup_env lstall
. "$(dirname "$0")/vmlib.sh"
check "up --bridge redoxbr0" netsetup up --bridge redoxbr0
mk_tap "$ns" at0
mk_tap "$ns" bt0
set_policy "allow uid $A tap at0
allow uid $B tap bt0
allow uid $B bridge redoxbr0
quota uid $A devices 100
quota uid $B devices 100"
out=$(mktemp -d); at_exit "rm -rf $out"

# b_request KIND: B's request (tap: bt0, bridge: redoxbr0) under the hang guard.
b_request() {
	local dev=(--tap bt0)
	[ "$1" = bridge ] && dev=(--bridge redoxbr0)
	NS timeout "$GUARD" "$TOOLS/helper_client" --user $B --verify -- "$HELPER" --fd=@ "${dev[@]}"
}
# b_both WHAT: B's two requests at once; each must be granted before the guard ends it.
b_both() {
	local k rc t0=$SECONDS
	rm -f "$out"/b.*
	for k in tap bridge; do (b_request $k >"$out/b.$k" 2>&1; echo $? >"$out/b.$k.rc") & done
	wait_for 'test -s "$out/b.tap.rc" -a -s "$out/b.bridge.rc"' $((GUARD + 10))
	echo "# $1: B's two requests ended after about $((SECONDS - t0)) s"
	for k in tap bridge; do
		rc=$(cat "$out/b.$k.rc" 2>/dev/null)
		if [ "$rc" = 124 ]; then
			ok 1 "$1: B's $k request completes (it was still waiting on A after ${GUARD} s: the hang guard ended it)"
		else
			ok "$([ "$rc" = 0 ]; echo $?)" "$1: B's $k request completes and is granted (status ${rc:-none})"
			[ "$rc" = 0 ] || sed 's/^/#   /' "$out/b.$k"
		fi
		grep -q 'verified=1 ' "$out/b.$k"
		ok $? "$1: ... B holds a queue of his $k"
	done
}
# wait_for CONDITION SECONDS: poll a shell condition.
wait_for() {
	local i
	for i in $(seq $(($2 * 10))); do eval "$1" && return 0; sleep 0.1; done
	return 1
}
# a_silent: one request of A that never reads its reply.
a_silent() { NS "$TOOLS/helper_client" --user $A --prefill -- "$HELPER" --fd=@ --tap at0 >/dev/null 2>&1; }
# helper_of PID: the helper started below process PID (ip netns exec and the client may
# sit in between), found by walking each helper's parents.
helper_of() {
	local h p
	for h in $(pgrep -f "^$HELPER "); do
		p=$h
		while [ -n "$p" ] && [ "$p" -gt 1 ]; do
			[ "$p" = "$1" ] && { echo "$h"; return 0; }
			p=$(ps -o ppid= -p "$p" | tr -d ' ')
		done
	done
	return 1
}
# as_a_stop PID: A himself SIGSTOPs his helper; records whether the kernel let him.
as_a_stop() {
	if setpriv --reuid=$A --regid=65534 --clear-groups kill -STOP "$1" 2>/dev/null; then
		echo stopped >>"$out/stops"
	else
		echo refused >>"$out/stops"
	fi
}

# Warm-up, so that what B's requests leave behind is known: bt0 is B's, at0 A's, and the
# bridge's first port has changed what it changes for good (test_helper_kill.sh).
check_status "warm-up: B's bridge request" 0 b_request bridge
check_status "warm-up: B's TAP request (bt0 becomes B's)" 0 b_request tap
check_status "warm-up: A's TAP request (at0 becomes A's)" 0 \
	NS "$TOOLS/helper_client" --user $A -- "$HELPER" --fd=@ --tap at0
wait_for '[ -z "$(ip -n $ns -o link show master redoxbr0 type tun)" ]' 10
snap
allows=$(grep -c "uid=$B .*result=allow" "$AUDIT")

# --- (a) A keeps $FLOOD silent requests in flight (a new one as soon as one ends), in a
# session of its own
rm -f "$out/stop"
setsid bash -c "while [ ! -e '$out/stop' ]; do
	while [ \$(jobs -rp | wc -l) -lt $FLOOD ]; do
		ip netns exec $ns $TOOLS/helper_client --user $A --prefill -- $HELPER --fd=@ --tap at0 >/dev/null 2>&1 &
	done
	wait -n
done" &
flood=$!
at_exit "kill -KILL -- -$flood"
# Let the flood build up: A's helpers queue behind each other.
wait_for "[ \$(pgrep -c -f '^$HELPER ') -ge $FLOOD ]" 20
sleep 1
check "A has a flood of silent requests in flight ($(pgrep -c -f "^$HELPER ") helpers)" \
	test "$(pgrep -c -f "^$HELPER ")" -ge 10
b_both "A's $FLOOD silent requests"
touch "$out/stop"
{ kill -KILL -- -"$flood"; wait "$flood"; } 2>/dev/null
wait_for '[ -z "$(pgrep -f "^$HELPER ")" ]' 10

# --- (b) A's stopped helpers: one while it blocks sending its reply, others anywhere
: >"$out/stops"
NS "$TOOLS/helper_client" --user $A --prefill -- "$HELPER" --fd=@ --tap at0 >/dev/null 2>&1 &
client=$!
wait_for '[ -n "$(helper_of $client)" ]' 5
hp=$(helper_of "$client")
# Blocked in its reply: asleep in sendmsg() (today with the lock held).
wait_for "grep -qE '^State:.*S' /proc/$hp/status && ! grep -qx 0 /proc/$hp/wchan" 5
sleep 0.3
as_a_stop "$hp"
clients=("$client") helpers=("$hp")
for i in $(seq 10); do
	a_silent &
	c=$!
	sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
	h=$(helper_of "$c")
	[ -n "$h" ] && as_a_stop "$h" && helpers+=("$h")
	clients+=("$c")
done
note="$(grep -c stopped "$out/stops") stopped by A, $(grep -c refused "$out/stops") refused to him"
echo "# A's SIGSTOPs: $note"
b_both "A's stopped helpers ($note)"
for h in "${helpers[@]}"; do kill -KILL "$h" 2>/dev/null; done
for c in "${clients[@]}"; do wait "$c" 2>/dev/null; done

# --- afterwards: nothing left, nothing changed, every grant to B audited
wait_for '[ -z "$(ip -n $ns -o link show master redoxbr0 type tun)" ]' 10
check "no helper is left" test -z "$(pgrep -f "^$HELPER ")"
check "nobody holds a lock on the helper's lock file (/proc/locks)" sh -c "[ ! -e $LOCK ] || ! grep -qE \"^[0-9]+: .*:$(stat -c %i $LOCK 2>/dev/null) \" /proc/locks"
check "no TAP of B's is left on redoxbr0 (his clients exited)" \
	test -z "$(ip -n "$ns" -o link show master redoxbr0 type tun)"
check "the namespace is as after the warm-up: bt0 B's, at0 A's, every device as before" same_devices
sleep 0.2
check "the audit log has B's 4 grants ($(($(grep -c "uid=$B .*result=allow" "$AUDIT") - allows)))" \
	test "$(($(grep -c "uid=$B .*result=allow" "$AUDIT") - allows))" -eq 4
check "down --all" netsetup down --all
done_testing
