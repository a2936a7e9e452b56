#!/usr/bin/env bash
# test_netsetup_caps.sh - redox-netsetup, run as root, keeps CAP_NET_ADMIN alone (the
# DHCP responder: nothing at all once it has bound port 67), with an empty bounding set.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
command -v strace >/dev/null || { skip "needs strace (apt-get install strace)"; done_testing; }

netsetup_env caps
# down also keeps CAP_KILL: it stops the DHCP responder, which runs as its own user.
for spec in "up --owner 65534|1<<CAP_NET_ADMIN" "status|1<<CAP_NET_ADMIN" \
	    "doctor|1<<CAP_NET_ADMIN" "down|1<<CAP_KILL|1<<CAP_NET_ADMIN"; do
	cmd=${spec%%|*} want=${spec#*|}
	trace=$(NS strace -f -e trace=capset,prctl "$BIN/redox-netsetup" $cmd --run-dir "$run" 2>&1 >/dev/null)
	last=$(grep 'capset(' <<<"$trace" | tail -1)
	grep -qF "effective=$want, permitted=$want, inheritable=0}) = 0" <<<"$last"
	ok $? "redox-netsetup ${cmd%% *}: the last capset keeps only $want"
	grep -qE 'PR_CAPBSET_DROP, CAP_SYS_ADMIN\) += 0' <<<"$trace"
	ok $? "redox-netsetup ${cmd%% *}: CAP_SYS_ADMIN is dropped from the bounding set"
done

# The responder: read its live capability sets once it is serving.
NS "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run" >/dev/null 2>&1
NS "$BIN/redox-netsetup" dhcp --lease-dir "$run/leases" >"$run/dhcp.log" 2>&1 &
for _ in $(seq 50); do pid=$(NS ip netns pids "$ns" 2>/dev/null | head -1); [ -n "$pid" ] && grep -q '^CapEff:\s*0\+$' /proc/"$pid"/status 2>/dev/null && break; sleep 0.1; done
check "the DHCP responder runs with no effective capability" grep -qE '^CapEff:\s*0+$' /proc/"$pid"/status
check "no permitted capability" grep -qE '^CapPrm:\s*0+$' /proc/"$pid"/status
check "an empty bounding set" grep -qE '^CapBnd:\s*0+$' /proc/"$pid"/status
check "and not as root" sh -c "awk '/^Uid:/ {exit \$2 == 0}' /proc/$pid/status"
kill "$pid" 2>/dev/null; wait 2>/dev/null
NS "$BIN/redox-netsetup" down --run-dir "$run" >/dev/null 2>&1
done_testing
