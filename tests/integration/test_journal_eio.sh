#!/usr/bin/env bash
# test_journal_eio.sh - I/O errors under the state journal: whichever call fails (a write,
# a short write whose rest then fails, the rename over the old journal), `up` fails (1),
# says why, and leaves the namespace and any existing journal as they were;
# once the disk works again, `down` undoes everything.  The errors are injected by
# tests/tools/so/fault_io.c (LD_PRELOAD), armed through a control file.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env eio
state() { NS sh -c 'ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward'; }
ctl=$run/faults
# Under ASan the shim comes before the sanitizer's runtime, which it then lets through.
faulty() { NS env LD_PRELOAD="$TOOLS/fault_io.so" RXN_FAULT_CTL="$ctl" RXN_FAULT_FILE=journal \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	"$BIN/redox-netsetup" "$@" --run-dir "$run"; }
# The journal is not fsync()ed (docs/design.md, "The journal"), so fsync and dirsync are
# not among them: the last check below makes sure that stays true.
faults="write torn rename"

before=$(state)
for f in $faults; do
	echo "$f" >"$ctl"
	check_status "up with $f of the journal failing fails (1)" 1 faulty up --owner 65534
	check_output "  the error was injected" "fault_io: .* failed with EIO"
	check_output "  and the message names it" "Input/output error"
	check "  and nothing in the namespace changed" test "$before" = "$(state)"
	rm -f "$ctl"
done

check "with a working disk, up succeeds" netsetup up --owner 65534
cp "$run/journal" "$run/journal.saved"
for f in $faults; do
	echo "$f" >"$ctl"
	check_status "a second up, of second0, with $f failing fails (1)" 1 \
		faulty up --tap second0 --address 172.16.7.1/24 --owner 65534
	check "  second0 was rolled back" sh -c "! ip netns exec $ns ip link show second0 2>/dev/null"
	check "  the journal is byte for byte as it was" cmp "$run/journal" "$run/journal.saved"
	rm -f "$ctl"
done
check "with a working disk again, down succeeds" netsetup down
echo "fsync dirsync" >"$ctl"
check "an up that would fsync the journal would fail: it does not" faulty up --owner 65534
rm -f "$ctl"
check "and down undoes it" netsetup down
check "and the namespace is as it was before" test "$before" = "$(state)"
done_testing
