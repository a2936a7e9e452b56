#!/usr/bin/env bash
# test_helper_leaks.sh - thousands of requests through the real setuid helper leak no fd and
# no device.  REQUESTS sequential requests cycle through eight kinds: granted ones on the
# pool-TAP path (single queue, his by the helper's record and given back through the fd each
# time; four queues of a TAP the caller owns) and on the bridge path (through redox-run-net, and two queues through the
# test client), and refused ones (policy denials on both paths, a quota refusal, a bad name).
# Every granted request's stand-in VMM lists what it inherited above fd 2 and must see
# exactly its queues at 3, 4, ... and nothing else; every refused one must end with its
# status and start no VMM.  Afterwards the namespace's devices are exactly as before (no
# TAP left, no queue left attached: carrier off), nothing is left running, and every
# request wrote exactly one audit line.
#
# 2,000 requests, as the issue asks, took 24 s on the 2-core test VM when it was quiet and 45 s
# when other jobs loaded it (120 s in the ASan build): 12 ms for a TAP request, about 50 ms for
# a bridge grant, most of which is the kernel creating and deleting the device.  REQUESTS=N
# overrides the count.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

N=${REQUESTS:-2000}
netsetup_env hleak
check "up --bridge redoxbr0" netsetup up --bridge redoxbr0
mk_tap "$ns" pool0
mk_tap "$ns" mq0 65534 4
mk_tap "$ns" qa 65532
mk_tap "$ns" qb
set_policy "allow uid 65534 tap pool0
allow uid 65534 tap mq0 queues 4
allow uid 65534 bridge redoxbr0 queues 2
allow uid 65532 tap q*
quota uid 65534 devices 8
quota uid 65532 devices 1"
# The loop runs inside the namespace, so no request pays for its own `ip netns exec`.
client() {	# client UID [CLIENT_OPTS] -- HELPER_ARGS: the test client, VMM = vmm_fds
	local uid=$1; shift
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift
	"$TOOLS/helper_client" --user "$uid" --exec "$TOOLS/vmm_fds" "${opts[@]}" -- "$HELPER" --fd=@ "$@"
}
# one KIND: run request kind KIND (0-7); set GOT to "STATUS FDS-LINE", the VMM's pid left out.
one() {
	local out rc
	case $1 in
	0) out=$(client 65534 --owner 0 -- --tap pool0 2>&1) ;;
	1) out=$(client 65534 -- --tap mq0 --queues 4 2>&1) ;;
	2) out=$("${AS_NOBODY[@]}" env REDOX_NET_HELPER="$HELPER" CH_BIN="$TOOLS/vmm_fds" \
			"$BIN/redox-run-net" --bridge redoxbr0 --disk /nonexistent.img 2>&1) ;;
	3) out=$(client 65534 -- --bridge redoxbr0 --queues 2 2>&1) ;;
	4) out=$(client 65533 -- --tap pool0 2>&1) ;;
	5) out=$(client 65533 -- --bridge redoxbr0 2>&1) ;;
	6) out=$(client 65532 -- --tap qb 2>&1) ;;
	7) out=$(client 65534 -- --tap "a/b" 2>&1) ;;
	esac
	rc=$?
	GOT="$rc "
	[[ $out =~ (^|$'\n')(fds [^$'\n']*)\ pid=[0-9]+ ]] && GOT+=${BASH_REMATCH[2]}
}
want=("0 fds 3=pool0/sq"
      "0 fds 3=mq0/mq 4=mq0/mq 5=mq0/mq 6=mq0/mq"
      "0 fds 3=rn1ekes0/sq"
      "0 fds 3=rn1ekes0/mq 4=rn1ekes0/mq"
      "3 " "3 " "3 " "2 ")
# requests: run all N; print "wrong=COUNT" and the first few wrong ones.
requests() {
	local i bad=0
	for ((i = 0; i < N; i++)); do
		one $((i % 8))
		[ "$GOT" = "${want[i % 8]}" ] && continue
		bad=$((bad + 1))
		[ "$bad" -le 5 ] && echo "# request $i (kind $((i % 8))): got '$GOT', wanted '${want[i % 8]}'"
	done
	echo "wrong=$bad"
}

check_status "warm-up: a bridge request" 0 NS bash -c "$(declare -p TOOLS HELPER); $(declare -f client); client 65534 -- --bridge redoxbr0"
# The first grant of a pool TAP records it as its user's (its alias, helper/pool_claim.c), for good.
for w in "65534 --owner 0 -- --tap pool0" "65534 -- --tap mq0 --queues 4" "65532 -- --tap qa"; do
	check_status "warm-up: $w" 0 NS bash -c "$(declare -p TOOLS HELPER); $(declare -f client); client $w"
done
check "... qa is now uid 65532's by the helper's record, which his quota of 1 counts" \
	test "$(NS cat /sys/class/net/qa/ifalias)" = "redox-net uid=65532"
before=$(devices "$ns")
audited_before=$(grep -c 'result=' "$AUDIT")
start=$(date +%s)
result=$(NS bash -c "$(declare -p N want TOOLS HELPER BIN AS_NOBODY); $(declare -f client one requests); requests")
grep '^#' <<<"$result"
echo "# $N requests in $(($(date +%s) - start)) s"
wrong=$(tail -n 1 <<<"$result")
check "$N requests: each VMM got exactly its queues at 3.. and nothing else, each refusal its status ($wrong)" \
	test "$wrong" = wrong=0
check "the devices are exactly as before: no TAP left, no queue attached" test "$(devices "$ns")" = "$before"
check "nothing is left running in the namespace" test -z "$(ip netns pids "$ns")"
check "nobody holds a lock on the helper's lock file" \
	sh -c "! grep -qE '^[0-9]+: .*:$(stat -c %i "$LOCK") ' /proc/locks"
want_lines=$((audited_before + N))
for _ in $(seq 50); do [ "$(grep -c 'result=' "$AUDIT")" -ge "$want_lines" ] && break; sleep 0.1; done
check "every request wrote exactly one audit line ($(grep -c 'result=' "$AUDIT") of $want_lines)" \
	test "$(grep -c 'result=' "$AUDIT")" -eq "$want_lines"
done_testing
