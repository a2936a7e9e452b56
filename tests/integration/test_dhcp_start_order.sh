#!/usr/bin/env bash
# test_dhcp_start_order.sh - every Redox-style guest gets its lease on its one DISCOVER, in every
# start order, against the real responder in a throwaway namespace (issue 14 part 1).
#
# A "VM" is tests/tools/redox_dhcp_client in VM mode: it opens its TAP queue fd (creating the
# TAP, and on a bridge attaching it as an isolated port, which is what the helper does before it
# hands the fd to the VMM) and writes its one DISCOVER the instant it holds the fd, as a guest
# that boots at once would; then it behaves as Redox's netutils dhcpd: no retry, options
# 1/3/6 applied from the OFFER, a REQUEST with flags 0, the ACK not checked (but reported).
#   1. bridge mode: the first VM on a freshly created bridge (`up --bridge --dhcp`), ROUNDS times;
#   2. bridge mode: BURST VMs at once on a fresh bridge;
#   3. TAP mode: the VM started right after `up --dhcp` returns, ROUNDS times;
#   4. a restarted responder, under socket activation.  PID 1 is not systemd here, so neither
#      redox-net-dhcp.service nor systemctl can run: `systemd-socket-activate --datagram -l
#      0.0.0.0:67` binds port 67 and execs a holder that stands in for systemd's service
#      manager: it keeps the socket (fd 3) and starts `redox-netsetup dhcp` again, with
#      LISTEN_PID/LISTEN_FDS, each time it exits, as Restart= and `systemctl restart` do.
#      DISCOVERs sent while no responder runs wait in the socket's queue: none is lost, while
#      VMs boot through several restarts either.  A VM that held its lease across the restart
#      (a restored snapshot: Redox never asks again) keeps its address: another MAC does not get
#      it, the same MAC gets it back.  The responder refuses a wrong socket with a clear error.
#   5. negative controls, proving the counting detects loss: the same restart WITHOUT socket
#      activation loses every DISCOVER sent while the responder was down; and the DISCOVER that
#      wakes systemd-socket-activate is lost, because it was queued before anything set
#      IP_PKTINFO on the socket (systemd-socket-activate cannot set it; the unit's
#      PassPacketInfo=yes does, which is why the unit has it).
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
command -v systemd-socket-activate >/dev/null ||
	{ skip "needs systemd-socket-activate (apt-get install systemd)"; done_testing; }

ROUNDS=${ROUNDS:-100}
BURST=${BURST:-50}
started=$(date +%s)
netsetup_env order
# vm MAC TAP [BRIDGE] [WAIT_MS]: one VM's one try; its output is in $run/vm.TAP.
vm() {
	NS "$TOOLS/redox_dhcp_client" --wait "${4:-5000}" --mac "$1" ${3:+--bridge "$3"} --tap "$2" \
		>"$run/vm.$2" 2>&1
}
mac() { printf '52:54:00:%02x:%02x:%02x' "$1" $(($2 / 256)) $(($2 % 256)); }
acked() { grep -q '^ack ' "$run/vm.$1"; }
addr_of() { awk '/^ack / {print $2}' "$run/vm.$1"; }
# show TAP: the VM's and the responder's story, when a check about it failed.
show() { sed 's/^/#   /' "$run/vm.$1"; [ -f "$2" ] && tail -n 20 "$2" | sed 's/^/#   log: /'; }

# 1. The first VM on a fresh bridge, ROUNDS times: up creates the bridge and starts the
#    responder, the VM's TAP is the bridge's first port, the VM sends at once.
lost=0 unacked=0 failed_up=0
for i in $(seq "$ROUNDS"); do
	if ! netsetup up --bridge redoxbr0 --dhcp --lease-dir "$run/leases-br" >"$run/up.out" 2>&1; then
		failed_up=$((failed_up + 1)); sed 's/^/#   /' "$run/up.out"; continue
	fi
	vm "$(mac 1 1)" vm0 redoxbr0 || { lost=$((lost + 1)); show vm0 "$run/dhcp.log"; }
	acked vm0 || unacked=$((unacked + 1))
	netsetup down >/dev/null 2>&1
done
check "bridge: up --bridge --dhcp worked $ROUNDS times" test "$failed_up" -eq 0
check "bridge: the first VM on a fresh bridge got its OFFER on its one DISCOVER, every time ($lost of $ROUNDS lost)" test "$lost" -eq 0
check "bridge: ... and the ACK for its flags-0 REQUEST, every time ($unacked missing)" test "$unacked" -eq 0

