#!/usr/bin/env bash
# test_helper_mq_share.sh - issue 12 item 2: a multi-queue pool TAP is never shared across
# users.  User A (65534) gets 2 queues of a 4-queue pool TAP through redox-run-net; his VMM
# (tests/tools/tap_ioctl_vmm) gives the TAP back to root with TUNSETOWNER 0 on its own fd and
# keeps its queues.  User B (65533) then asks for the same TAP, through redox-run-net and
# straight through the helper: refused, A's queues unchanged, B gets no fd.  A then re-owns
# the TAP to B (TUNSETOWNER 65533) and keeps his queues, so B's runner could attach by
# itself (may_attach_directly()): refused too, also with one of A's queues detached
# (TUNSETQUEUE IFF_DETACH_QUEUE).  A refusal says the TAP is in use, has queues, or is
# another user's.  Beside the attack, the legitimate path: once A's VMM is
# gone, B gets the TAP.  Every step compares the namespace (seclib.sh: devices) and reads
# the audit log.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

ns=$(netns_new mqshare)
NS() { nsrun "$ns" "$@"; }
. "$(dirname "$0")/vmlib.sh"
A=65534 B=65533
mk_tap "$ns" mq0 0 4
set_policy "allow uid $A tap mq0 queues 4
allow uid $B tap mq0 queues 4
quota uid $A devices 4
quota uid $B devices 4"
refusal='in use|queues|another user'

# b_direct WHAT: B asks the helper himself for 2 queues of mq0; it must refuse, and give no fd.
b_direct() {
	local what=$1
	LAST_OUTPUT=$(NS "$TOOLS/helper_client" --user $B --verify -- "$HELPER" --fd=@ --tap mq0 --queues 2 2>&1)
	check_output "$what: B straight through the helper: refused, no fd (status non-zero, queues=0)" '^status=[1-9][0-9]* queues=0 .*verified=0 '
	check_output "$what: ... saying the TAP is in use / has queues" "error=\"[^\"]*($refusal)"
}
# b_runner WHAT NAME: B runs a VM on mq0 with 2 queues; the runner must exit non-zero, no VMM.
b_runner() {
	local what=$1 name=$2 got
	vm $B "$name" -- --tap mq0 --queues 2
	vm_wait "$name"; got=$?
	check "$what: B's redox-run-net gets no fd and starts no VMM" test "$got" -eq 1
	if [ "$got" -eq 1 ]; then
		check "$what: ... it exits non-zero ($(cat "$VMDIR/$name.rc"))" test "$(cat "$VMDIR/$name.rc")" -ne 0
	else
		ok 1 "$what: ... it exits non-zero (it ran a VMM with $(vm_fds "$name"))"
		vm_kill "$name"
	fi
	LAST_OUTPUT=$(cat "$VMDIR/$name.err")
	check_output "$what: ... saying the TAP is in use / has queues" "$refusal"
}
# a_intact WHAT ATTACHED DETACHED: A's VMM still runs and the kernel counts his queues alone.
a_intact() {
	check "$1: A's VMM still runs" kill -0 "$(vm_pid a)"
	check "$1: mq0 has exactly A's queues ($2 attached, $3 detached; kernel: $(queues "$ns" mq0))" \
		test "$(queues "$ns" mq0)" = "$2 $3"
}
# b_allowed_since LINE: how many grants to B the audit log shows after LINE.
b_allowed_since() { audit_since "$1" | grep -c "uid=$B .*device=mq0 .*result=allow"; }

# --- A takes 2 queues and gives the TAP back to root, keeping them
vm $A a -- --tap mq0 --queues 2
vm_wait a
check "A's VMM runs with 2 queues of mq0" test "$(vm_fds a)" = "3=mq0/mq 4=mq0/mq"
check "... the kernel says mq0 is A's" test "$(tap_owner "$ns" mq0)" = $A
check "... with 2 queues attached" test "$(queues "$ns" mq0)" = "2 0"
check "A's VMM: TUNSETOWNER 0 on its own fd works" vm_do a "owner 0"
check "... mq0 now looks free (owner 0)" test "$(tap_owner "$ns" mq0)" = 0

