#!/usr/bin/env bash
# test_dns_forward.sh - the DNS forwarder `up --dhcp` runs on 172.16.0.1, for real, in namespaces.
# A stand-in VMM (tests/tools/relay) carries frames between tap0 and a "guest" namespace.
# The "internet" namespace runs dnsmasq as the authoritative server; the host namespace
# runs a second dnsmasq on 127.0.0.2 as the host's stub resolver, and the forwarder's
# resolv.conf (--dns-resolv-conf) names it.  The guest gets DNS = 172.16.0.1 in its lease
# and resolves through the forwarder; nothing from the uplink side is answered; a
# truncated answer makes the guest retry over TCP, which works; malformed messages are
# dropped; an empty resolv.conf gives SERVFAIL and one log line; a flood from one guest
# does not keep another guest's answers out.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun
for tool in dnsmasq dig python3 busybox; do
	command -v "$tool" >/dev/null || { skip "needs $tool (scripts/deps.sh test)"; done_testing; }
done

run=$(mktemp -d); at_exit "rm -rf $run"
chmod 0755 "$run"	# the responder reads the resolv.conf as nobody
topology_new	# host, guest and an "internet" namespace behind uplink up0
printf 'nameserver 127.0.0.2\n' >"$run/resolv.conf"; chmod 0644 "$run/resolv.conf"

# The long TXT record makes an answer larger than 512 bytes: over UDP without EDNS it is truncated.
long=$(printf 'x%.0s' $(seq 200))
I dnsmasq --conf-file=/dev/null --keep-in-foreground --no-resolv --no-hosts --user=root \
	--listen-address=198.51.100.2 --bind-interfaces --port=53 --pid-file= \
	--address=/www.example.test/192.0.2.7 --host-record=other.example.test,192.0.2.8 \
	--txt-record=big.example.test,"$long","$long","$long" >"$run/inet-dns.log" 2>&1 &
at_exit "kill $!"
H dnsmasq --conf-file=/dev/null --keep-in-foreground --no-resolv --no-hosts --user=root \
	--listen-address=127.0.0.2 --bind-interfaces --port=53 --pid-file= \
	--server=198.51.100.2 --cache-size=0 >"$run/stub-dns.log" 2>&1 &
at_exit "kill $!"

check "up --dhcp with --uplink up0 and --dns-resolv-conf" H "$BIN/redox-netsetup" up --owner 0 \
	--uplink up0 --dhcp --lease-dir "$run/leases" --run-dir "$run" --dns-resolv-conf "$run/resolv.conf"
check "the forwarder listens on 172.16.0.1:53, UDP" sh -c "ip netns exec $host ss -Hulnp 'sport = :53' | grep -q '172.16.0.1:53 .*redox-netsetup'"
check "and TCP" sh -c "ip netns exec $host ss -Htlnp 'sport = :53' | grep -q '172.16.0.1:53 .*redox-netsetup'"
check "it runs as nobody, like the responder" sh -c "test \"\$(ps -o user= -p \$(cut -d' ' -f1 $run/dhcp.pid))\" = nobody"
check "it logged the upstream it relays to" grep -q "relaying to 127.0.0.2 (from $run/resolv.conf)" "$run/dhcp.log"
check_status "doctor finds no problem with the forwarder" 0 H "$BIN/redox-netsetup" doctor --run-dir "$run"
check_output "and says it listens" "DNS forwarder listens on 172\.16\.0\.1 port 53"

ip netns exec "$host" timeout 300 "$TOOLS/relay" tap0 "/var/run/netns/$guest" eth0 >"$run/relay.out" 2>&1 &
relay=$!
at_exit "kill $relay"
for _ in $(seq 50); do grep -q ready "$run/relay.out" && break; sleep 0.1; done
check "the stand-in VMM attached to tap0" grep -q ready "$run/relay.out"
G ip link set eth0 address 52:54:00:12:34:56
G ip link set eth0 up

check_status "a Redox-style client gets its lease" 0 G "$TOOLS/redox_dhcp_client" eth0
check_output "with DNS 172.16.0.1, the router address, 4 bytes" "router 172\.16\.0\.1 dns 172\.16\.0\.1$"