# 2. BURST VMs at once on a fresh bridge.
check "bridge: up --bridge --dhcp for the burst" netsetup up --bridge redoxbr0 --dhcp --lease-dir "$run/leases-burst"
pids=()
for i in $(seq "$BURST"); do vm "$(mac 2 "$i")" "vb$i" redoxbr0 10000 & pids+=($!); done
lost=0
for p in "${pids[@]}"; do wait "$p" || lost=$((lost + 1)); done
addrs=$(for i in $(seq "$BURST"); do addr_of "vb$i"; done | sort -u | grep -c .)
check "bridge: $BURST VMs started at once all got their OFFER ($lost lost)" test "$lost" -eq 0
check "bridge: ... and $BURST distinct ACKed addresses ($addrs)" test "$addrs" -eq "$BURST"
netsetup down >/dev/null 2>&1

# 3. TAP mode: the VM attaches to tap0 right after up --dhcp returns, ROUNDS times.
lost=0 unacked=0 failed_up=0
for i in $(seq "$ROUNDS"); do
	if ! netsetup up --owner 0 --dhcp --lease-dir "$run/leases-tap" >"$run/up.out" 2>&1; then
		failed_up=$((failed_up + 1)); sed 's/^/#   /' "$run/up.out"; continue
	fi
	vm "$(mac 3 1)" tap0 || { lost=$((lost + 1)); show tap0 "$run/dhcp.log"; }
	acked tap0 || unacked=$((unacked + 1))
	netsetup down >/dev/null 2>&1
done
check "TAP: up --dhcp worked $ROUNDS times" test "$failed_up" -eq 0
check "TAP: the VM started right after up --dhcp got its OFFER, every time ($lost of $ROUNDS lost)" test "$lost" -eq 0
check "TAP: ... and its ACK, every time ($unacked missing)" test "$unacked" -eq 0

# 4. A restarted responder under socket activation, on a bridge made by up (no --dhcp).
check "up --bridge redoxbr0 (the responder runs apart, as redox-net-dhcp.service)" netsetup up --bridge redoxbr0
act=$run/act
mkdir -p "$act"
resp_log=$act/dhcp.log
responder=("$BIN/redox-netsetup" dhcp --bridge redoxbr0 --lease-dir "$run/leases-act")
# The holder: systemd's part.  fd 3 is the socket; each responder gets LISTEN_PID = its own pid.
# While $act/hold exists it waits before starting the responder again (a slow restart).
cat >"$act/holder.sh" <<'HOLDER'
act=$1; shift
while [ ! -e "$act/stop" ]; do
	sh -c 'export LISTEN_PID=$$ LISTEN_FDS=1; unset LISTEN_FDNAMES; exec "$@"' sh "$@" >>"$act/dhcp.log" 2>&1 &
	echo $! >"$act/pid.tmp" && mv "$act/pid.tmp" "$act/pid"
	wait $!
	echo "holder: responder $(cat "$act/pid") exited" >>"$act/dhcp.log"
	while [ -e "$act/hold" ] && [ ! -e "$act/stop" ]; do sleep 0.02; done
done
HOLDER
ip netns exec "$ns" systemd-socket-activate --datagram -l 0.0.0.0:67 bash "$act/holder.sh" "$act" "${responder[@]}" \
	>"$act/activate.log" 2>&1 &