# --- 1. owner 0, A's queues attached: B is refused
snap; lines=$(wc -l <"$AUDIT")
b_runner "owner 0" b1
b_direct "owner 0"
a_intact "owner 0" 2 0
check "owner 0: the namespace is unchanged (owner, queues, every device)" same_devices
sleep 0.1
check "owner 0: the audit log shows no grant to B ($(b_allowed_since "$lines"))" test "$(b_allowed_since "$lines")" -eq 0
check "owner 0: ... and B's helper requests audited as denials" \
	test "$(audit_since "$lines" | grep -c "uid=$B .*device=mq0 .*result=deny")" -ge 2
# Whatever went wrong above, put mq0 back as A left it, so each step tests one thing.
[ "$(tap_owner "$ns" mq0)" = 0 ] || vm_do a "owner 0"

# --- 2. A re-owns his TAP to B and keeps his queues: B's runner must not attach by itself
check "A's VMM: TUNSETOWNER $B on its own fd works" vm_do a "owner $B"
check "... the kernel says mq0 is B's" test "$(tap_owner "$ns" mq0)" = $B
snap; lines=$(wc -l <"$AUDIT")
b_runner "re-owned to B" b2
b_direct "re-owned to B"
a_intact "re-owned to B" 2 0
check "re-owned to B: the namespace is unchanged" same_devices
sleep 0.1
check "re-owned to B: the audit log shows no grant to B" test "$(b_allowed_since "$lines")" -eq 0

# --- 3. the same with one of A's queues detached: detached queues count
check "A's VMM: TUNSETQUEUE IFF_DETACH_QUEUE on fd 3 works" vm_do a "detach"
check "... the kernel counts 1 attached and 1 detached queue" test "$(queues "$ns" mq0)" = "1 1"
snap; lines=$(wc -l <"$AUDIT")
b_runner "one queue detached" b3
b_direct "one queue detached"
a_intact "one queue detached" 1 1
check "one queue detached: the namespace is unchanged" same_devices
sleep 0.1
check "one queue detached: the audit log shows no grant to B" test "$(b_allowed_since "$lines")" -eq 0

# --- the legitimate path: once A's VMM is gone, B gets the TAP
vm_kill a
for _ in $(seq 30); do [ "$(queues "$ns" mq0)" = "0 0" ] && break; sleep 0.1; done
check "A's VMM exited: mq0 has no queue left" test "$(queues "$ns" mq0)" = "0 0"
vm $B b4 -- --tap mq0 --queues 2
vm_wait b4
check "B's redox-run-net now starts his VMM with 2 queues of mq0" test "$(vm_fds b4)" = "3=mq0/mq 4=mq0/mq"
check "... the kernel counts exactly those 2" test "$(queues "$ns" mq0)" = "2 0"
check "... and mq0 is B's" test "$(tap_owner "$ns" mq0)" = $B
vm_kill b4
for _ in $(seq 30); do [ "$(queues "$ns" mq0)" = "0 0" ] && break; sleep 0.1; done
check_status "B straight through the helper, with nobody on mq0: granted" 0 \
	NS "$TOOLS/helper_client" --user $B --verify -- "$HELPER" --fd=@ --tap mq0 --queues 2
check_output "... both fds are queues of mq0" "verified=2 "
check "... and the grant is audited" sh -c "sleep 0.1; tail -n 1 $AUDIT | grep -q 'uid=$B .*device=mq0 .*result=allow'"
for _ in $(seq 30); do [ "$(queues "$ns" mq0)" = "0 0" ] && break; sleep 0.1; done
check "at the end no queue is left on mq0" test "$(queues "$ns" mq0)" = "0 0"
done_testing
