#!/usr/bin/env bash
# bench_netsetup.sh - redox-netsetup up/down against the shell sequence people use today,
# and the grouped teardown of many TAPs against deleting them one by one.
# Everything runs in a throwaway namespace; hyperfine times whole commands.
set -eu
BUILD=${BUILD:?}
BIN=$BUILD/bin
TAPS=$BUILD/bench/taps
FLOOR=$BUILD/bench/up_floor
RUNS=${RUNS:-30}
# bench/taps refuses to run in the namespace it was started from; run-all.sh sets this.
RXN_ROOT_NETNS_INO=${RXN_ROOT_NETNS_INO:-$(stat -L -c %i /proc/self/ns/net)}
export RXN_ROOT_NETNS_INO
command -v hyperfine >/dev/null || { echo "bench_netsetup: needs hyperfine (apt-get install hyperfine)"; exit 1; }
command -v strace >/dev/null || { echo "bench_netsetup: needs strace (apt-get install strace)"; exit 1; }
ns=rxn-bench-$$
# The journal lives on tmpfs (/run) in real use, so it does here too; /dev/shm is tmpfs
# even on machines (like CI's) whose /run is on disk, where each fsync costs ~0.45 ms.
work=$(mktemp -d -p /dev/shm)
cleanup() { ip netns pids "$ns" 2>/dev/null | xargs -r kill -9; ip netns del "$ns" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns"
NS() { ip netns exec "$ns" "$@"; }

# The sequence the old runner scripts use, doing the same work as `up`.
cat >"$work/shell-up.sh" <<SH
set -e
ip tuntap add dev tap0 mode tap vnet_hdr user 65534
ip addr add 172.16.0.1/24 dev tap0
ip link set tap0 up
sysctl -qw net.ipv4.ip_forward=1
nft -f $work/ruleset.nft
SH
cat >"$work/ruleset.nft" <<'NFT'
table ip redox_net {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 172.16.0.0/24 ip daddr != 172.16.0.0/24 masquerade
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "tap0" accept
		oifname "tap0" ct state established,related accept
	}
}
NFT
cat >"$work/shell-down.sh" <<SH
ip link del tap0; nft delete table ip redox_net; sysctl -qw net.ipv4.ip_forward=0
SH
ours_up="$BIN/redox-netsetup up --owner 65534 --run-dir $work/run"
ours_down="$BIN/redox-netsetup down --run-dir $work/run"