holder=$!
at_exit "touch $act/stop; kill \$(cat $act/pid) $holder"
# wait_for FILE REGEX: up to 5 s.
wait_for() { for _ in $(seq 100); do grep -qE -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# serving N: the Nth responder says it is serving.
serving() { for _ in $(seq 100); do [ "$(grep -c 'serving DHCP' "$resp_log" 2>/dev/null)" -ge "$1" ] && return 0; sleep 0.05; done; return 1; }
# stop_responder: SIGTERM the responder (what systemctl restart sends) and wait until it is gone.
stop_responder() {
	local pid; pid=$(cat "$act/pid")
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.05; done
	return 1
}

check "systemd-socket-activate holds 0.0.0.0:67" wait_for "$act/activate.log" 'Listening on 0\.0\.0\.0:67'

# 5b (negative control): the DISCOVER that wakes systemd-socket-activate came before any
# IP_PKTINFO on the socket, so it cannot be placed and is dropped.  The check counts it as lost.
check_status "negative control: the DISCOVER that wakes systemd-socket-activate (no PassPacketInfo) gets no OFFER" \
	1 vm "$(mac 4 99)" va99 redoxbr0 1500
check "... the responder started on it and took the passed socket" \
	sh -c "grep -q 'using UDP port 67 from the service manager' '$resp_log' && grep -q 'serving DHCP' '$resp_log'"
check "... and warned that the socket had no IP_PKTINFO, naming PassPacketInfo=yes" grep -q 'PassPacketInfo=yes' "$resp_log"

check "a VM leases before the restart" vm "$(mac 4 1)" va1 redoxbr0
held=$(addr_of va1)
check "... and is ACKed ($held)" test -n "$held"

# Deterministic: stop the responder, hold the restart, boot 5 VMs meanwhile, then let it start.
touch "$act/hold"
check "the responder stops on SIGTERM; the holder keeps port 67" stop_responder
check "port 67 is still bound while no responder runs" sh -c "ip netns exec $ns ss -Hulnp 'sport = :67' | grep -q ."
pids=()
for i in $(seq 2 6); do vm "$(mac 4 "$i")" "va$i" redoxbr0 10000 & pids+=($!); done
sleep 0.5
queued=$(ip netns exec "$ns" ss -Huln 'sport = :67' | awk '{print $2}' | head -1)
check "their DISCOVERs wait in the socket's queue (Recv-Q $queued bytes)" test "${queued:-0}" -gt 0
rm -f "$act/hold"
check "the responder starts again" serving 2
lost=0
for p in "${pids[@]}"; do wait "$p" || lost=$((lost + 1)); done
check "5 VMs that sent their one DISCOVER while the responder was down all got their OFFER ($lost lost)" test "$lost" -eq 0
check "... and their ACK" sh -c "for i in 2 3 4 5 6; do grep -q '^ack ' '$run/vm.va'\$i || exit 1; done"

# Restarts while VMs boot: 30 VMs, one every 30 ms, through 3 restarts.
pids=()
( for _ in 1 2 3; do
	sleep 0.25; n=$(grep -c 'serving DHCP' "$resp_log"); stop_responder; serving $((n + 1))
done ) & restarter=$!
for i in $(seq 10 39); do vm "$(mac 4 "$i")" "va$i" redoxbr0 10000 & pids+=($!); sleep 0.03; done
wait "$restarter"
lost=0
for p in "${pids[@]}"; do wait "$p" || lost=$((lost + 1)); done
check "the responder was restarted 3 times while 30 VMs booted ($(grep -c 'serving DHCP' "$resp_log") starts in all)" serving 5
check "no DISCOVER was lost: 30 of 30 VMs got their OFFER ($lost lost)" test "$lost" -eq 0
unacked=0
for i in $(seq 10 39); do acked "va$i" || unacked=$((unacked + 1)); done
check "... and their ACK ($unacked missing)" test "$unacked" -eq 0

# The VM that held its lease across the restarts (a restored snapshot never asks again).
vm "$(mac 4 200)" va200 redoxbr0
other=$(addr_of va200)
check "a new MAC after the restarts gets an address ($other), not the held $held" \
	sh -c "test -n '$other' && test '$other' != '$held'"
vm "$(mac 4 1)" va1b redoxbr0
check "the MAC that held $held gets it back" test "$(addr_of va1b)" = "$held"
check "the responder logged no error" sh -c "! grep -q 'error:' '$resp_log'"
[ "$_failed" -eq 0 ] || sed 's/^/#   log: /' "$resp_log" | tail -n 40

# The responder refuses a socket it cannot serve from, and says which one to pass.
touch "$act/stop"; stop_responder; wait "$holder" 2>/dev/null
wrong() { NS sh -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@" 3</dev/null' sh "${responder[@]}"; }
check_status "passed a file instead of a socket, the responder exits 1" 1 wrong
check_output "... saying it is not a socket" "fd 3\): it is not a socket"
check_output "... and what to pass instead" "ListenDatagram=0\.0\.0\.0:67"
ip netns exec "$ns" systemd-socket-activate --datagram -l 67 "${responder[@]}" >"$act/v6.log" 2>&1 &
v6=$!
at_exit "kill $v6"
wait_for "$act/v6.log" 'Listening on'
vm "$(mac 4 98)" va98 redoxbr0 500
check "passed [::]:67 (a bare 67), it refuses: not a UDP socket over IPv4" wait_for "$act/v6.log" 'not a UDP socket over IPv4'
kill "$v6" 2>/dev/null; wait "$v6" 2>/dev/null

# 5a. Negative control: the same restart without socket activation.  The responder binds its
# own socket; while it is down, nothing holds port 67, and the DISCOVERs are gone.
plain_log=$run/plain.log
ip netns exec "$ns" "${responder[@]}" >"$plain_log" 2>&1 &
plain=$!
at_exit "kill $plain"
wait_for "$plain_log" 'serving DHCP'
check "without socket activation, a VM leases while the responder runs" vm "$(mac 5 1)" vn1 redoxbr0
kill -TERM "$plain"; wait "$plain" 2>/dev/null
pids=()
for i in $(seq 2 6); do vm "$(mac 5 "$i")" "vn$i" redoxbr0 2000 & pids+=($!); done
sleep 0.5
ip netns exec "$ns" "${responder[@]}" >>"$plain_log" 2>&1 &
plain=$!
at_exit "kill $plain"
lost=0
for p in "${pids[@]}"; do wait "$p" || lost=$((lost + 1)); done
check "negative control: restarted without socket activation, 5 of 5 DISCOVERs sent meanwhile are lost, and the count sees it ($lost lost)" \
	test "$lost" -eq 5
kill "$plain" 2>/dev/null; wait "$plain" 2>/dev/null

netsetup down >/dev/null 2>&1
echo "# test_dhcp_start_order: $(($(date +%s) - started)) s (ROUNDS=$ROUNDS BURST=$BURST)"
done_testing