cat >"$run/udhcpc.sh" <<SCRIPT
#!/bin/sh
case "\$1" in
deconfig) ip addr flush dev "\$interface"; ip link set "\$interface" up ;;
bound|renew)
	ip addr flush dev "\$interface"
	ip addr add "\$ip/\${mask:-\$subnet}" dev "\$interface"
	[ -n "\$router" ] && ip route replace default via "\${router%% *}" dev "\$interface"
	echo "\$dns" >"$run/udhcpc.dns"
	;;
esac
exit 0
SCRIPT
chmod +x "$run/udhcpc.sh"
check "busybox udhcpc gets a lease" G timeout 30 busybox udhcpc -i eth0 -n -q -t 3 -T 2 -s "$run/udhcpc.sh"
check "with DNS 172.16.0.1" grep -qx "172.16.0.1" "$run/udhcpc.dns"

# dig_g ARGS...: a query from the guest to the forwarder, one try, 3 s.
dig_g() { G dig @172.16.0.1 +tries=1 +time=3 "$@"; }
check "the guest resolves www.example.test through the forwarder (UDP)" sh -c "ip netns exec $guest dig @172.16.0.1 +tries=1 +time=3 +short www.example.test | grep -qx 192.0.2.7"
check "and over TCP" sh -c "ip netns exec $guest dig @172.16.0.1 +tcp +tries=1 +time=3 +short other.example.test | grep -qx 192.0.2.8"
check "the stub dnsmasq on 127.0.0.2 saw nothing but the forwarder's queries (it did relay)" \
	sh -c "! grep -q 'query.*from 172' $run/stub-dns.log"
dig_g +bufsize=512 +noedns big.example.test TXT >"$run/big.out" 2>&1
check "a truncated UDP answer makes dig retry over TCP" grep -q "Truncated, retrying in TCP mode" "$run/big.out"
check "and the TCP retry gets the whole record" sh -c "grep -c '$long' '$run/big.out' | grep -qx 1 && grep -q 'ANSWER: 1' '$run/big.out'"

# From the uplink: the internet namespace routes 172.16.0.0/24 to the host and asks 172.16.0.1.
I ip route add 172.16.0.0/24 via 198.51.100.1
check "the internet side reaches 172.16.0.1 (the query below is routed)" I ping -c 1 -W 2 172.16.0.1
check "a UDP query from the uplink side is not answered" sh -c "! ip netns exec $inet dig @172.16.0.1 +tries=1 +time=2 www.example.test"
check "nor a TCP one" sh -c "! ip netns exec $inet dig @172.16.0.1 +tcp +tries=1 +time=2 www.example.test"
check "the guest is still served" sh -c "ip netns exec $guest dig @172.16.0.1 +tries=1 +time=3 +short www.example.test | grep -qx 192.0.2.7"

