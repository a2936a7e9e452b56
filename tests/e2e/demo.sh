#!/usr/bin/env bash
# demo.sh - `make demo`: the whole flow in throwaway namespaces, step by step.
# A host namespace runs redox-netsetup; a stand-in VMM carries the guest's frames
# over tap0; an "internet" namespace sits behind the host's uplink.
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "make demo needs root and /dev/net/tun"; exit 1
fi
run=$(mktemp -d); at_exit "rm -rf $run"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# show CMD...: print CMD and its output; a failing step makes the demo fail at the end,
# so `make demo` (README command 1) never reports success for a flow that did not work.
failed=()
show() {
	printf '$ %s\n' "$*"
	"$@" > >(sed 's/^/  /') 2>&1 || failed+=("$*")
	wait $! 2>/dev/null
}
# show_finding CMD...: a step that must exit non-zero, as doctor does when it finds the drop.
show_finding() {
	printf '$ %s\n' "$*"
	! "$@" > >(sed 's/^/  /') 2>&1 || failed+=("$* (found nothing)")
	wait $! 2>/dev/null
}

topology_new
say "Namespaces: $host (the host), $guest (the VM), $inet (the internet, 198.51.100.2)"
say "1. redox-netsetup up --uplink up0: TAP, 172.16.0.1/24, forwarding, NAT"
show H "$BIN/redox-netsetup" up --owner 0 --uplink up0 --run-dir "$run"
say "2. What is there now"
show H "$BIN/redox-netsetup" status --run-dir "$run"
show H nft list table ip redox_net
say "3. A stand-in VMM opens tap0 as Cloud Hypervisor would; the guest is 172.16.0.2"
if guest_attach tap0 "$run"; then echo "  guest NIC eth0 is up, MAC 52:54:00:12:34:56"
else failed+=("the stand-in VMM on tap0"); fi
say "4. The guest pings its gateway and the internet"
show G ping -c 2 -W 2 172.16.0.1
show G ping -c 2 -W 2 198.51.100.2
say "5. The internet host sees the uplink's address: masquerade"
I timeout 10 "$TOOLS/udp_whoami" 9999 1 >"$run/who" 2>&1 &
for _ in $(seq 30); do grep -q ready "$run/who" && break; sleep 0.1; done
saw=$(G "$TOOLS/udp_whoami" 198.51.100.2 9999)
echo "  the internet host saw: $saw"
[ -n "$saw" ] || failed+=("masquerade: the internet host saw nothing")
say "6. doctor, after someone adds a Docker-style FORWARD DROP"
H nft add table ip filter
H nft add chain ip filter FORWARD '{ type filter hook forward priority 0; policy drop; }'
H nft add chain ip filter DOCKER-USER
show_finding H "$BIN/redox-netsetup" doctor --run-dir "$run"
H nft delete table ip filter
say "7. redox-netsetup down: everything goes, forwarding is restored"
kill "$relay" 2>/dev/null; wait "$relay" 2>/dev/null
show H "$BIN/redox-netsetup" down --run-dir "$run"
show H "$BIN/redox-netsetup" status --run-dir "$run"
show H nft list ruleset
echo
if [ ${#failed[@]} -gt 0 ]; then
	printf 'make demo: %d step(s) failed:\n' "${#failed[@]}"
	printf '  %s\n' "${failed[@]}"
	exit 1
fi
echo "make demo: every step worked"
