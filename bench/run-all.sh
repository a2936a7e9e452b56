#!/usr/bin/env bash
# run-all.sh - `make bench`: every bench/bench_*.sh, each comparing redox-net with what
# users run today, in the same run, on the same work, in throwaway namespaces.
set -u
BUILD=${BUILD:?set BUILD to the build directory}
export BUILD
RXN_ROOT_NETNS_INO=$(stat -L -c %i /proc/self/ns/net)
export RXN_ROOT_NETNS_INO
status=0
for b in "$(dirname "$0")"/bench_*.sh; do
	echo "== ${b##*/}"
	bash "$b" || status=1
done
exit $status
