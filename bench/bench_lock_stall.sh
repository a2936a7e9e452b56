#!/usr/bin/env bash
# bench_lock_stall.sh - how long user B (65533) waits for his pool TAP from the setuid helper
# when idle, while user A (65534) keeps 40 requests in flight that never read their reply
# (helper_client --prefill), and while one of A's helpers is SIGSTOPped by A himself after
# it has begun sending its reply (issue 12 item 6).  Same run, same helper, same TAP.  A
# request still waiting after $GUARD s is ended and counted at $GUARD s as failed; so is
# one the helper refuses.  tests/security/test_helper_lock_stall.sh asserts the outcome,
# this prints the delay.  Everything runs in a throwaway network namespace.
set -eu
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-10} FLOOD_RUNS=${FLOOD_RUNS:-5} FLOOD=${FLOOD:-40} GUARD=${GUARD:-60}
A=65534 B=65533
bench_setup
bench_install_helper "allow uid $A tap at0
allow uid $B tap bt0
quota uid $A devices 4
quota uid $B devices 4"
for t in at0 bt0; do
	NS ip tuntap add dev "$t" mode tap vnet_hdr user 0
	NS ip link set "$t" group $((0x72786e)) up
done

# b_once: one request of B's; prints "MS OK" (OK 1 if granted).
b_once() {
	local t0 t1 ok=0
	t0=$(date +%s%N)
	NS timeout "$GUARD" "$TOOLS/helper_client" --user $B -- "$HELPER" --fd=@ --tap bt0 \
		2>/dev/null | grep -q '^status=0 ' && ok=1
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000000)) $ok"
}
# sample N FILE: N requests of B's, one a line in FILE.
sample() { local i; : >"$2"; for i in $(seq "$1"); do b_once >>"$2"; done; }
# med FILE: the median latency in FILE; fails FILE: how many were not granted.
med() { cut -d' ' -f1 "$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
fails() { grep -c ' 0$' "$1" || true; }
a_silent="ip netns exec $ns $TOOLS/helper_client --user $A --prefill -- $HELPER --fd=@ --tap at0"

b_once >/dev/null	# B's first request claims bt0; later ones find it his already
sample "$RUNS" "$work/idle"

# A's silent flood, in a session of its own, ended as a whole.
setsid bash -c "while [ ! -e '$work/stop' ]; do
	while [ \$(jobs -rp | wc -l) -lt $FLOOD ]; do $a_silent >/dev/null 2>&1 & done
	wait -n
done" &
flood=$!
bench_at_exit "kill -KILL -- -$flood 2>/dev/null"
for _ in $(seq 100); do [ "$(pgrep -c -f "^$HELPER ")" -ge "$FLOOD" ] && break; sleep 0.1; done
sample "$FLOOD_RUNS" "$work/silent"
touch "$work/stop"
{ kill -KILL -- -"$flood"; wait "$flood"; } 2>/dev/null || true

# One of A's helpers, stopped by A once it blocks sending its reply.
$a_silent >/dev/null 2>&1 &
client=$!
hp=
for _ in $(seq 50); do hp=$(pgrep -f "^$HELPER " | head -1); [ -n "$hp" ] && break; sleep 0.05; done
sleep 0.5
[ -n "$hp" ] && setpriv --reuid=$A --regid=65534 --clear-groups kill -STOP "$hp" 2>/dev/null || true
sample "$FLOOD_RUNS" "$work/stopped"
[ -n "$hp" ] && kill -KILL "$hp" 2>/dev/null
wait "$client" 2>/dev/null || true

idle=$(med "$work/idle") silent=$(med "$work/silent") stopped=$(med "$work/stopped")
echo "B's request to the helper, median ms (not granted / runs):"
printf '  idle:                              %6s ms (%s/%s)\n' "$idle" "$(fails "$work/idle")" "$RUNS"
printf '  A keeps %d silent requests going: %6s ms (%s/%s)\n' "$FLOOD" "$silent" "$(fails "$work/silent")" "$FLOOD_RUNS"
printf '  A has SIGSTOPped one helper:       %6s ms (%s/%s)\n' "$stopped" "$(fails "$work/stopped")" "$FLOOD_RUNS"
echo "  under the silent flood: $(ratio "$silent" "$((idle > 0 ? idle : 1))")x idle; with a stopped helper: $(ratio "$stopped" "$((idle > 0 ? idle : 1))")x idle"
