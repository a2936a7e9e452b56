#!/bin/bash
# layout.sh - check the privilege boundary of the source tree: who may include whom, and
# that a helper binary holds no runner code.
#
#   scripts/layout.sh                    the include graph of every .c and .h (make lint)
#   scripts/layout.sh --symbols HELPER   also: HELPER defines no symbol that runner/ defines
#
# The layers, lowest first (docs/design.md, "Layout").  A file may include its own folder
# and the folders listed for it, nothing else:
#   lib/ policy/    shared by every program            -> lib/ (policy/ also policy/)
#   nft/            the nf_tables layer (libnftnl)     -> lib/
#   helper/         runs setuid                        -> lib/ policy/ nft/
#   runner/         runs as the user                   -> lib/ policy/
#   teardown/       root: the journal and its replay   -> lib/ nft/
#   netsetup/       root: redox-netsetup               -> lib/ policy/ nft/ teardown/
# tests/ and bench/ may include anything.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
	[lib]="lib"
	[policy]="lib policy"
	[nft]="lib nft"
	[helper]="lib policy nft helper"
	[runner]="lib policy runner"
	[teardown]="lib nft teardown"
	[netsetup]="lib policy nft teardown netsetup"
)

bad=0
while IFS= read -r -d '' f; do
	layer=${f%%/*}
	[[ -n ${allowed[$layer]:-} ]] || { echo "layout: $f is in no known layer: add its folder to scripts/layout.sh" >&2; bad=1; continue; }
	while IFS=: read -r line inc; do
		dir=${inc%%/*}
		[[ $inc == */* ]] || continue
		if [[ " ${allowed[$layer]} " != *" $dir "* ]]; then
			echo "layout: $f:$line includes \"$inc\": $layer/ may include only ${allowed[$layer]// //, }/ (scripts/layout.sh)" >&2
			bad=1
		fi
	done < <(grep -n '^#include "' "$f" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
done < <(find lib policy nft helper runner teardown netsetup -name '*.[ch]' -print0 | sort -z)

if [[ ${1:-} == --symbols ]]; then
	helper=${2:?usage: layout.sh --symbols HELPER_BINARY}
	objs=$(find "${BUILD:-build}/obj/runner" -name '*.o' 2>/dev/null)
	[[ -n $objs ]] || { echo "layout: no runner objects in ${BUILD:-build}/obj/runner: build first" >&2; exit 1; }
	nm --defined-only "$helper" >/dev/null 2>&1 || { echo "layout: $helper has no symbol table (stripped?)" >&2; exit 1; }
	leaked=$(comm -12 <(nm --defined-only --extern-only $objs | awk 'NF == 3 && $3 != "main" { print $3 }' | sort -u) \
			  <(nm --defined-only "$helper" | awk 'NF == 3 { print $3 }' | sort -u))
	if [[ -n $leaked ]]; then
		echo "layout: $helper holds runner code: $(echo $leaked)" >&2
		bad=1
	fi
fi
exit $bad
