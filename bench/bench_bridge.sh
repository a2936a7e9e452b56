#!/usr/bin/env bash
# bench_bridge.sh - bridge mode at scale, in a throwaway network namespace:
#  1. bring-up: 10, 100 and 1,000 VMs, one after another, each through redox-run-net as
#     an unprivileged user and the real setuid helper (a fresh TAP on the bridge), then a
#     whole Redox-style DHCP exchange on fd 3 with the bundled responder.  Every VM stays
#     up (tests/tools/ch_vmm, CH_VMM_DHCP=hold), so at 1,000 there are 1,000 TAPs on the
#     bridge.  The time per VM at each size, and the nftables rules the kernel holds;
#  2. teardown: `redox-netsetup down --all` of the bridge with 1,000 persistent TAPs left
#     on it (one grouped delete), against the same with one TAP, and against deleting
#     the 1,000 one by one;
#  3. hand-off: one VM's fresh TAP on the bridge through redox-run-net and the helper,
#     against qemu-bridge-helper doing the same work (create a TAP, put it on a bridge,
#     pass its fd), in one hyperfine run.
#
#   SIZES="10 100 1000"  fleet sizes; each at most 255 x USERS
#   SAMPLES=200          at least this many VMs per size: smaller sizes run several rounds
#   USERS=4              uids 65534, 65533, ... take turns (255 slots each, one kept free)
#   PROBE_RUNS=20        runs of the "+1 request" at each size
#   TEARDOWN_N=1000 TEARDOWN_RUNS=5 EACH_RUNS=3   part 2 (EACH_RUNS: the one-by-one side)
#   RUNS=50              part 3
#   PARTS="1 2 3"        which parts to run
set -eu
. "$(dirname "$0")/lib.sh"
SIZES=${SIZES:-10 100 1000}
SAMPLES=${SAMPLES:-200}
USERS=${USERS:-4}
PROBE_RUNS=${PROBE_RUNS:-20}
TEARDOWN_N=${TEARDOWN_N:-1000}
TEARDOWN_RUNS=${TEARDOWN_RUNS:-5}
EACH_RUNS=${EACH_RUNS:-3}
RUNS=${RUNS:-50}
PARTS=${PARTS:-1 2 3}
bench_require hyperfine "apt-get install hyperfine"
bench_require jq "apt-get install jq"
bench_require nft "apt-get install nftables"
bench_require setpriv "apt-get install util-linux"

max=0
for n in $SIZES; do [ "$n" -gt "$max" ] && max=$n; done
per_user=$(((max + USERS - 1) / USERS))
[ "$per_user" -lt 256 ] || { echo "$BENCH: $max VMs need more than 255 slots per user: raise USERS" >&2; exit 1; }
uids=() policy=
for i in $(seq 0 $((USERS - 1))); do
	uids+=($((65534 - i)))
	# One slot more than the VMs need: the "+1 request" is made with all of them up.
	policy+="allow uid $((65534 - i)) bridge redoxbr0
quota uid $((65534 - i)) devices $((per_user + 1))
"
done
bench_setup
bench_install_helper "$policy"
: >"$work/disk.img"
# The journal and the leases go on tmpfs: /run is tmpfs in real use, and the fsyncs of a
# lease file on a busy shared disk would time the disk, not redox-net.
state=$(mktemp -d -p /dev/shm rxn-bench-state.XXXXXX)
bench_at_exit "rm -rf $state"
LINGER=$BUILD/bench/linger
as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
run_net="$BIN/redox-run-net --bridge redoxbr0 --cpus 1 --memory 64M --disk $work/disk.img"
down_cmd="$BIN/redox-netsetup down --all --run-dir $state/run"
verdict() { if [ "$1" = 1 ]; then echo met; else echo "NOT met"; fi; }

