# lib.sh - TAP helpers and throwaway network namespaces for the shell test suites.
# Source it; call ok/check/skip for each assertion, and done_testing at the end.
set -u
BUILD=${BUILD:?run through make check, or set BUILD to the build directory}
BIN=$BUILD/bin
TOOLS=$BUILD/tests/tools
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The namespace the suite started in; test tools that create devices refuse to run in it.
RXN_ROOT_NETNS_INO=${RXN_ROOT_NETNS_INO:-$(stat -L -c %i /proc/self/ns/net)}
export RXN_ROOT_NETNS_INO
_n=0
_failed=0
_cleanups=()

# ok COND_STATUS DESCRIPTION: report one result (0 = pass).
ok() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n $2"
	else
		echo "not ok $_n $2"
		_failed=$((_failed + 1))
	fi
}

# check DESCRIPTION COMMAND...: run the command and report whether it succeeded.
check() {
	local desc=$1; shift
	local out rc
	out=$("$@" 2>&1); rc=$?
	ok "$rc" "$desc"
	[ "$rc" -eq 0 ] || printf '#   command: %s\n#   status %d, output:\n%s\n' "$*" "$rc" "$(sed 's/^/#     /' <<<"$out")"
	return "$rc"
}

# check_fails DESCRIPTION EXPECTED_STATUS COMMAND...: the command must exit with that status.
check_status() {
	local desc=$1 want=$2; shift 2
	local out rc
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" -eq "$want" ]; then ok 0 "$desc"; else
		ok 1 "$desc"
		printf '#   command: %s\n#   wanted status %d, got %d, output:\n%s\n' "$*" "$want" "$rc" "$(sed 's/^/#     /' <<<"$out")"
	fi
	LAST_OUTPUT=$out
}

# check_output DESCRIPTION REGEX: the previous check_status output must match REGEX.
check_output() {
	if grep -qE -- "$2" <<<"$LAST_OUTPUT"; then ok 0 "$1"; else
		ok 1 "$1"
		printf '#   expected /%s/ in:\n%s\n' "$2" "$(sed 's/^/#     /' <<<"$LAST_OUTPUT")"
	fi
}

# skip REASON: a test that cannot run.  Under CI that is a failure, never a silent skip.
skip() {
	_n=$((_n + 1))
	if [ "${CI:-}" = true ]; then
		echo "not ok $_n cannot run under CI: $1"
		_failed=$((_failed + 1))
	else
		echo "ok $_n # SKIP $1"
	fi
}

# require_root_and_tun: everything below needs both; say why not if missing.
require_root_and_tun() {
	local why=
	[ "$(id -u)" -eq 0 ] || why="needs root (run make check as root)"
	[ -z "$why" ] && [ ! -c /dev/net/tun ] && why="needs /dev/net/tun (modprobe tun)"
	[ -z "$why" ] && ! command -v ip >/dev/null && why="needs ip from iproute2"
	if [ -n "$why" ]; then
		skip "$why"
		done_testing
	fi
}

# netns_new NAME: create a throwaway namespace rxn-NAME-PID with lo up; echo its name.
# (It runs in a $(...) subshell, so cleanup finds namespaces by the -PID suffix.)
netns_new() {
	local ns=rxn-$1-${RXN_RUN_ID:-0}-$$
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	echo "$ns"
}

at_exit() { _cleanups+=("$1"); }

# netsetup_env NAME: one throwaway namespace $ns with a private journal directory $run;
# NS runs a command in it, netsetup runs redox-netsetup there with that journal.
netsetup_env() {
	ns=$(netns_new "$1")
	run=$(mktemp -d); at_exit "rm -rf $run"
	NS() { nsrun "$ns" "$@"; }
	netsetup() { NS "$BIN/redox-netsetup" "$@" --run-dir "$run"; }
}

# topology_new: three namespaces: $host (runs redox-netsetup; uplink up0 198.51.100.1),
# $guest (behind the TAP) and $inet (eth0 198.51.100.2, TEST-NET-2), with no route back
# from $inet to 172.16.0.0/24, so only masqueraded traffic gets answers.  Sets $host
# $guest $inet and the helpers H, G and I that run a command in each.
topology_new() {
	host=$(netns_new host); guest=$(netns_new guest); inet=$(netns_new inet)
	H() { nsrun "$host" "$@"; }
	G() { nsrun "$guest" "$@"; }
	I() { nsrun "$inet" "$@"; }
	H ip link add up0 type veth peer name eth0 netns "$inet"
	H ip addr add 198.51.100.1/24 dev up0; H ip link set up0 up
	I ip addr add 198.51.100.2/24 dev eth0; I ip link set eth0 up
}

# guest_attach TAP DIR: start the stand-in VMM on TAP inside $host, carrying frames to
# eth0 in $guest, and give the guest the default address and MAC.  Sets $relay.
guest_attach() {
	H timeout 300 "$TOOLS/relay" "$1" "/var/run/netns/$guest" eth0 >"$2/relay.out" 2>&1 &
	relay=$!
	at_exit "kill $relay"
	for _ in $(seq 50); do grep -q ready "$2/relay.out" && break; sleep 0.1; done
	grep -q ready "$2/relay.out" || return 1
	G ip link set eth0 address 52:54:00:12:34:56
	G ip addr add 172.16.0.2/24 dev eth0
	G ip link set eth0 up
	G ip route add default via 172.16.0.1
}

_cleanup() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[i]}" >/dev/null 2>&1; done
	for ns in $(ip netns list 2>/dev/null | awk -v s="-$$" '$1 ~ "^rxn-.*" s "$" {print $1}'); do
		# Kill anything still running inside before the namespace goes.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
trap _cleanup EXIT

# nsrun NS CMD...: run a command inside a namespace.
nsrun() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

done_testing() {
	echo "1..$_n"
	exit $((_failed > 0))
}
