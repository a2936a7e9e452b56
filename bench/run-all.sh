#!/usr/bin/env bash
# run-all.sh - run every benchmark (bench/*.sh) against the build in $BUILD; `make bench` calls this.
set -u
BUILD=${BUILD:?BUILD must name the build directory}
export BUILD
rc=0
for b in "$(dirname "$0")"/*.sh; do
	[ "${b##*/}" = run-all.sh ] && continue
	echo "# ${b##*/}"
	bash "$b" || rc=1
done
exit $rc
