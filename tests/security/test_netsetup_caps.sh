#!/usr/bin/env bash
# test_netsetup_caps.sh - redox-netsetup, run as root, keeps CAP_NET_ADMIN alone (the
# DHCP responder: what it needs to bind port 67 and open its sockets, then nothing at all),
# with an empty bounding set.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
command -v strace >/dev/null || { skip "needs strace (apt-get install strace)"; done_testing; }

netsetup_env caps
# down also keeps CAP_KILL: it stops the DHCP responder, which runs as its own user; status
# keeps CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE to read the leases and the VMMs' fd tables.
for spec in "up --owner 65534|1<<CAP_NET_ADMIN" "status|1<<CAP_DAC_READ_SEARCH|1<<CAP_NET_ADMIN|1<<CAP_SYS_PTRACE" \
	    "doctor|1<<CAP_NET_ADMIN" "down|1<<CAP_KILL|1<<CAP_NET_ADMIN"; do
	cmd=${spec%%|*} want=${spec#*|}
	trace=$(NS strace -f -e trace=capset,prctl "$BIN/redox-netsetup" $cmd --run-dir "$run" 2>&1 >/dev/null)
	last=$(grep 'capset(' <<<"$trace" | tail -1)
	grep -qF "effective=$want, permitted=$want, inheritable=0}) = 0" <<<"$last"
	ok $? "redox-netsetup ${cmd%% *}: the last capset keeps only $want"
	grep -qE 'PR_CAPBSET_DROP, CAP_SYS_ADMIN\) += 0' <<<"$trace"
	ok $? "redox-netsetup ${cmd%% *}: CAP_SYS_ADMIN is dropped from the bounding set"
done

# What main() keeps for the DHCP responder until it drops everything: CAP_NET_RAW opens its packet
# socket (replies in a frame to the client's MAC).  A process without it keeps the rest and still
# serves; CAP_NET_RAW is left out then, not asked for (which would fail).
dhcp_caps="1<<CAP_CHOWN|1<<CAP_DAC_OVERRIDE|1<<CAP_FOWNER|1<<CAP_SETGID|1<<CAP_SETUID|1<<CAP_SETPCAP|1<<CAP_NET_BIND_SERVICE"
up_caps="1<<CAP_CHOWN|1<<CAP_DAC_OVERRIDE|1<<CAP_FOWNER|1<<CAP_KILL|1<<CAP_SETGID|1<<CAP_SETUID|1<<CAP_SETPCAP|1<<CAP_NET_BIND_SERVICE|1<<CAP_NET_ADMIN|1<<CAP_NET_RAW"
# trace_caps [PREFIX...] -- ARG...: the capsets and messages of redox-netsetup ARG... (at most 3 s),
# run through PREFIX.
trace_caps() {
	local pre=()
	while [ "$1" != -- ]; do pre+=("$1"); shift; done; shift
	NS "${pre[@]}" timeout 3 strace -e trace=capset "$BIN/redox-netsetup" "$@" 2>&1 >/dev/null
}
# main_keeps CAPS TRACE: the first capset of TRACE, main()'s, keeps exactly CAPS.
main_keeps() { grep -m1 'capset(' <<<"$2" | grep -qF "effective=$1, permitted=$1, inheritable=0}) = 0"; }
NS "$BIN/redox-netsetup" up --owner 65534 --run-dir "$run" >/dev/null 2>&1
trace=$(trace_caps env -- dhcp --lease-dir "$run/leases")
main_keeps "$dhcp_caps|1<<CAP_NET_RAW" "$trace"
ok $? "redox-netsetup dhcp: main() keeps only the responder's capabilities, CAP_NET_RAW among them"
grep -q "serving DHCP" <<<"$trace" && ! grep -q "no CAP_NET_RAW" <<<"$trace"
ok $? "and the responder serves, with its packet socket"
trace=$(trace_caps setpriv --bounding-set=-net_raw -- dhcp --lease-dir "$run/leases")
main_keeps "$dhcp_caps" "$trace"
ok $? "redox-netsetup dhcp without CAP_NET_RAW: main() keeps the others"
grep -q "serving DHCP" <<<"$trace" && [ "$(grep -c 'no CAP_NET_RAW' <<<"$trace")" = 1 ]
ok $? "and the responder serves, saying once that it has no CAP_NET_RAW"

# The responder: read its live capability sets once it is serving.
NS "$BIN/redox-netsetup" dhcp --lease-dir "$run/leases" >"$run/dhcp.log" 2>&1 &
for _ in $(seq 50); do pid=$(NS ip netns pids "$ns" 2>/dev/null | head -1); [ -n "$pid" ] && grep -q '^CapEff:\s*0\+$' /proc/"$pid"/status 2>/dev/null && break; sleep 0.1; done
check "the DHCP responder runs with no effective capability" grep -qE '^CapEff:\s*0+$' /proc/"$pid"/status
check "no permitted capability" grep -qE '^CapPrm:\s*0+$' /proc/"$pid"/status
check "an empty bounding set" grep -qE '^CapBnd:\s*0+$' /proc/"$pid"/status
check "and not as root" sh -c "awk '/^Uid:/ {exit \$2 == 0}' /proc/$pid/status"
kill "$pid" 2>/dev/null; wait 2>/dev/null
NS "$BIN/redox-netsetup" down --run-dir "$run" >/dev/null 2>&1
main_keeps "$up_caps" "$(trace_caps env -- up --owner 65534 --dhcp --lease-dir "$run/leases" --run-dir "$run")"
ok $? "redox-netsetup up --dhcp: main() keeps CAP_NET_ADMIN, CAP_KILL and the responder's"
NS "$BIN/redox-netsetup" down --run-dir "$run" >/dev/null 2>&1
done_testing
