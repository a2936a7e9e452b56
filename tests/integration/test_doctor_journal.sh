#!/usr/bin/env bash
# test_doctor_journal.sh - doctor reads the journal: what `up --bridge` made is checked, never reported as a conflict or as a missing tap0.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env docj
doctor() { NS "$BIN/redox-netsetup" doctor --run-dir "$run"; }
check "up --bridge redoxbr0" netsetup up --bridge redoxbr0
check "the bridge has its route to 172.16.0.0/24" sh -c "ip -n $ns route show 172.16.0.0/24 | grep -q redoxbr0"
check_status "a bare doctor after up --bridge: no problems, exit 0" 0 doctor
check_output "... it checks what up made: redoxbr0" "checking what 'up' made .*redoxbr0"
out=$LAST_OUTPUT
check "... and does not say tap0 does not exist yet" bash -c '! grep -q tap0 <<<"$1"' _ "$out"
check "... nor that redoxbr0's own route collides" bash -c '! grep -q "already routed" <<<"$1"' _ "$out"

# Someone else's route into the subnet is still a conflict.  (A second 172.16.0.0/24 route
# would be hidden: libnl's route cache keeps one object per prefix, whatever the device.)
NS ip link add rxv0 type veth peer name rxv1
NS ip addr add 172.16.0.200/25 dev rxv0; NS ip link set rxv1 up; NS ip link set rxv0 up
check_status "another device routing 172.16.0.128/25 is reported: exit 1" 1 doctor
check_output "... naming that device" "already routed through rxv0"
NS ip link del rxv0

# What the journal names and is gone is a problem, with the fix.
NS ip link del redoxbr0
check_status "the bridge deleted behind redox-net's back: exit 1" 1 doctor
check_output "... doctor says it is in the journal but gone" "redoxbr0 is in the journal but gone"
check "down cleans up" netsetup down

# With no journal, doctor checks what up would make, as before.
check_status "doctor with no journal (forwarding restored to off): exit 1" 1 doctor
check_output "... and says tap0 does not exist yet" "tap0 does not exist yet"
done_testing
