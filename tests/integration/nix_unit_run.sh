#!/usr/bin/env bash
# nix_unit_run.sh - run inside `unshare -m -n` by test_nix_module.sh: what NixOS activation and
# systemd would do with one evaluated services.redox-net config, in a private mount and network
# namespace.  /etc is an overlay (the module's users and groups are added there, as activation
# would), /etc/redox-net, /run and /var/lib are tmpfs.  Prints "RESULT RC DESCRIPTION" lines.
#   nix_unit_run.sh check JSON   `--check up` in both orders (and `dhcp --check`), as uid 65534
#   nix_unit_run.sh run JSON     ExecStart, ExecReload, ExecStop verbatim; the kernel's state after each
# Environment: STORE (fake package path), TOOLS (test tools), WORK (a private scratch directory).
set -u
mode=$1 j=$2
res() { echo "RESULT $1 $2"; }
# t DESCRIPTION CMD...: run, report, keep the output for the log.
t() { local d=$1; shift; "$@" >"$WORK/out" 2>&1; local rc=$?; res "$rc" "$d"; [ "$rc" -eq 0 ] || sed 's/^/#     /' "$WORK/out" >&2; return "$rc"; }
q() { jq -r "$1" "$j"; }

mount --make-rprivate / || exit 97
ip link set lo up
# /sys/class/net shows the namespace that mounted sysfs: mount it again for this one.
mount -t sysfs sysfs /sys
mkdir -p "$WORK/upper" "$WORK/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$WORK/upper,workdir=$WORK/work" /etc || exit 97
mkdir -p /etc/redox-net
# 0755: the helper refuses a policy in a directory others can write (tmpfs defaults to 1777).
mount -t tmpfs -o mode=0755 tmpfs /etc/redox-net
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=0755 tmpfs /var/lib
for g in $(q '.groups[]'); do getent group "$g" >/dev/null || groupadd -r "$g"; done
q '.users | to_entries[] | "\(.key) \(.value.group)"' | while read -r u g; do
	getent passwd "$u" >/dev/null || useradd -r -M -g "$g" -s /usr/sbin/nologin "$u"
done
jq -j .conf "$j" >/etc/redox-net/redox-net.conf
conf=/etc/redox-net/redox-net.conf
ns=$STORE/sbin/redox-netsetup
nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }

if [ "$mode" = check ]; then
	nobody "$ns" --config "$conf" --check up >"$WORK/out" 2>&1; echo "RESULT $? check-before"
	cat "$WORK/out" >&2
	nobody "$ns" up --check --config "$conf" >/dev/null 2>&1; echo "RESULT $? check-after"
	if [ "$(q .dhcpUnit)" = true ]; then
		nobody "$ns" --config "$conf" --check dhcp >"$WORK/out" 2>&1; echo "RESULT $? check-dhcp"
		cat "$WORK/out" >&2
	fi
	exit 0
fi

# What activation does besides the units: the policy file and the lease directory.
jq -j .policy.text "$j" >/etc/redox-net/policy
chmod "$(q .policy.mode)" /etc/redox-net/policy
for rule in $(q '.tmpfiles[] | @base64'); do
	read -r _ path m u g _ <<<"$(base64 -d <<<"$rule")"
	mkdir -p "$path" && chown "$u:$g" "$path" && chmod "$m" "$path"
done

s=$(q .settings | jq -c .)
sv() { jq -r "$1" <<<"$s"; }
mv=$(sv .macvtap.name); br=$(sv .bridge); tap=$(sv .tap)
if [ "$mv" != null ]; then dev=$mv; kind=macvtap
	# The link the unit is ordered after: a veth, as a NIC stand-in.
	ip link add "$(sv .macvtap.link)" type veth peer name rnpeer0 && ip link set "$(sv .macvtap.link)" up
elif [ "$br" != null ]; then dev=$br; kind=bridge
else dev=$tap; kind=tap; fi
start=$(q '.units["redox-net"].ExecStart'); reload=$(q '.units["redox-net"].ExecReload')
stop=$(q '.units["redox-net"].ExecStop')

t "ExecStart ($start) succeeds" $start
t "$dev exists and is up" sh -c "ip -o link show '$dev' | grep -q '[<,]UP[,>]'"
ifindex=$(cat "/sys/class/net/$dev/ifindex" 2>/dev/null)
if [ "$kind" = tap ]; then
	if [ "$(sv .owner)" != null ]; then
		t "$tap is owned by $(sv .owner)" test "$(cat "/sys/class/net/$tap/owner")" = "$(id -u "$(sv .owner)")"
	else
		t "$tap belongs to group $(sv .group)" test "$(cat "/sys/class/net/$tap/group")" = "$(getent group "$(sv .group)" | cut -d: -f3)"
	fi
fi
if [ "$kind" != macvtap ]; then
	t "table ip redox_net is in the kernel" nft list table ip redox_net
	t "net.ipv4.ip_forward is 1" test "$(sysctl -n net.ipv4.ip_forward)" = 1
	for f in $(sv '.forwards[]'); do
		IFS=: read -r proto hport gip gport <<<"$f"
		t "forward $f is a DNAT rule in the kernel" sh -c "nft list table ip redox_net | grep -E '$proto dport $hport .*dnat to $gip:$gport'"
	done
