#!/usr/bin/env bash
# test_dns_names.sh - the DNS forwarder answers the guests' DHCP host names itself, for real,
# in namespaces.  Guest "a" (eth0 behind tap0, via the stand-in VMM) leases with a host name
# (busybox udhcpc -x hostname:NAME); guest "b" (a macvlan on that link, in its own namespace,
# another MAC) leases without one and resolves "a" through the forwarder by name, with and
# without the --dhcp-domain, and by PTR.  Other names go to the upstream (a script on
# 127.0.0.3 that answers NXDOMAIN and logs what it was asked); names starting "silent" it
# never answers, and then the forwarder answers SERVFAIL once its last server timed out.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
for tool in dig python3 busybox; do
	command -v "$tool" >/dev/null || { skip "needs $tool (scripts/deps.sh test)"; done_testing; }
done

run=$(mktemp -d); at_exit "rm -rf $run"
chmod 0755 "$run"	# the responder reads the resolv.conf as nobody
topology_new
guest_b=$(netns_new guestb)
B() { nsrun "$guest_b" "$@"; }
printf 'nameserver 127.0.0.3\n' >"$run/resolv.conf"; chmod 0644 "$run/resolv.conf"

cat >"$run/upstream.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.3", 53))
print("ready", flush=True)
while True:
    q, peer = s.recvfrom(4096)
    end = q.index(b"\0", 12) + 5
    name, labels, i = [], q[12:end], 0
    while labels[i]:
        name.append(labels[i + 1:i + 1 + labels[i]].decode("ascii", "replace")); i += 1 + labels[i]
    print("asked", ".".join(name).lower(), flush=True)
    if name and name[0].lower().startswith("silent"):
        continue
    # NXDOMAIN (rcode 3), the question repeated, no records.
    s.sendto(q[:2] + b"\x81\x83\x00\x01\x00\x00\x00\x00\x00\x00" + q[12:end], peer)
PY
H python3 "$run/upstream.py" >"$run/upstream.out" 2>&1 &
at_exit "kill $!"
for _ in $(seq 50); do grep -q ready "$run/upstream.out" && break; sleep 0.1; done

check "up --dhcp with --dhcp-domain test.lan" H "$BIN/redox-netsetup" up --owner 0 --dhcp \
	--dhcp-domain test.lan --lease-dir "$run/leases" --run-dir "$run" --dns-resolv-conf "$run/resolv.conf"
H timeout 300 "$TOOLS/relay" tap0 "/var/run/netns/$guest" eth0 >"$run/relay.out" 2>&1 &
relay=$!
at_exit "kill $relay"
for _ in $(seq 50); do grep -q ready "$run/relay.out" && break; sleep 0.1; done
check "the stand-in VMM attached to tap0" grep -q ready "$run/relay.out"
G ip link set eth0 address 52:54:00:12:34:56
G ip link set eth0 up
# Guest b: its own namespace and MAC, on the same wire as guest a.
G ip link add link eth0 name mvb address 52:54:00:0b:0b:0b type macvlan mode bridge
G ip link set mvb netns "$guest_b"
B ip link set lo up
B ip link set mvb up

cat >"$run/udhcpc.sh" <<SCRIPT
#!/bin/sh
case "\$1" in
deconfig) ip addr flush dev "\$interface"; ip link set "\$interface" up ;;
bound|renew)
	ip addr flush dev "\$interface"
	ip addr add "\$ip/\${mask:-\$subnet}" dev "\$interface"
	echo "\$ip" >"$run/\$interface.ip"
	;;
esac
exit 0
SCRIPT
chmod +x "$run/udhcpc.sh"
lease() {	# NS-RUNNER IFACE [HOSTNAME]: one udhcpc exchange, with option 12 when HOSTNAME is given
	local ns=$1 ifc=$2
	"$ns" timeout 30 busybox udhcpc -i "$ifc" -n -q -t 3 -T 2 -s "$run/udhcpc.sh" ${3:+-x hostname:$3}
}
check "guest b gets a lease, without a host name" lease B mvb
ipb=$(cat "$run/mvb.ip" 2>/dev/null)
# dig_b ARGS...: ask the forwarder from guest b, one try.
dig_b() { B dig @172.16.0.1 +tries=1 +time=5 "$@"; }

