#!/usr/bin/env bash
# test_helper_quota_storm.sh - SECURITY.md attack 11 at scale: 200 VMs started at once with
# `redox-run-net --bridge` by one user whose quota is 50 VMs, through the real setuid helper.
# Exactly 50 stand-in VMMs get a TAP and hold it, the other 150 runners exit 3 with the quota
# message, the kernel shows exactly 50 TAPs of that uid on the bridge (and no other), and
# none once the VMMs are killed.  Nothing is timed: the requests queue on the helper's quota
# lock, and the test waits until every one of the 200 has ended one way or the other.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

VMS=200 QUOTA=50
netsetup_env hstorm
group=$((0x72786e))
check "up --bridge redoxbr0" netsetup up --bridge redoxbr0
set_policy "allow uid 65534 bridge redoxbr0
quota uid 65534 devices $QUOTA"
# on_bridge: the TAPs on redoxbr0 as "NAME OWNER", one a line.
on_bridge() {
	local dev
	for dev in $(NS ip -o link show master redoxbr0 type tun | awk -F': ' '{print $2}' | cut -d@ -f1); do
		echo "$dev $(NS cat "/sys/class/net/$dev/owner")"
	done
}
# ours_anywhere: how many TAPs in redox-net's group the kernel says uid 65534 owns.
ours_anywhere() {
	local dev n=0
	for dev in $(NS ip -o link show group $group type tun | awk -F': ' '{print $2}' | cut -d@ -f1); do
		[ "$(NS cat "/sys/class/net/$dev/owner")" = 65534 ] && n=$((n + 1))
	done
	echo "$n"
}

out=$(mktemp -d); at_exit "rm -rf $out"
for i in $(seq "$VMS"); do
	(
		NS "${AS_NOBODY[@]}" env REDOX_NET_HELPER="$HELPER" CH_BIN="$TOOLS/vmm_fds" VMM_FDS_HOLD=1 \
			"$BIN/redox-run-net" --bridge redoxbr0 --disk /nonexistent.img >"$out/$i.out" 2>"$out/$i.err"
		echo $? >"$out/$i.rc"
	) &
done
# A runner either exits (quota) or becomes a VMM that prints its fds and waits to be killed.
ended() { echo $(($(find "$out" -name '*.rc' | wc -l) + $(cat "$out"/*.out | grep -c '^fds '))); }
for _ in $(seq 1200); do [ "$(ended)" -ge "$VMS" ] && break; sleep 0.5; done

vmms=$(cat "$out"/*.out | grep '^fds ')
check "all $VMS runners ended: a VMM running or the runner gone ($(ended))" test "$(ended)" -eq "$VMS"
check "exactly $QUOTA stand-in VMMs run ($(grep -c . <<<"$vmms"))" test "$(grep -c . <<<"$vmms")" -eq "$QUOTA"
check "each holds exactly one fd, fd 3, a queue of its own TAP" \
	test "$(grep -cE '^fds 3=rn1ekes[0-9]+/sq pid=[0-9]+$' <<<"$vmms")" -eq "$QUOTA"
check "... $QUOTA distinct TAPs" test "$(cut -d' ' -f2 <<<"$vmms" | sort -u | wc -l)" -eq "$QUOTA"
refused=$(find "$out" -name '*.rc' | wc -l)
check "exactly $((VMS - QUOTA)) runners exited ($refused)" test "$refused" -eq $((VMS - QUOTA))
check "... all with status 3, a policy refusal" test "$(cat "$out"/*.rc | grep -cx 3)" -eq $((VMS - QUOTA))
check "... each saying the VM quota is reached" \
	test "$(grep -l 'the helper refused: VM quota reached' "$out"/*.err | wc -l)" -eq $((VMS - QUOTA))
check "the kernel shows exactly $QUOTA TAPs on redoxbr0" test "$(on_bridge | grep -c .)" -eq "$QUOTA"
check "... all owned by uid 65534" test "$(on_bridge | grep -c ' 65534$')" -eq "$QUOTA"
check "... and uid 65534 owns no other TAP of ours" test "$(ours_anywhere)" -eq "$QUOTA"
check "... they are the TAPs the VMMs hold" \
	test "$(on_bridge | cut -d' ' -f1 | sort)" = "$(cut -d' ' -f2 <<<"$vmms" | sed -E 's/^3=//; s|/sq$||' | sort)"
for _ in $(seq 50); do [ "$(grep -c 'result=' "$AUDIT")" -ge "$VMS" ] && break; sleep 0.1; done
check "the audit log has $QUOTA allows and $((VMS - QUOTA)) quota denials" \
	test "$(grep -c 'result=allow' "$AUDIT") $(grep -c 'result=deny.*quota' "$AUDIT")" = "$QUOTA $((VMS - QUOTA))"

# The VMMs were started here, so they are ended here, each by its own pid.
pids=$(sed -E 's/.* pid=([0-9]+)$/\1/' <<<"$vmms")
# shellcheck disable=SC2086
kill $pids
wait
check "once the VMMs are killed, no TAP is left on redoxbr0" test -z "$(on_bridge)"
check "... and uid 65534 owns none" test "$(ours_anywhere)" -eq 0
check "a VM can start again afterwards" \
	NS "$TOOLS/helper_client" --user 65534 --verify -- "$HELPER" --fd=@ --bridge redoxbr0
done_testing
