#!/usr/bin/env bash
# test_helper_quota_move.sh - issue 12 item 3: a TAP-mode quota cannot be moved onto someone
# else.  Users A (65534) and B (65533) each have a quota of 1 on the pool TAPs t1, t2, t3.
# A claims t1 through redox-run-net; his VMM (tests/tools/tap_ioctl_vmm) TUNSETOWNERs it to
# B's uid and keeps it.  A then asks for t2: refused, his quota is 1 however the kernel's
# owner reads.  B asks for t3: granted, A's re-owned TAP does not fill B's quota.  Once A's
# VMM has exited, A may have t1 back (it was his).  Each decision is in the audit log, and
# the namespace changes exactly as each decision says.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

ns=$(netns_new qmove)
NS() { nsrun "$ns" "$@"; }
. "$(dirname "$0")/vmlib.sh"
A=65534 B=65533
for t in t1 t2 t3; do mk_tap "$ns" "$t"; done
set_policy "allow uid $A tap t*
allow uid $B tap t*
quota uid $A devices 1
quota uid $B devices 1"
# ask UID TAP: one request straight through the helper, fds closed at once (a claim stays).
ask() { NS "$TOOLS/helper_client" --user "$1" --verify -- "$HELPER" --fd=@ --tap "$2"; }
# last_audit REGEX: the newest audit line matches.
last_audit() { sleep 0.1; tail -n 1 "$AUDIT" | grep -qE -- "$1"; }
owners() { echo "t1=$(tap_owner "$ns" t1) t2=$(tap_owner "$ns" t2) t3=$(tap_owner "$ns" t3)"; }

vm $A a -- --tap t1
vm_wait a
check "A's VMM runs on t1" test "$(vm_fds a)" = "3=t1/sq"
check "... t1 is A's, t2 and t3 are free ($(owners))" test "$(owners)" = "t1=$A t2=0 t3=0"
check "A's VMM: TUNSETOWNER $B on its own fd works, keeping the queue" vm_do a "owner $B"
check "... the kernel now says t1 is B's ($(owners))" test "$(owners)" = "t1=$B t2=0 t3=0"

# --- A, at his quota of 1 whatever t1's owner reads, asks for t2
snap
check_status "A asks for t2 while he holds t1: refused by the quota (3)" 3 ask $A t2
check_output "... saying the quota is reached" 'error="[^"]*quota'
check "... audited as a quota denial for A on t2" last_audit "uid=$A .*device=t2 .*result=deny .*quota"
check "... nothing changed: t2 is still free, every device as before ($(owners))" same_devices

# --- B, who holds nothing of his own, asks for t3
check_status "B asks for t3: granted, A's re-owned t1 does not count against him" 0 ask $B t3
check_output "... and the fd is a queue of t3" "verified=1 "
check "... audited as an allow for B on t3" last_audit "uid=$B .*device=t3 .*result=allow"
check "... t3 is now B's, t1 and t2 as before ($(owners))" test "$(owners)" = "t1=$B t2=0 t3=$B"
check "... A's VMM still holds t1" kill -0 "$(vm_pid a)"

# --- B is now at his own quota: the honest count still holds for him
check_status "B asks for t2 as well: refused by his quota of 1 (3)" 3 ask $B t2
check_output "... saying the quota is reached" 'error="[^"]*quota'

# --- the legitimate path: A's VMM exits, and t1, his, may be his again
vm_kill a
for _ in $(seq 30); do [ "$(NS cat /sys/class/net/t1/carrier 2>/dev/null)" = 0 ] && break; sleep 0.1; done
check_status "after A's VMM exited, A may have t1 back" 0 ask $A t1
check_output "... and the fd is a queue of t1" "verified=1 "
check "... audited as an allow for A on t1" last_audit "uid=$A .*device=t1 .*result=allow"
check "... t1 is A's again, t3 B's, t2 free ($(owners))" test "$(owners)" = "t1=$A t2=0 t3=$B"
check_status "A, at his quota with t1, still cannot have t2 (3)" 3 ask $A t2
check "the audit log shows every decision of this test, allows and denials alike" \
	test "$(grep -cE "uid=($A|$B) .*device=t[123] .*result=(allow|deny)" "$AUDIT")" -ge 6
done_testing