# A host name that is not a DNS label is never answered: it goes upstream (NXDOMAIN).
check "guest a gets a lease with the host name bad_name (not a DNS label)" lease G eth0 bad_name
ipa=$(cat "$run/eth0.ip" 2>/dev/null)
dig_b bad_name.test.lan >"$run/bad.out" 2>&1
check "a query for it is forwarded, and the upstream's NXDOMAIN comes back" grep -q "status: NXDOMAIN" "$run/bad.out"
check "the upstream was asked" grep -qx "asked bad_name.test.lan" "$run/upstream.out"

check "guest a leases again, now as Alpha-1" lease G eth0 Alpha-1
check "at the same address" test "$(cat "$run/eth0.ip")" = "$ipa"
dig_b +short alpha-1 >"$run/a1.out" 2>&1
check "guest b resolves alpha-1 to guest a's address ($ipa)" grep -qx "$ipa" "$run/a1.out"
dig_b ALPHA-1.Test.Lan >"$run/a2.out" 2>&1
check "and ALPHA-1.Test.Lan (the domain; case ignored), authoritatively" \
	sh -c "grep -q 'status: NOERROR' '$run/a2.out' && grep -q 'flags: qr aa' '$run/a2.out' && grep -Eq '^ALPHA-1\.Test\.Lan\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+$ipa\$' '$run/a2.out'"
check "with a TTL of at most 60 s" sh -c "awk '/IN[[:space:]]+A[[:space:]]/ && \$2 <= 60 && \$2 > 0 { f = 1 } END { exit !f }' '$run/a2.out'"
dig_b +tcp +short alpha-1.test.lan >"$run/a3.out" 2>&1
check "and over TCP" grep -qx "$ipa" "$run/a3.out"
dig_b alpha-1.test.lan AAAA >"$run/aaaa.out" 2>&1
check "AAAA for it is NODATA: NOERROR, no answer" \
	sh -c "grep -q 'status: NOERROR' '$run/aaaa.out' && grep -q 'ANSWER: 0' '$run/aaaa.out'"
dig_b +short -x "$ipa" >"$run/ptr.out" 2>&1
check "PTR of guest a's address gives its name" grep -qx "Alpha-1.test.lan." "$run/ptr.out"
check "none of these went upstream" sh -c "! grep -Eq 'asked (alpha-1|[0-9.]+in-addr)' '$run/upstream.out'"

dig_b nothere.test.lan >"$run/nx.out" 2>&1
check "a name no guest leased is forwarded, and NXDOMAIN comes back" grep -q "status: NXDOMAIN" "$run/nx.out"
check "the upstream was asked for it" grep -qx "asked nothere.test.lan" "$run/upstream.out"
dig_b alpha-1.other.lan >"$run/other.out" 2>&1
check "a leased name under another domain is forwarded too" grep -qx "asked alpha-1.other.lan" "$run/upstream.out"
dig_b -x "$ipb" >"$run/ptrb.out" 2>&1
check "PTR of guest b (leased without a name) is forwarded" grep -q "status: NXDOMAIN" "$run/ptrb.out"

# The last (here the only) server never answers: SERVFAIL after its timeout, not silence.
dig_b silent.example >"$run/silent.out" 2>&1
check "an upstream that never answers: the guest gets SERVFAIL" grep -q "status: SERVFAIL" "$run/silent.out"
check "after the upstream was asked" grep -qx "asked silent.example" "$run/upstream.out"

kill $relay 2>/dev/null; wait $relay 2>/dev/null
check "down" H "$BIN/redox-netsetup" down --run-dir "$run"
check "no memory or fd error was logged" sh -c "! grep -Ei 'error|sanitizer' $run/dhcp.log"
done_testing