# Malformed queries: dropped, logged, and the forwarder keeps serving.
cat >"$run/bad.py" <<'PY'
import socket, sys
bad = [b"\x12", b"\x12\x34\x81\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x00\x00\x01\x00\x01",
       b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01",
       b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x3fab\x00\x01\x00\x01",
       b"\x12\x34\x01\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01",
       b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01junk"]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
for b in bad:
    s.sendto(b, ("172.16.0.1", 53))
answered = 0
try:
    while True:
        s.recv(4096); answered += 1
except socket.timeout:
    pass
# Over TCP: a query whose length prefix says 3 bytes, then a bad one; the connection is closed.
t = socket.create_connection(("172.16.0.1", 53), timeout=3)
t.sendall(b"\x00\x03abc")
try:
    closed = t.recv(100) == b""
except ConnectionResetError:
    closed = True
print("answered", answered, "tcp-closed", closed)
sys.exit(0 if answered == 0 and closed else 1)
PY
check "malformed queries (UDP and TCP) get no answer" G python3 "$run/bad.py"
check "they were logged as dropped" grep -q "DNS: dropped a query from 172.16.0.2" "$run/dhcp.log"
check "and the guest is still served" sh -c "ip netns exec $guest dig @172.16.0.1 +tries=1 +time=3 +short www.example.test | grep -qx 192.0.2.7"

# A hostile upstream on 127.0.0.3 (the forwarder follows the resolv.conf change): for every
# query it first sends garbage, then an answer with another id, then one with another
# question, and only then the real answer.  Names starting with "flood" it never answers.
cat >"$run/upstream.py" <<'PY'
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.3", 53))
print("ready", flush=True)
while True:
    q, peer = s.recvfrom(4096)
    end = q.index(b"\0", 12) + 5
    qid, question = q[:2], q[12:end]
    if question[1:6] == b"flood":
        continue
    def answer(i, qs):
        return i + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00" + qs + \
            b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x63"
    other = bytes([question[0]]) + b"zzz" + question[4:]
    s.sendto(b"\x00\x01garbage", peer)
    s.sendto(answer(bytes([qid[0] ^ 0xff, qid[1]]), question), peer)
    s.sendto(answer(qid, other), peer)
    s.sendto(answer(qid, question)[:-3], peer)
    s.sendto(answer(qid, question), peer)
PY
H python3 "$run/upstream.py" >"$run/upstream.out" 2>&1 &
at_exit "kill $!"
for _ in $(seq 50); do grep -q ready "$run/upstream.out" && break; sleep 0.1; done
printf '# switched by the test\nnameserver 127.0.0.3\n' >"$run/resolv.conf.new"
chmod 0644 "$run/resolv.conf.new"; mv "$run/resolv.conf.new" "$run/resolv.conf"
for _ in $(seq 30); do grep -q "relaying to 127.0.0.3" "$run/dhcp.log" && break; sleep 0.2; done
check "the forwarder follows the resolv.conf change" grep -q "relaying to 127.0.0.3 (from $run/resolv.conf)" "$run/dhcp.log"
check "garbage, a wrong id, a wrong question and a cut answer are dropped; the real answer comes through" \
	sh -c "ip netns exec $guest dig @172.16.0.1 +tries=1 +time=3 +short abc.test | grep -qx 192.0.2.99"
check "the dropped answers were logged" grep -q "DNS: dropped an answer: its id or question does not match" "$run/dhcp.log"

# A flood from 172.16.0.2 of queries that are never answered, while 172.16.0.3 asks too.
# 5,000 queries a second: 150 times what one guest's share of the table (32 queries, each
# held 2 s) can take, yet below what the TAP, the relay and the socket carry on a small CI
# machine, so what is measured is the forwarder's sharing, not packet loss before it.
G ip addr add 172.16.0.3/24 dev eth0
cat >"$run/flood.py" <<'PY'
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("172.16.0.2", 0))
s.setblocking(False)
sent, end, i = 0, time.time() + 6, 0
while time.time() < end:
    i += 1
    q = struct.pack(">HHHHHH", i & 0xffff, 0x100, 1, 0, 0, 0) + b"\x0aflood%05d\x04test\x00\x00\x01\x00\x01" % (i % 100000)
    try:
        s.sendto(q, ("172.16.0.1", 53)); sent += 1
    except BlockingIOError:
        pass
    if i % 50 == 0:
        time.sleep(0.01)
print("sent", sent)
PY
G python3 "$run/flood.py" >"$run/flood.out" 2>&1 &
flood=$!
sleep 1
answered=0
for i in 1 2 3 4 5; do
	G dig -b 172.16.0.3 @172.16.0.1 +tries=1 +time=2 +short "ok$i.test" | grep -qx 192.0.2.99 && answered=$((answered + 1))
done
wait $flood
H nstat -az UdpRcvbufErrors | sed -n 's/^/# host: /p' | tail -1
check "during a flood from 172.16.0.2 ($(cat "$run/flood.out")), 172.16.0.3 got all its 5 answers ($answered)" test "$answered" = 5
check "the flood's excess was dropped and logged" grep -q "dropped a query from 172.16.0.2: too many of its queries are outstanding" "$run/dhcp.log"

