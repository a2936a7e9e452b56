# seclib.sh - shared setup for the setuid-helper suites: a root-owned install of the
# test helper with mode 4755, the compiled-in test policy path, a private /dev whose
# /dev/log is a socket the test reads, and TAPs made the way redox-netsetup makes them.
# Source it after lib.sh.
# The paths compiled into the test helper (Makefile: TREE_ID).
TREE_ID=$(printf '%s' "$BUILD" | cksum | cut -d' ' -f1)
POLICY_DIR=/run/redox-net-test-$TREE_ID
POLICY=$POLICY_DIR/policy
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# Run the calling script again inside a private mount namespace whose /dev is a
# tmpfs holding only what the tests need, with /dev/log bound to a socket that
# tests/tools/syslog_sink reads.  The host's /dev and its syslog are not touched.
seclib_private_dev() {
	[ -n "${RXN_PRIVATE_DEV:-}" ] && return 0
	local work rc sink
	work=$(mktemp -d /tmp/rxn-sec.XXXXXX); chmod 755 "$work"
	"$TOOLS/syslog_sink" "$work/log.sock" >"$work/audit.log" 2>&1 &
	sink=$!
	for _ in $(seq 50); do grep -q ready "$work/audit.log" && break; sleep 0.05; done
	RXN_PRIVATE_DEV=1 RXN_WORK=$work unshare -m --propagation private bash -c '
		set -e
		old=$RXN_WORK/olddev; mkdir -p "$old"; mount --bind /dev "$old"
		mount -t tmpfs -o mode=755 rxn-dev /dev
		for n in null zero full random urandom tty ptmx kvm; do
			[ -e "$old/$n" ] || continue; touch /dev/$n; mount --bind "$old/$n" /dev/$n
		done
		mkdir /dev/net /dev/pts /dev/shm; touch /dev/net/tun; mount --bind "$old/net/tun" /dev/net/tun
		mount --bind "$old/pts" /dev/pts; chmod 1777 /dev/shm
		ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin
		ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
		touch /dev/log; mount --bind "$RXN_WORK/log.sock" /dev/log
		exec bash "$0"' "$1"
	rc=$?
	kill "$sink" 2>/dev/null; wait "$sink" 2>/dev/null
	rm -rf "$work"
	exit $rc
}

# seclib_install: a root-owned, not world-writable directory holding the setuid helper.
seclib_install() {
	HDIR=$(mktemp -d /run/rxn-helper.XXXXXX)
	chmod 755 "$HDIR"
	install -o root -g root -m 4755 "$BUILD/tests/bin/redox-net-helper" "$HDIR/redox-net-helper"
	HELPER=$HDIR/redox-net-helper
	mkdir -p "$POLICY_DIR"; chown root:root "$POLICY_DIR"; chmod 755 "$POLICY_DIR"
	LOCK=/run/redox-net-test-$TREE_ID-lock/helper.lock
	mkdir -p "${LOCK%/*}"; chmod 755 "${LOCK%/*}"
	at_exit "rm -rf $HDIR $POLICY_DIR ${LOCK%/*}"
	AUDIT=$RXN_WORK/audit.log
}

# set_policy TEXT: the test policy, root-owned 0644.
set_policy() {
	printf '%s\n' "$1" >"$POLICY"
	chown root:root "$POLICY"; chmod 644 "$POLICY"
}

# mk_tap NS NAME [OWNER [QUEUES]]: a TAP as redox-netsetup makes it: IFF_VNET_HDR,
# persistent, owner OWNER (default root), redox-net's netdev group, up.
mk_tap() {
	local ns=$1 name=$2 owner=${3:-0} q=${4:-1} mq=
	[ "$q" -gt 1 ] && mq=multi_queue
	ip -n "$ns" tuntap add dev "$name" mode tap vnet_hdr $mq user "$owner" &&
	ip -n "$ns" link set "$name" group $((0x72786e)) up
}

# tap_owner NS NAME: the owner the kernel reports (-1 if none).
tap_owner() { ip netns exec "$1" cat "/sys/class/net/$2/owner"; }

# devices NS: every device as `ip -d -o link show` describes it, then every TAP's owner, to
# compare a namespace before and after.  Left out are a bridge's running timers and the
# operational state (NO-CARRIER, "state UP"), which the kernel updates up to a second late
# (linkwatch); the carrier itself (LOWER_UP: a queue is attached) stays in.
devices() {
	ip -n "$1" -d -o link show |
		sed -E 's/ (hello|tcn|topology_change|gc)_timer +[0-9.]+//g; s/NO-CARRIER,//; s/ state [A-Z]+ / /'
	ip netns exec "$1" sh -c 'for d in /sys/class/net/*; do [ -e "$d/owner" ] && echo "${d##*/} owner $(cat "$d/owner")"; done'
}

# hold_lock [UID]: a process ($HOLDER) that holds UID's quota lock (default 65534) for 60 s,
# the byte the helper locks for that user (helper/quota.h: QUOTA_USER_BASE + uid).  A POSIX
# record lock conflicts with the helper's open-file-description locks on the same byte.
hold_lock() {
	[ -e "$LOCK" ] || install -m 600 /dev/null "$LOCK"
	python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, (1 << 20) + int(sys.argv[2]))
time.sleep(60)' "$LOCK" "${1:-65534}" &
	HOLDER=$!
	sleep 0.3
}
