#!/usr/bin/env bash
# test_dhcp_lease_faults.sh - the DHCP responder's lease store on a full disk and under I/O errors.
#
# An ACK may leave only once its lease is on disk.  With the lease directory on a tiny tmpfs
# (in a private mount namespace inside the test's network namespace), filled up:
#  - a REQUEST whose record cannot be written gets no ACK (the client retries), the error names
#    the file and the fix, and the responder keeps running; once there is room, it ACKs again;
#  - every lease ever ACKed is in the file, and no address was ACKed to two MACs;
#  - compaction (temp file, fsync, rename) fails at shutdown and at start-up without touching
#    the old journal; a restart with room reloads every ACKed lease, no record damaged.
# Then the same with EIO, injected by tests/tools/so/fault_io.c (LD_PRELOAD) into fdatasync, into
# a torn write whose tail cannot be cut off (ftruncate fails too), and into each compaction step.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
command -v nsenter >/dev/null || { skip "needs nsenter (util-linux)"; done_testing; }

srv=$(netns_new fsrv); rel=$(netns_new frel)
run=$(mktemp -d); at_exit "rm -rf $run"
S() { nsrun "$srv" "$@"; }
S ip link add s0 type veth peer name r0 netns "$rel"
S ip addr add 10.62.0.1/16 dev s0; S ip link set s0 up
nsrun "$rel" ip addr add 10.62.255.250/16 dev r0; nsrun "$rel" ip link set r0 up

# The tiny tmpfs lives in a mount namespace of its own, held open by a sleeping process;
# M runs a command in it (and in $srv).  Background jobs are started without a shell
# function in between, so $! is the process itself (ip netns exec, unshare, sh and nsenter
# all exec), and the holder is checked to be in $srv before anything enters its namespaces.
tiny=$run/tiny leases=$run/tiny/leases
mkdir "$tiny"
ip netns exec "$srv" unshare -m sh -c "mount -t tmpfs -o size=128k,mode=0755 tmpfs $tiny && exec sleep 600" &
holder=$!
at_exit "kill $holder"
for _ in $(seq 50); do [ "$(readlink "/proc/$holder/exe")" = "$(readlink -f "$(command -v sleep)")" ] && break; sleep 0.1; done
if [ "$(stat -L -c %i "/proc/$holder/ns/net")" != "$(stat -L -c %i "/var/run/netns/$srv")" ] ||
   [ "$(readlink "/proc/$holder/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ]; then
	ok 1 "the tmpfs holder runs in the test's network namespace and a mount namespace of its own"
	done_testing
fi
M() { nsenter -t "$holder" -m -n -- "$@"; }
for _ in $(seq 50); do M mountpoint -q "$tiny" && break; sleep 0.1; done
check "a 128 KiB tmpfs is mounted in a private mount namespace" M mountpoint -q "$tiny" || done_testing
check "and it is not visible outside it" sh -c "! mountpoint -q $tiny"
# Bounded, and only onto the tmpfs: twice its size never reaches the real disk.
fill() { M sh -c "mountpoint -q $tiny && dd if=/dev/zero of=$tiny/filler bs=4k count=64 >/dev/null 2>&1; sync"; }
unfill() { M rm -f "$tiny/filler"; }
journal() { M cat "$leases/leases"; }
journal_is() { journal | cmp -s - "$1"; }

