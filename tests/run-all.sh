#!/usr/bin/env bash
# run-all.sh - run every suite (unit, integration, security, e2e, fuzz smoke) and
# print one summary line.  Each test program speaks TAP; a program that exits
# non-zero without reporting a failure, or that reports nothing, counts as failed.
set -u
BUILD=${BUILD:?BUILD must name the build directory}
export BUILD
top=$(cd "$(dirname "$0")/.." && pwd)
logdir=$BUILD/test-logs
rm -rf "$logdir" && mkdir -p "$logdir"
passed=0 failed=0 skipped=0
# Every namespace a test makes carries this run's id, so leftovers are counted exactly,
# even while another run is going on on the same machine.
export RXN_RUN_ID=$$
failures=()

run_one() {
	local name=$1; shift
	local log=$logdir/${name//\//_}.log rc
	printf '# %s\n' "$name"
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 900 "$@" >"$log" 2>&1
	rc=$?
	local p f s
	# cmocka's TAP prints "ok N - name"; ours print "ok N name"; skips end in "# SKIP".
	# cmocka reports a skip as "not ok N # SKIP"; ours say "ok N # SKIP".
	s=$(grep -cE '^(not )?ok [0-9]+.*# ?SKIP' "$log")
	p=$(grep -cE '^ok [0-9]+' "$log"); p=$((p - $(grep -cE '^ok [0-9]+.*# ?SKIP' "$log")))
	f=$(grep -cE '^not ok [0-9]+' "$log"); f=$((f - $(grep -cE '^not ok [0-9]+.*# ?SKIP' "$log")))
	if [ "$s" -gt 0 ] && [ "${CI:-}" = true ]; then
		echo "not ok - $name skipped $s test(s); under CI a test that cannot run is a failure" >>"$log"
		f=$((f + s)) s=0
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc without reporting a failure" >>"$log"
		f=1
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		echo "not ok - $name ran no test" >>"$log"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ "$f" -gt 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
		cat "$log"
	else
		grep -E '# ?SKIP' "$log" || true
	fi
	[ "$f" -gt 0 ] && failures+=("$name")
	printf '#   %d passed, %d failed%s\n' "$p" "$f" "$([ "$s" -gt 0 ] && echo ", $s skipped")"
}

# The setuid and runner suites run the build's programs as uid 65534, which must be able to
# reach them: a checkout under root's 0700 home cannot be tested that way.  Say so once,
# instead of hundreds of "Permission denied" failures.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$BUILD/bin/redox-run-net"; then
	# The first directory on the way down from / that uid 65534 may not search.
	blocked=/ path=
	IFS=/ read -ra parts <<<"${BUILD#/}"
	for p in "${parts[@]}"; do
		path=$path/$p
		setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$path" || { blocked=$path; break; }
	done
	echo "not ok - uid 65534 cannot reach $BUILD/bin: $blocked is mode $(stat -c %a "$blocked"); the tests run"
	echo "#   the programs as an unprivileged user.  Put the checkout where others can read it"
	echo "#   (for example /srv/redox-net), or chmod o+x $blocked."
	echo "0 passed, 1 failed"
	exit 1
fi

only=${TESTS:-}
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	[ -n "$only" ] && [[ "unit/${t##*/}" != *$only* ]] && continue
	run_one "unit/${t##*/}" "$t"
done
for suite in integration security e2e fuzz; do
	for t in "$top"/tests/$suite/test_*.sh; do
		[ -f "$t" ] || continue
		[ -n "$only" ] && [[ "$suite/${t##*/}" != *$only* ]] && continue
		run_one "$suite/${t##*/}" bash "$t"
	done
done

leftover=$(ip netns list 2>/dev/null | awk -v id="-$RXN_RUN_ID-" '/^rxn-/ && index($1, id) {n++} END {print n + 0}')
if [ "$leftover" -gt 0 ]; then
	echo "not ok - $leftover rxn-* network namespaces were left behind"
	failed=$((failed + 1))
fi
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[*]}"
echo "logs: $logdir"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