else
	t "macvtap mode adds no nft table" sh -c "! nft list table ip redox_net 2>/dev/null"
fi
if [ "$(sv .dhcp.enable)" = true ] && [ "$(q .dhcpUnit)" = false ]; then
	t "up started the DHCP responder: UDP 67 is bound" sh -c "ss -Hlun 'sport = :67' | grep -q ."
fi

# The policy the module wrote, loaded by the helper's own loader: a member of the helper's
# group may use the device, someone outside it may not.
hg=$(sv .helper.group); hgid=$(getent group "$hg" | cut -d: -f3)
t "the policy is a regular file, not a symlink" test -f /etc/redox-net/policy -a ! -L /etc/redox-net/policy
t "the policy loads and lets group $hg use $kind $dev with $(sv .queues) queues" \
	"$TOOLS/policy_query" /etc/redox-net/policy 4242 "$hgid" "$kind" "$dev" "$(sv .queues)"
"$TOOLS/policy_query" /etc/redox-net/policy 4243 65534 "$kind" "$dev" 1 >"$WORK/out" 2>&1
res $(($? == 1 ? 0 : 1)) "the policy denies $kind $dev to a uid outside group $hg"

t "ExecReload ($reload) succeeds with nothing changed" $reload
t "... and $dev is the same device (ifindex $ifindex)" test "$(cat "/sys/class/net/$dev/ifindex")" = "$ifindex"
if [ "$kind" != macvtap ]; then
	nft delete table ip redox_net
	t "ExecReload after the table was flushed (nftables restart) puts it back" sh -c "$reload && nft list table ip redox_net >/dev/null"
	t "... without taking $dev down (ifindex $ifindex)" test "$(cat "/sys/class/net/$dev/ifindex")" = "$ifindex"
fi

if [ "$(q .dhcpUnit)" = true ]; then
	dstart=$(q '.units["redox-net-dhcp"].ExecStart')
	$dstart >"$WORK/dhcp.out" 2>&1 &
	dpid=$!
	for _ in $(seq 50); do ss -Hlun 'sport = :67' | grep -q . && break; sleep 0.1; done
	t "redox-net-dhcp's ExecStart ($dstart) binds UDP 67 on the guest network" sh -c "ss -Hlun 'sport = :67' | grep -q ."
	t "... and keeps running" kill -0 "$dpid"
	t "... as $(sv .dhcp.user) after the bind" test "$(ps -o uid= -p "$dpid" | tr -d ' ')" = "$(id -u "$(sv .dhcp.user)")"
	kill "$dpid"; wait "$dpid" 2>/dev/null

	# The same ExecStart as systemd starts it: behind the generated redox-net-dhcp.socket,
	# whose port systemd-socket-activate holds (PID 1 is not systemd here).  It execs the
	# responder on the first datagram; PassPacketInfo= has no equivalent there, so a wake-up
	# datagram goes first, then a Redox-style VM sends its one DISCOVER (on a bridge, from a
	# port named outside rn*, which the port filter would hold to the helper's MAC binding).
	listen=$(q '.dhcpSocket.listenDatagrams[0]')
	systemd-socket-activate --datagram -l "$listen" $dstart >"$WORK/dhcp-sa.out" 2>&1 &
	dpid=$!
	for _ in $(seq 50); do ss -Hlun 'sport = :67' | grep -q . && break; sleep 0.1; done
	t "redox-net-dhcp.socket's $listen is held for the unit" sh -c "ss -Hlun 'sport = :67' | grep -q ."
	echo wake >/dev/udp/127.0.0.1/67
	for _ in $(seq 50); do
		[ "$(ps -o uid= -p "$dpid" | tr -d ' ')" = "$(id -u "$(sv .dhcp.user)")" ] && break; sleep 0.1
	done
	t "... the unit's responder took the socket and runs as $(sv .dhcp.user)" \
		test "$(ps -o uid= -p "$dpid" | tr -d ' ')" = "$(id -u "$(sv .dhcp.user)")"
	if [ "$kind" = bridge ]; then vm=(--tap unitvm0 --bridge "$br"); else vm=(--tap "$tap"); fi
	t "... a Redox-style VM on $dev gets its lease on its one DISCOVER, through the socket" \
		sh -c "'$TOOLS/redox_dhcp_client' --wait 5000 ${vm[*]} | grep -q '^ack '"
	kill "$dpid"; wait "$dpid" 2>/dev/null
	ip link del unitvm0 2>/dev/null
fi

t "ExecStop ($stop) succeeds" $stop
t "$dev is gone" sh -c "! ip link show '$dev' 2>/dev/null"
if [ "$kind" != macvtap ]; then
	t "table ip redox_net is gone" sh -c "! nft list table ip redox_net 2>/dev/null"
	t "net.ipv4.ip_forward is back to 0" test "$(sysctl -n net.ipv4.ip_forward)" = 0
fi
t "no process of the config is left in the namespace" sh -c "! ss -Hlun 'sport = :67' | grep -q ."
exit 0