# The fault switch for fault_io.so: a file its (unprivileged) responder can read.
ctl=$(mktemp -d); at_exit "rm -rf $ctl"; chmod 0755 "$ctl"
# faults [WORD...]: arm these faults at once (rename, so no reader sees a half-written file), or none.
faults() {
	if [ $# -gt 0 ]; then echo "$*" >"$ctl/new" && mv "$ctl/new" "$ctl/faults"; else rm -f "$ctl/faults"; fi
}
PRELOAD=(env LD_PRELOAD="$TOOLS/fault_io.so" RXN_FAULT_CTL="$ctl/faults"
	 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0")

# start_responder LOG [ENV...]: the responder in $srv on the tiny tmpfs; sets $resp.
# (Call it directly, not through check, which runs its command in a subshell.)
start_responder() {
	local log=$1; shift
	nsenter -t "$holder" -m -n -- "${@:-env}" "$BIN/redox-netsetup" dhcp --tap s0 --address 10.62.0.1/16 \
		--dhcp-pool 10.62.1.1-10.62.200.254 --allow-relay --lease-dir "$leases" >"$log" 2>&1 &
	resp=$!
	for _ in $(seq 100); do
		grep -q "serving DHCP" "$log" && return 0
		kill -0 "$resp" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
at_exit "kill -9 \$resp"
# wait_for LOG PATTERN [N]: until LOG has N (default 1) lines matching PATTERN, or 60 s.
wait_for() {
	for _ in $(seq 600); do
		[ "$(grep -cE -- "$2" "$1")" -ge "${3:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}
# load FIRST COUNT OUT: relayed exchanges for COUNT fresh MACs from index FIRST, ACKs to OUT.
LOAD=(ip netns exec "$rel" "$TOOLS/dhcp_load" -f)
load() { "${LOAD[@]}" "$1" 10.62.255.250 10.62.0.1 "$2" 16 >"$3" 2>"$3.err"; }
# lost JOURNAL ACKS...: how many "ACK MAC IP" lines have no "bind MAC IP" record in JOURNAL.
lost() { awk 'NR == FNR { if ($1 == "bind") kept[$2 " " $3] = 1; next } !kept[$2 " " $3]' "$@" | wc -l; }
# damage LOG: the count of damaged records the reload in LOG skipped, or "none" without a reload line.
damage() { sed -n 's/.*records replayed, \([0-9]*\) damaged and skipped.*/\1/p' "$1" | tail -1 | grep . || echo none; }

# 1. A full disk.
start_responder "$run/r1.log"
check "the responder starts on an empty tmpfs" grep -q "serving DHCP" "$run/r1.log"
load 1 100 "$run/acks1"
check "100 exchanges get their ACK ($(cat "$run/acks1.err"))" test "$(wc -l <"$run/acks1")" -eq 100
fill
check "the tmpfs is full" test "$(M df --output=avail "$tiny" | tail -1 | tr -d ' ')" -eq 0
"${LOAD[@]}" 1001 10.62.255.250 10.62.0.1 200 16 >"$run/acks2" 2>"$run/acks2.err" &
loader=$!
at_exit "kill $loader"
check "with the disk full, appending fails with ENOSPC, naming the file" \
	wait_for "$run/r1.log" "$leases/leases: cannot append lease records: No space left on device"
check "and the responder withholds ACKs it could not save, again and again" \
	wait_for "$run/r1.log" "not sent, the lease could not be saved" 20
cp "$run/acks2" "$run/acks2.full"
journal >"$run/journal.full"
n=$(wc -l <"$run/acks2.full")
lost=$(lost "$run/journal.full" "$run/acks1" "$run/acks2.full")
check "every one of the $((100 + n)) ACKs sent so far is in the journal ($lost missing)" test "$lost" -eq 0
check "the error comes with the fix" grep -q "hint: free space on the file system that holds $leases" "$run/r1.log"
check "the responder is still running" kill -0 "$resp"
unfill
wait "$loader"; rc=$?
check "with room again, all 200 exchanges of that run get their ACK ($(cat "$run/acks2.err"))" test "$rc" -eq 0
check "and the responder says the leases are saved again" grep -q "lease records are saved again" "$run/r1.log"
journal >"$run/journal.now"
lost=$(lost "$run/journal.now" "$run/acks1" "$run/acks2")
check "every ACK is in the journal ($lost missing)" test "$lost" -eq 0

# Compaction with no room: at shutdown, then at start-up.
fill
journal >"$run/journal.before"
kill -TERM "$resp"; wait "$resp"
check "at SIGTERM on a full disk, compaction fails with ENOSPC" \
	grep -q "$leases/leases: cannot rewrite the lease journal: No space left on device" "$run/r1.log"
check "and leaves the old journal byte for byte" journal_is "$run/journal.before"
check "and no temporary file" M test ! -e "$leases/leases.tmp"
check_status "a start on the full disk fails (1)" 1 \
	timeout 60 nsenter -t "$holder" -m -n -- "$BIN/redox-netsetup" dhcp --tap s0 --address 10.62.0.1/16 \
	--dhcp-pool 10.62.1.1-10.62.200.254 --allow-relay --lease-dir "$leases"
check_output "naming the file and the cause" "$leases/leases: cannot rewrite the lease journal: No space left on device"
check_output "and the fix" "hint: free space on the file system that holds $leases"
check "and the journal is still byte for byte the old one" journal_is "$run/journal.before"
unfill
start_responder "$run/r2.log"
check "with room, the responder starts again" grep -q "serving DHCP" "$run/r2.log"
check "its reload found no damaged record ($(damage "$run/r2.log"))" test "$(damage "$run/r2.log")" = 0
journal >"$run/journal.now"
lost=$(lost "$run/journal.now" "$run/acks1" "$run/acks2")
check "and kept every ACKed lease ($lost missing)" test "$lost" -eq 0
kill -TERM "$resp"; wait "$resp"

# 2. I/O errors, injected.
start_responder "$run/r3.log" "${PRELOAD[@]}"
check "the responder starts with the fault library preloaded" grep -q "serving DHCP" "$run/r3.log"
load 2001 10 "$run/acks3"
check "with no fault armed, it ACKs as usual" test "$(wc -l <"$run/acks3")" -eq 10
faults fdatasync
"${LOAD[@]}" 3001 10.62.255.250 10.62.0.1 100 16 >"$run/acks4" 2>"$run/acks4.err" &
loader=$!
check "with fdatasync failing, the group commit fails with EIO, naming the file" \
	wait_for "$run/r3.log" "$leases/leases: cannot append lease records: Input/output error"
check "again and again" wait_for "$run/r3.log" "fault_io: fdatasync failed with EIO" 20
check "the error comes with the fix" grep -q "hint: check the file system that holds $leases" "$run/r3.log"
faults torn ftruncate
check "a torn append whose tail cannot be cut off is reported" \
	wait_for "$run/r3.log" "cannot cut off a partial record: Input/output error"
check "while the journal failed, no ACK was sent ($(wc -l <"$run/acks4"))" test "$(wc -l <"$run/acks4")" -eq 0
faults
wait "$loader"; rc=$?
check "once the faults are gone, all 100 exchanges get their ACK ($(cat "$run/acks4.err"))" test "$rc" -eq 0
check "the responder says the leases are saved again" grep -q "lease records are saved again" "$run/r3.log"
journal >"$run/journal.eio"
check "no record was glued onto the torn one: every line is whole" \
	sh -c "! grep -vE '^(# redox-net DHCP leases v1|bind [0-9a-f:]{17} [0-9.]+ [0-9]+ -)$' $run/journal.eio"
kill -9 "$resp"; wait "$resp" 2>/dev/null
start_responder "$run/r4.log" "${PRELOAD[@]}"
check "after kill -9, the responder starts again" grep -q "serving DHCP" "$run/r4.log"
check "its reload found no damaged record ($(damage "$run/r4.log"))" test "$(damage "$run/r4.log")" = 0
journal >"$run/journal.now"
lost=$(lost "$run/journal.now" "$run"/acks[1-4])
check "and every ACK ever sent is in the journal ($lost missing)" test "$lost" -eq 0

# Each compaction step failing with EIO at shutdown leaves a journal that reloads whole.
log=$run/r4.log
for step in fsync rename dirsync; do
	journal >"$run/journal.before"
	faults "$step"
	kill -TERM "$resp"; wait "$resp"
	faults
	check "compaction with $step failing is reported" grep -q "fault_io: .* failed with EIO" "$log"
	check "as a failed rewrite of the journal, naming it" grep -qE "$leases/leases: cannot (rewrite|sync)" "$log"
	if [ "$step" = dirsync ]; then
		# The rename went through, so the new file is the snapshot; it must reload whole.
		check "with the directory sync failing, no temporary file is left" M test ! -e "$leases/leases.tmp"
	else
		check "compaction with $step failing leaves the old journal byte for byte" journal_is "$run/journal.before"
		check "and no temporary file" M test ! -e "$leases/leases.tmp"
	fi
	log=$run/r5-$step.log
	start_responder "$log" "${PRELOAD[@]}"
	check "the responder starts again after $step failed" grep -q "serving DHCP" "$log"
	check "no damaged record ($(damage "$log"))" test "$(damage "$log")" = 0
	journal >"$run/journal.now"
	lost=$(lost "$run/journal.now" "$run"/acks[1-4])
	check "every ACK ever sent is still in the journal ($lost missing)" test "$lost" -eq 0
done
kill -TERM "$resp"; wait "$resp"
dups=$(cat "$run"/acks[1-4] | sort -u | awk '{ print $3 }' | sort | uniq -d | wc -l)
check "no address was ever ACKed to two MACs ($dups were)" test "$dups" -eq 0
done_testing