# up [OPTION]...: the bridge, on a /21 so that the DHCP pool holds 2,045 leases.
up() {
	NS "$BIN/redox-netsetup" up --bridge redoxbr0 --address 172.16.0.1/21 --run-dir "$state/run" "$@" \
		>"$state/up.log" 2>&1 || { cat "$state/up.log" >&2; return 1; }
}
# nft_rules: the rules of both of redox-net's tables, NAT (ip) and the VM port filter (bridge).
nft_rules() {
	echo $(($(NS nft -j list table ip redox_net | jq '[.nftables[] | select(.rule)] | length') +
		$(NS nft -j list table bridge redox_net | jq '[.nftables[] | select(.rule)] | length')))
}
taps_on_bridge() { NS ip -o link show master redoxbr0 type tun | wc -l; }
# field KEY LINE: the value of KEY=value in LINE.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }
# med KEY FILE: the median of KEY over the lines of FILE.
med() {
	sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$2" | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# probe: with the VMs up, one more request as uid 65534, which already has its share of
# them; VMM = linger, whose child keeps the fd 20 ms, and the TAP is gone before the next
# run.  Prints the median in ms.
probe() {
	NS env REDOX_NET_HELPER="$HELPER" CH_BIN="$LINGER" hyperfine -N --runs "$PROBE_RUNS" --warmup 3 \
		--style none --export-json "$state/probe.json" --prepare "sleep 0.1" -n probe "$as_user $run_net" \
		>"$state/probe.out" 2>&1 || { cat "$state/probe.out" >&2; return 1; }
	median "$state/probe.json" probe
}

# fleet N [probe]: one round of N VMs on a fresh bridge.  Prints vm_fleet's result line
# with "taps=T rules=R probe=MS" added, as the kernel shows them with the N VMs up.  Then
# down --all deletes the bridge and the TAPs, and the VMs are killed.
fleet() {
	local out
	up --dhcp --lease-dir "$state/leases.$BASHPID"
	# A bridge has no carrier until a port has, and the kernel turns its transmit queue on
	# only in its linkwatch work a moment after that: the OFFER to the first VM on an
	# empty bridge could be dropped (and Redox's client never asks again).  A veth port,
	# as an uplink or any other port would, gives it carrier before the VMs come.
	NS ip link set rxnport0 master redoxbr0 up
	for _ in $(seq 100); do NS ip -o link show redoxbr0 | grep -q 'state UP' && break; sleep 0.01; done
	out=$(NS env REDOX_NET_HELPER="$HELPER" CH_BIN="$TOOLS/ch_vmm" CH_VMM_DHCP=hold \
		"$BUILD/bench/vm_fleet" "$1" "$(IFS=,; echo "${uids[*]}")" "ch_vmm: lease " $run_net) ||
		{ echo "$BENCH: the DHCP responder's log ends:" >&2; tail -5 "$state/run/dhcp.log" >&2; return 1; }
	echo "$out taps=$(taps_on_bridge) rules=$(nft_rules) probe=$(if [ -n "${2:-}" ]; then probe; else echo -; fi)"
	NS $down_cmd >/dev/null 2>&1
	# The responder went with down --all: what is left in the namespace are the VMs.
	ip netns pids "$ns" | xargs -r kill -9
	while [ -n "$(ip netns pids "$ns")" ]; do sleep 0.05; done
}

part_bringup() {
	local n rounds log res per_vm base= base_n= rules_seen= r
	echo "1. bring-up, one VM after another: redox-run-net (uid ${uids[*]} in turn) -> setuid helper ->"
	echo "   new TAP on redoxbr0 -> VMM (tests/tools/ch_vmm) -> Redox-style DHCP on fd 3 -> lease; all stay up"
	echo "   guest network 172.16.0.1/21, bridge-nf-call-iptables=$(NS cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo -)"
	NS ip link add rxnport0 type veth peer name rxnport1
	NS ip link set rxnport1 up
	fleet 10 >/dev/null	# warm-up
	printf '  %5s %6s %9s %6s | %9s %8s | %-18s | %10s | %5s %5s\n' VMs rounds "per VM" "ratio" hand-off DHCP \
		"last 10%: hand-off/DHCP" "+1 request" TAPs rules
	for n in $SIZES; do
		rounds=$(((SAMPLES + n - 1) / n))
		log=$state/fleet.$n
		for r in $(seq "$rounds"); do
			res=$(fleet "$n" "$([ "$r" = "$rounds" ] && echo probe)")
			[ "$(field distinct "$res")" = "$n" ] ||
				{ echo "$BENCH: $n VMs got $(field distinct "$res") distinct leases" >&2; exit 1; }
			[ "$(field taps "$res")" = "$n" ] ||
				{ echo "$BENCH: $n VMs, but $(field taps "$res") TAPs on the bridge" >&2; exit 1; }
			echo "$res" >>"$log"
		done
		per_vm=$(sed -n 's/.* wall=\([^ ]*\).*/\1/p' "$log" | awk -v n="$n" '{ s += $1 } END { printf "%.3f", s / n / NR }')
		base=${base:-$per_vm} base_n=${base_n:-$n}
		rules_seen="${rules_seen:+$rules_seen }$(med rules "$log")"
		printf '  %5d %6d %6.2f ms %5sx | %6.2f ms %5.2f ms | %6.2f ms %5.2f ms | %7.2f ms | %5d %5d\n' \
			"$n" "$rounds" "$per_vm" "$(ratio "$per_vm" "$base")" "$(med handoff "$log")" "$(med lease "$log")" \
			"$(med handoff_last "$log")" "$(med lease_last "$log")" "$(field probe "$res")" \
			"$(field taps "$res")" "$(med rules "$log")"
	done
	echo "  per VM: wall time / VMs over all rounds; hand-off: fork to the VMM's first line; DHCP: from"
	echo "  there to the lease (medians); +1 request: one more hand-off as uid 65534 with the VMs up"
	printf '  per VM at %d / per VM at %d: %sx (target <= 1.2x): %s\n' "$n" "$base_n" "$(ratio "$per_vm" "$base")" \
		"$(verdict "$(awk -v a="$per_vm" -v b="$base" 'BEGIN { print (a <= 1.2 * b) }')")"
	printf '  nftables rules in tables ip and bridge redox_net at each size: %s (target: the same at every size): %s\n' \
		"$rules_seen" "$(verdict "$(tr ' ' '\n' <<<"$rules_seen" | sort -u | wc -l)")"
	printf '  within the %d-VM round: first tenth %.2f ms per VM (hand-off %.2f, DHCP %.2f), last tenth %.2f ms (%.2f, %.2f)\n' \
		"$n" "$(field first_tenth "$res")" "$(field handoff_first "$res")" "$(field lease_first "$res")" \
		"$(field last_tenth "$res")" "$(field handoff_last "$res")" "$(field lease_last "$res")"
}

# Part 2: the TAPs are made as `up` makes one (bench/taps.c), then put on the bridge and
# up, as a VM's TAP that its user made persistent would be.  Each prepare waits a second
# after making them: leftovers are old, and the kernel's deferred work from their
# creation (linkwatch, RCU callbacks) would otherwise run inside the timed teardown.  The one-by-one side deletes
# the same devices with one RTM_DELLINK each and leaves the nftables table to the next
# prepare, so it does a little less.  The grouped run goes last and leaves the namespace
# as down --all left it, to be checked.
part_teardown() {
	local n=$TEARDOWN_N one many each left
	local fresh="$down_cmd >/dev/null 2>&1; $BIN/redox-netsetup up --bridge redoxbr0 --address 172.16.0.1/21 --run-dir $state/run >/dev/null 2>&1"
	NS hyperfine -N --runs "$EACH_RUNS" --style none --export-json "$state/each.json" \
		--prepare "sh -c '$fresh; $BUILD/bench/taps create $n redoxbr0; sleep 1'" -n each "$BUILD/bench/taps delete-each" \
		>"$state/hyperfine.out" 2>&1 || { cat "$state/hyperfine.out" >&2; exit 1; }
	NS hyperfine -N --runs "$TEARDOWN_RUNS" --style none --export-json "$state/teardown.json" \
		--prepare "sh -c '$fresh; $BUILD/bench/taps create 1 redoxbr0; sleep 1'" -n one "$down_cmd" \
		--prepare "sh -c '$fresh; $BUILD/bench/taps create $n redoxbr0; sleep 1'" -n many "$down_cmd" \
		>"$state/hyperfine.out" 2>&1 || { cat "$state/hyperfine.out" >&2; exit 1; }
	left=$(NS ip -o link show group $((0x72786e)) | wc -l)
	if [ "$left" != 0 ] || NS nft list table ip redox_net >/dev/null 2>&1; then
		echo "$BENCH: down --all left $left devices, or the nftables table, behind" >&2
		exit 1
	fi
	one=$(median "$state/teardown.json" one) many=$(median "$state/teardown.json" many)
	each=$(median "$state/each.json" each)
	echo "2. teardown of redoxbr0 with persistent TAPs on it (medians of $TEARDOWN_RUNS, one by one: $EACH_RUNS)"
	printf '  %-50s %9.2f ms\n' "down --all, bridge + 1 TAP" "$one"
	printf '  %-50s %9.2f ms  %sx the 1-TAP teardown (target < 10x): %s\n' \
		"down --all, bridge + $n TAPs (one grouped delete)" "$many" "$(ratio "$many" "$one")" \
		"$(verdict "$(awk -v a="$many" -v b="$one" 'BEGIN { print (a < 10 * b) }')")"
	printf '  %-50s %9.2f ms  %sx the grouped delete\n' "one RTM_DELLINK per device, bridge + $n TAPs" \
		"$each" "$(ratio "$each" "$many")"
}

# Part 3: as uid 65534, on an empty bridge.  hyperfine itself runs as that user and starts
# each command directly, as the user's shell would: no setpriv or env in the timed part.
# VMM = linger: the timed process ends when the fd has arrived, and the TAP is removed
# outside the timed part (hyperfine --prepare waits), as a VM's TAP is removed when it
# stops, not when it starts.  The "with removal" pair uses true instead, so the kernel's
# removal of the TAP is timed too.
# user_hyperfine VMM NAME COMMAND...: one hyperfine run as uid 65534 with CH_BIN=VMM,
# its JSON in $out/NAME.json.
user_hyperfine() {
	local vmm=$1 name=$2
	shift 2
	bench_qbh_ns redoxbr0 $as_user env REDOX_NET_HELPER="$HELPER" CH_BIN="$vmm" \
		hyperfine -N --runs "$RUNS" --warmup 5 --style none --export-json "$out/$name.json" \
		--prepare "sleep 0.1" "$@" >"$state/hyperfine.out" 2>&1 ||
		{ cat "$state/hyperfine.out" >&2; exit 1; }
}

part_handoff() {
	local true out floor ours qbh ours_rm qbh_rm
	true=$(type -P true)
	out=$work/handoff
	install -d -o 65534 -g 65534 "$out"
	bench_install_qbh
	up
	user_hyperfine "$LINGER" linger -n floor "$LINGER" -n ours "$run_net" \
		-n qbh "$BUILD/bench/qbh_client $QBH_SETUID redoxbr0 $LINGER"
	user_hyperfine "$true" true -n ours_rm "$run_net" -n qbh_rm "$BUILD/bench/qbh_client $QBH_SETUID redoxbr0 $true"
	floor=$(median "$out/linger.json" floor) ours=$(median "$out/linger.json" ours)
	qbh=$(median "$out/linger.json" qbh)
	ours_rm=$(median "$out/true.json" ours_rm) qbh_rm=$(median "$out/true.json" qbh_rm)
	echo "3. hand-off of a fresh TAP on redoxbr0, medians of $RUNS; hyperfine runs as uid 65534 and"
	echo "   starts each command itself (VMM = bench/linger: exits at once, its child keeps the fd"
	echo "   20 ms; the TAP's removal is not timed)"
	printf '  %-50s %9.3f ms\n' "floor: fork+exec of linger" "$floor"
	printf '  %-50s %9.3f ms\n' "redox-run-net --bridge (setuid helper)" "$ours"
	printf '  %-50s %9.3f ms\n' "qemu-bridge-helper (through bench/qbh_client)" "$qbh"
	# Target 1.0x: parity with a helper that does no policy, quota, audit, isolation or
	# port filter, now that the setuid image loads no libnl (issue 12).
	printf '  speed-up over qemu-bridge-helper (its time / ours): %sx (target >= 1.0x): %s\n' "$(ratio "$qbh" "$ours")" \
		"$(verdict "$(awk -v a="$qbh" -v b="$ours" 'BEGIN { print (a >= b) }')")"
	printf '  with the removal of the TAP timed too (VMM = true, one more run): ours %.3f ms, qemu-bridge-helper %.3f ms: %sx\n' \
		"$ours_rm" "$qbh_rm" "$(ratio "$qbh_rm" "$ours_rm")"
}

for p in $PARTS; do
	case $p in
	1) part_bringup ;;
	2) part_teardown ;;
	3) part_handoff ;;
	*) echo "$BENCH: PARTS takes 1, 2 and 3" >&2; exit 2 ;;
	esac
done