median() { jq -r ".results[$1].median * 1000" "$2"; }
# CPU time (ms, mean over the runs) in user mode and in the kernel, the command's children included.
cpu() { jq -r ".results[$1] | \"user \\(.user * 1000 * 100 | round / 100) sys \\(.system * 1000 * 100 | round / 100)\"" "$2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
run() { NS hyperfine -N --runs "$RUNS" --warmup 2 --style none --export-json "$@" >/dev/null 2>&1; }

# up: each side tears its own state down before every timed run, then waits 50 ms so the
# kernel's deferred work from that teardown (RCU grace periods) is not billed to the run.
settle="sleep 0.05"
# The third command does only the kernel work of up (bench/up_floor.c): what it costs
# beyond its own start is the floor no program doing up's work gets under.
run "$work/up.json" \
	--prepare "sh -c '$ours_down >/dev/null 2>&1; $settle'" -n redox-netsetup "$ours_up" \
	--prepare "sh -c 'sh $work/shell-down.sh >/dev/null 2>&1; $settle'" -n shell "sh $work/shell-up.sh" \
	--prepare "sh -c 'sh $work/shell-down.sh >/dev/null 2>&1; $settle'" -n "kernel work only" "$FLOOR up"
NS hyperfine -N --runs "$RUNS" --warmup 2 --style none --export-json "$work/floor.json" \
	-n "process start" "$BIN/redox-netsetup --version" -n "/bin/true" "$(type -P true)" \
	-n "up_floor start" "$FLOOR start" >/dev/null 2>&1
o=$(median 0 "$work/up.json"); s=$(median 1 "$work/up.json"); f=$(median 2 "$work/up.json")
v=$(median 0 "$work/floor.json"); t=$(median 1 "$work/floor.json"); fs=$(median 2 "$work/floor.json")
k=$(minus "$f" "$fs")
best=$(awk -v a="$v" -v b="$k" 'BEGIN { printf "%.2f", a + b }')

# down: against a minimal program that only deletes the TAP (the kernel's grace period dominates).
run "$work/down.json" \
	--prepare "sh -c 'sh $work/shell-down.sh >/dev/null 2>&1; $ours_down >/dev/null 2>&1; $ours_up >/dev/null 2>&1'" \
	-n redox-netsetup "$ours_down" -n minimal "$TAPS delete tap0"
d=$(median 0 "$work/down.json"); m=$(median 1 "$work/down.json")
NS $ours_down >/dev/null 2>&1 || true

# System calls of one up and one down (strace -c -f), so a new one shows up here.
syscalls() { NS strace -f -c -o "$work/strace.out" "$@" >/dev/null 2>&1; awk '$NF == "total" { print $4 }' "$work/strace.out"; }
nu=$(syscalls $ours_up); nd=$(syscalls $ours_down)

printf 'up:    redox-netsetup %.2f ms (%s syscalls), shell sequence %.2f ms (median of %d): %sx faster (target >= 5x)\n' \
	"$o" "$nu" "$s" "$RUNS" "$(ratio "$s" "$o")"
printf '       process start (redox-netsetup --version) %.2f ms, /bin/true %.2f ms: up is %sx the start (target <= 1.5x)\n' \
	"$v" "$t" "$(ratio "$o" "$v")"
printf '       kernel work alone (bench/up_floor: the same objects through the same calls) %.2f ms, so no\n' "$k"
printf '       program doing up'"'"'s work beats start + kernel = %.2f ms: %sx the start, %sx faster than the shell\n' \
	"$best" "$(ratio "$best" "$v")" "$(ratio "$s" "$best")"
printf '       up'"'"'s own work (journal, capability drop, checks) %.2f ms: up is %sx that floor\n' \
	"$(minus "$o" "$best")" "$(ratio "$o" "$best")"
printf '       CPU ms: up %s; shell %s; --version %s; /bin/true %s\n' \
	"$(cpu 0 "$work/up.json")" "$(cpu 1 "$work/up.json")" "$(cpu 0 "$work/floor.json")" "$(cpu 1 "$work/floor.json")"
printf 'down:  redox-netsetup %.2f ms (%s syscalls), minimal delete %.2f ms (median of %d): %sx the minimal (target <= 1.3x)\n' \
	"$d" "$nd" "$m" "$RUNS" "$(ratio "$d" "$m")"
printf '       CPU ms: down %s; minimal %s\n' "$(cpu 0 "$work/down.json")" "$(cpu 1 "$work/down.json")"

# Teardown of many devices: one grouped RTM_DELLINK against one request per device.
n=${TAPS_N:-100}
gruns=$((RUNS / 3 > 5 ? RUNS / 3 : 5))
NS hyperfine -N --runs "$gruns" --style none --export-json "$work/group.json" \
	--prepare "sh -c '$TAPS delete-each; $TAPS create 1'" -n "down --all, 1 TAP" "$BIN/redox-netsetup down --all --run-dir $work/run" \
	--prepare "sh -c '$TAPS delete-each; $TAPS create $n'" -n "down --all, $n TAPs" "$BIN/redox-netsetup down --all --run-dir $work/run" \
	--prepare "sh -c '$TAPS delete-each; $TAPS create $n'" -n "one by one, $n TAPs" "$TAPS delete-each" >/dev/null 2>&1
one=$(median 0 "$work/group.json"); many=$(median 1 "$work/group.json"); each=$(median 2 "$work/group.json")
printf 'teardown: 1 TAP %.1f ms; %d TAPs grouped %.1f ms (%sx one); one by one %.1f ms (%sx one)\n' \
	"$one" "$n" "$many" "$(ratio "$many" "$one")" "$each" "$(ratio "$each" "$one")"
