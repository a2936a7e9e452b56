#!/usr/bin/env bash
# run.sh - run every fuzz target against its seed corpus.
#   run.sh smoke   replay the seeds, then fuzz each target for FUZZ_SECONDS (default 10)
#   run.sh long    fuzz each target for FUZZ_SECONDS (default 600), printing exec counts
# New inputs go to a scratch directory so the committed seeds stay small; crashes are
# kept in build/fuzz-artifacts/ for turning into regression seeds.
set -u
BUILD=${BUILD:?set BUILD to the build directory}
mode=${1:-smoke}
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-$([ "$mode" = long ] && echo 600 || echo 10)}
artifacts=$BUILD/fuzz-artifacts
mkdir -p "$artifacts"
n=0 failed=0
for fuzzer in "$BUILD"/fuzz/fuzz_*; do
	[ -x "$fuzzer" ] || continue
	name=${fuzzer##*/fuzz_}
	corpus=$top/tests/fuzz/corpus/$name
	dict=$top/tests/fuzz/$name.dict
	work=$(mktemp -d)
	args=(-artifact_prefix="$artifacts/$name-" -max_total_time="$seconds" -print_final_stats=1)
	[ -f "$dict" ] && args+=(-dict="$dict")
	n=$((n + 1))
	if "$fuzzer" -runs=0 "$corpus" >"$work/replay.log" 2>&1; then
		echo "ok $n $name: the seed corpus replays cleanly"
	else
		echo "not ok $n $name: the seed corpus crashes"; tail -n 30 "$work/replay.log" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
	n=$((n + 1))
	if "$fuzzer" "${args[@]}" "$work" "$corpus" >"$work/fuzz.log" 2>&1; then
		execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/fuzz.log")
		echo "ok $n $name: ${seconds}s of fuzzing, $execs executions, no finding"
	else
		echo "not ok $n $name: fuzzing found a crash (see $artifacts)"; tail -n 40 "$work/fuzz.log" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
	rm -rf "$work"
done
if [ "$n" -eq 0 ]; then
	echo "not ok 1 no fuzz targets in $BUILD/fuzz (make fuzz-build needs clang with libFuzzer)"
	failed=1 n=1
fi
echo "1..$n"
[ "$failed" -eq 0 ]