# A resolv.conf with no usable server: SERVFAIL at once, and one log line for it.
printf 'nameserver 0.0.0.0\nnameserver 172.16.0.1\n' >"$run/resolv.conf.new"
chmod 0644 "$run/resolv.conf.new"; mv "$run/resolv.conf.new" "$run/resolv.conf"
sleep 2
dig_g www.example.test >"$run/sf1.out" 2>&1
dig_g +tcp www.example.test >"$run/sf2.out" 2>&1
check "with no usable server the guest gets SERVFAIL over UDP" grep -q "status: SERVFAIL" "$run/sf1.out"
check "and over TCP" grep -q "status: SERVFAIL" "$run/sf2.out"
check "one log line says so" test "$(grep -c "has no usable nameserver" "$run/dhcp.log")" = 1
printf 'nameserver 127.0.0.2\n' >"$run/resolv.conf.new"
chmod 0644 "$run/resolv.conf.new"; mv "$run/resolv.conf.new" "$run/resolv.conf"
sleep 2
check "a usable server again: answers again" sh -c "ip netns exec $guest dig @172.16.0.1 +tries=1 +time=3 +short www.example.test | grep -qx 192.0.2.7"
G ip addr flush dev eth0

# ISC dhclient and dhcpcd rewrite /etc/resolv.conf: each runs in a private mount namespace
# with a scratch file over it, then resolves with what it wrote there.
client_resolves() {	# NAME COMMAND...: lease, resolv.conf written, a name resolved
	local name=$1; shift
	: >"$run/$name.resolv"; chmod 0644 "$run/$name.resolv"
	G unshare -m sh -c "mount --bind '$run/$name.resolv' /etc/resolv.conf && $* && \
		grep -q '^nameserver 172.16.0.1\$' /etc/resolv.conf && \
		dig +tries=1 +time=3 +short www.example.test | grep -qx 192.0.2.7"
}
if command -v dhclient >/dev/null; then
	check "ISC dhclient gets its lease, writes 172.16.0.1, and resolves through the forwarder" \
		client_resolves dhclient dhclient -4 -1 -v -pf "$run/dhclient.pid" -lf "$run/dhclient.leases" eth0
	[ -s "$run/dhclient.pid" ] && kill "$(cat "$run/dhclient.pid")" 2>/dev/null
else
	skip "needs ISC dhclient (isc-dhcp-client)"
fi
G ip addr flush dev eth0
if command -v dhcpcd >/dev/null; then
	check "dhcpcd gets its lease, writes 172.16.0.1, and resolves through the forwarder" \
		client_resolves dhcpcd dhcpcd -4 --oneshot --noipv4ll -t 20 eth0
else
	skip "needs dhcpcd (dhcpcd-base)"
fi

kill $relay 2>/dev/null; wait $relay 2>/dev/null
check "down stops the responder and its forwarder" H "$BIN/redox-netsetup" down --run-dir "$run"
check "nothing listens on port 53 any more" sh -c "! ip netns exec $host ss -Hlnup 'sport = :53' | grep -q 172.16.0.1"
check "no memory or fd error was logged" sh -c "! grep -Ei 'error|sanitizer' $run/dhcp.log"

# --no-dns: no forwarder, and guests get 1.1.1.1 again.
check "up --dhcp --no-dns" H "$BIN/redox-netsetup" up --owner 0 --dhcp --no-dns --lease-dir "$run/leases" --run-dir "$run"
check "nothing listens on 172.16.0.1:53" sh -c "! ip netns exec $host ss -Hlnu 'sport = :53' | grep -q 172.16.0.1"
check_status "doctor told of --no-dns finds no problem" 0 H "$BIN/redox-netsetup" doctor --no-dns --run-dir "$run"
check_status "doctor not told finds the responder without a forwarder (negative control)" 1 \
	H "$BIN/redox-netsetup" doctor --run-dir "$run"
check_output "and says what to fix" "nothing listens on 172\.16\.0\.1 port 53.*cannot resolve"
check "down" H "$BIN/redox-netsetup" down --run-dir "$run"
done_testing
