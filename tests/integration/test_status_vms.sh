#!/usr/bin/env bash
# test_status_vms.sh - `redox-netsetup status` shows the VMs: each guest port (per-VM bridge
# TAPs and pool TAPs the real setuid helper handed out), its owner by the helper's record and
# by the kernel, slot, guest MAC, the lease the real responder gave it, and the process holding
# its queues; the JSON against the shape the man page documents; what uid 65534 sees; and
# status runs while ports come and go.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../security/seclib.sh"
require_root_and_tun
command -v python3 >/dev/null || { skip "needs python3"; done_testing; }
seclib_private_dev "$0"
seclib_install

ns=$(netns_new sthost); g1=$(netns_new stg1); g2=$(netns_new stg2)
run=$(mktemp -d); at_exit "rm -rf $run"
chmod 755 "$run"	# as /run/redox-net is: anyone may read the journal
leases=$run/leases
NS() { nsrun "$ns" "$@"; }
netsetup() { NS "$BIN/redox-netsetup" "$@" --run-dir "$run"; }
status_json() { NS "$BIN/redox-netsetup" status --json --run-dir "$run" --lease-dir "$leases"; }
# request UID [CLIENT_OPTS] [-- HELPER_ARGS]: a TAP on redoxbr0 from the helper, as UID.
request() {
	local uid=$1; shift
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	exec ip netns exec "$ns" "$TOOLS/helper_client" --user "$uid" "${opts[@]}" -- "$HELPER" --fd=@ --bridge redoxbr0 "$@"
}
# relay_vm UID SLOT NETNS MAC: a stand-in VMM (relay, run by root: it enters NETNS) holding
# UID's TAP in SLOT and carrying its frames into NETNS's eth0, whose MAC becomes MAC.
relay_vm() {
	(request "$1" --relay "/var/run/netns/$3" eth0 -- --slot "$2") >"$run/vm$2.out" 2>&1 &
	vmpid=$!
	at_exit "kill $vmpid"
	for _ in $(seq 50); do grep -q ready "$run/vm$2.out" && break; sleep 0.1; done
	nsrun "$3" ip link set eth0 address "$4"
	nsrun "$3" ip link set eth0 up
}

set_policy "allow uid 65534 bridge redoxbr0
allow uid 65533 bridge redoxbr0
allow uid 65533 tap tapp0
quota uid 65534 devices 8
quota uid 65533 devices 8"
# The responder runs as "daemon", so that uid 65534 below is just another user to it.
check "up --bridge redoxbr0 --dhcp" \
	netsetup up --bridge redoxbr0 --dhcp --lease-dir "$leases" --dhcp-user daemon

# --- two VMs of two users, each with its lease from the real responder
relay_vm 65534 1 "$g1" 02:00:00:ff:fe:01; pid1=$vmpid
relay_vm 65533 2 "$g2" 02:00:00:ff:fd:02; pid2=$vmpid
lease() { nsrun "$1" "$TOOLS/redox_dhcp_client" eth0 | awk '/^ack/ {print $2}'; }
ip1=$(lease "$g1"); ip2=$(lease "$g2")
check "VM 1 (uid 65534, slot 1) got a lease ($ip1)" test -n "$ip1"
check "VM 2 (uid 65533, slot 2) got a lease ($ip2)" test -n "$ip2"
# A third VM of 65534's gives its TAP to 65533 through its fd (TUNSETOWNER): the kernel's
# owner field changes, the helper's record (the name) does not.
(request 65534 --owner 65533 --hold -- --slot 3) >"$run/vm3.out" 2>&1 &
pid3=$!; at_exit "kill $pid3"
# A pool TAP, made as redox-netsetup makes it, granted to 65533 by the helper (its alias),
# with a neighbour entry for its guest in the kernel.
mk_tap "$ns" tapp0
(exec ip netns exec "$ns" "$TOOLS/helper_client" --user 65533 --hold -- "$HELPER" --fd=@ --tap tapp0) \
	>"$run/pool.out" 2>&1 &
pid4=$!; at_exit "kill $pid4"
for _ in $(seq 50); do
	grep -q 'status=0' "$run/vm3.out" "$run/pool.out" 2>/dev/null &&
		[ "$(grep -l 'status=0' "$run/vm3.out" "$run/pool.out" | wc -l)" = 2 ] && break
	sleep 0.1
done
check "VM 3 holds rn1ekes3, given to 65533 through its fd" grep -q "status=0" "$run/vm3.out"
check "the pool TAP tapp0 is granted to 65533" grep -q 'status=0' "$run/pool.out"
# A VM that uid 65534 starts itself: redox-run-net and the setuid helper, the stand-in VMM
# holding the queue runs as 65534 (tests/security/vmlib.sh).
. "$(dirname "$0")/../security/vmlib.sh"
vm 65534 r4 -- --bridge redoxbr0 --slot 4
vm_wait r4
check "uid 65534's own VM runs through redox-run-net" test $? = 0
pid5=$(for p in $(ip netns pids "$ns"); do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = tap_ioctl_vmm ] && echo "$p"; done | head -1)
NS ip neigh replace 172.16.0.77 lladdr 52:54:00:aa:bb:cc dev tapp0 nud permanent

# A process in another namespace holding a TAP of VM 1's name: fdinfo names the device only,
# so only the device's namespace tells it apart from VM 1's holder.
other=$(netns_new stoth)
(exec ip netns exec "$other" python3 -c '
import fcntl, os, struct, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"rn1ekes1", 0x0002 | 0x1000))  # TUNSETIFF TAP
print("ready", flush=True)
time.sleep(600)') >"$run/other.out" 2>&1 &
pid6=$!; at_exit "kill $pid6"
for _ in $(seq 50); do grep -q ready "$run/other.out" && break; sleep 0.1; done
check "a process in another namespace holds a TAP named rn1ekes1 too" grep -q ready "$run/other.out"
# A device of redox-net's group that is no guest port, for the table's down --all hint.
NS ip link add rnxd0 type bridge
NS ip link set rnxd0 group $((0x72786e))

check_status "status --json as root exits 0" 0 status_json
json=$LAST_OUTPUT
printf '%s\n' "$json" >"$run/status.json"
now=$(date +%s)
# row NAME PYTHON-EXPR: the port's JSON row (as p) in $ROW_JSON (default the last root run)
# satisfies the expression; held(pid, comm[, verified]) says p lists that holder.
row() {
	python3 - "${ROW_JSON:-$run/status.json}" "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = [p for p in doc["vm_ports"] if p["name"] == sys.argv[2]]
if len(rows) != 1:
    sys.exit("no single row for %s: %s" % (sys.argv[2], doc["vm_ports"]))
p = rows[0]
def held(pid, comm, verified=True):
    return any(h["pid"] == pid and h["comm"] == comm and
               (verified is None or h["verified"] is verified) for h in p["holders"])
if not eval(sys.argv[3]):
    sys.exit("row: %s" % p)
EOF
}
check "VM 1's row: bridge TAP rn1ekes1 on redoxbr0, slot 1, owner 65534 (nobody)" row rn1ekes1 \
	"p['type'] == 'bridge_tap' and p['bridge'] == 'redoxbr0' and p['slot'] == 1 and p['owner'] == 65534 and p['user'] == 'nobody' and not p['owner_mismatch']"
check "VM 1's row: guest MAC 02:00:00:ff:fe:01, derived from the name" row rn1ekes1 \
	"p['mac'] == '02:00:00:ff:fe:01' and p['mac_source'] == 'name'"
check "VM 1's row: its leased address $ip1, expiring within the lease time" row rn1ekes1 \
	"p['address'] == '$ip1' and $now < p['expires'] <= $now + 3600 + 5"
check "VM 1's row: held by pid $pid1 (relay)" row rn1ekes1 \
	"held($pid1, 'relay') and p['queues'] == 1"
check "VM 1's holder is verified (its fd's device is in status's namespace); the same-named TAP's holder in another namespace (pid $pid6) is not listed" \
	row rn1ekes1 "held($pid1, 'relay', True) and not held($pid6, 'python3', None) and p['holders_total'] == 1"
check "VM 2's row: slot 2, owner 65533, MAC 02:00:00:ff:fd:02, address $ip2, pid $pid2" row rn1ekds2 \
	"p['slot'] == 2 and p['owner'] == 65533 and p['mac'] == '02:00:00:ff:fd:02' and p['address'] == '$ip2' and $now < p['expires'] <= $now + 3605 and held($pid2, 'relay')"
check "VM 3's row: recorded owner 65534, kernel owner 65533, shown as a mismatch" row rn1ekes3 \
	"p['recorded_owner'] == 65534 and p['kernel_owner'] == 65533 and p['owner_mismatch'] and p['owner'] == 65534"
check "VM 3's row: no lease yet, held by pid $pid3 (helper_client)" row rn1ekes3 \
	"p['address'] is None and p['expires'] is None and held($pid3, 'helper_client')"
check "uid 65534's redox-run-net VM: rn1ekes4, slot 4, owner 65534, held by pid $pid5 (tap_ioctl_vmm)" row rn1ekes4 \
	"p['slot'] == 4 and p['owner'] == 65534 and p['mac'] == '02:00:00:ff:fe:04' and held(${pid5:-0}, 'tap_ioctl_vmm')"
check "the pool TAP's row: owner 65533 by the helper's alias, no slot, no bridge" row tapp0 \
	"p['type'] == 'pool_tap' and p['bridge'] is None and p['slot'] is None and p['recorded_owner'] == 65533 and p['kernel_owner'] == 65533 and not p['owner_mismatch']"
check "the pool TAP's row: its guest's MAC from the kernel's neighbour table; held by $pid4" row tapp0 \
	"p['mac'] == '52:54:00:aa:bb:cc' and p['mac_source'] == 'neighbour' and held($pid4, 'helper_client')"
check "root sees every holder, and the leases" python3 -c "
import json, sys; d = json.load(open('$run/status.json'))
sys.exit(not (d['holders_complete'] is True and d['leases'] == 'ok' and d['lease_file'] == '$leases/leases'))"

# --- the JSON has exactly the shape docs/man/redox-netsetup.8 documents
shape() {
	python3 "$TOP/tests/integration/status_shape.py" "$TOP/docs/man/redox-netsetup.8" "$1"
}
check "the JSON has the documented shape (every member, its type, nothing else)" shape "$run/status.json"

# --- the table
check_status "status (table) exits 0" 0 NS "$BIN/redox-netsetup" status --run-dir "$run" --lease-dir "$leases"
check_output "VM 1's line: port, bridge, slot, owner, MAC, address, holder" \
	"^rn1ekes1 +redoxbr0 +1 +65534\\(nobody\\) +02:00:00:ff:fe:01 +${ip1//./\\.} +in [0-9]+s +$pid1\\(relay\\)"
check_output "VM 3's owner mismatch is called out" \
	"warning: rn1ekes3's kernel owner is uid 65533, but the helper's record says uid 65534"
table=$LAST_OUTPUT
check "the table gives no running VM's port the 'down --all removes it' hint" \
	bash -c '! grep -E "^device +(rn1ek|tapp0)" <<<"$1"' _ "$table"
check_output "... but does give it to a device of the group that is no guest port (rnxd0)" \
	"^device +rnxd0 +present +not in the journal: 'redox-netsetup down --all' removes it"
check "the JSON's unjournaled_devices still lists every group device not in the journal, ports too" \
	python3 -c "
import json, sys; d = json.load(open('$run/status.json'))
sys.exit(not {'rn1ekes1', 'rn1ekds2', 'tapp0', 'rnxd0'} <= set(d['unjournaled_devices']))"

# --- what uid 65534 sees: every port, but only its own processes and not the leases
check_status "status --json as uid 65534 exits 0" 0 \
	NS "${AS_NOBODY[@]}" "$BIN/redox-netsetup" status --json --run-dir "$run" --lease-dir "$leases"
printf '%s\n' "$LAST_OUTPUT" >"$run/nobody.json"
check "uid 65534's JSON has the documented shape too" shape "$run/nobody.json"
cp "$run/nobody.json" "$run/status.json"
check "uid 65534 sees its own VM's holder (pid $pid5), unverified: it may not ask the kernel its namespace" \
	row rn1ekes4 "held(${pid5:-0}, 'tap_ioctl_vmm', False) and p['mac'] == '02:00:00:ff:fe:04'"
check "uid 65534 sees every port, with owners and MACs, but not root's relay holding VM 1" row rn1ekes1 \
	"p['holders'] == [] and p['owner'] == 65534 and p['mac'] == '02:00:00:ff:fe:01'"
check "uid 65534 does not see 65533's VMM, nor the leases" row rn1ekds2 "p['holders'] == [] and p['address'] is None"
check "... and is told so: holders_complete false, leases unreadable" python3 -c "
import json, sys; d = json.load(open('$run/nobody.json'))
sys.exit(not (d['holders_complete'] is False and d['leases'] == 'unreadable'))"
check_status "uid 65534's table exits 0" 0 \
	NS "${AS_NOBODY[@]}" "$BIN/redox-netsetup" status --run-dir "$run" --lease-dir "$leases"
check_output "... and says why holders and leases are missing" "only your own processes.*|unreadable"

# --- status while VMs come and go: every run exits 0 with well-formed JSON
churn() {
	while :; do
		(request 65534 -- --slot 9) >/dev/null 2>&1
		ip netns exec "$ns" ip tuntap add dev tapc0 mode tap vnet_hdr 2>/dev/null
		ip -n "$ns" link set tapc0 group $((0x72786e)) up 2>/dev/null
		ip -n "$ns" link del tapc0 2>/dev/null
	done
}
churn & churner=$!
at_exit "kill $churner"
bad=0 runs=40
for i in $(seq $runs); do
	if ! status_json >"$run/churn.$i.json" 2>"$run/churn.$i.err" ||
	   ! shape "$run/churn.$i.json" >"$run/churn.$i.shape" 2>&1; then
		bad=$((bad + 1)); echo "# run $i: $(cat "$run/churn.$i.err" "$run/churn.$i.shape")"
	fi
done
kill "$churner"; wait "$churner" 2>/dev/null
check "$runs status runs while ports come and go: all exit 0 with well-formed, documented JSON ($bad bad)" test "$bad" = 0
check "the churning ports were seen at least once" sh -c "cat $run/churn.*.json | grep -Eq '\"(rn1ekes9|tapc0)\"'"

# --- status does not claim what is not so: the same checks against deliberately wrong data
mkdir "$run/alt"
alt() { NS "$BIN/redox-netsetup" status --json --run-dir "$run" --lease-dir "$run/alt" >"$run/alt.json"; }
export ROW_JSON=$run/alt.json
journal=$(cat "$leases/leases")
printf '%s\n' "$journal" | sed 's/02:00:00:ff:fe:01/02:00:00:ff:fe:99/' >"$run/alt/leases"; alt
check "VM 1's lease journaled for another MAC: VM 1 has no address, VM 2 keeps $ip2" \
	row rn1ekes1 "p['address'] is None and p['expires'] is None"
check "... (VM 2 in the same run)" row rn1ekds2 "p['address'] == '$ip2'"
printf '%s\nrelease 02:00:00:ff:fe:01 %s\n' "$journal" "$ip1" >"$run/alt/leases"; alt
check "VM 1's lease released: VM 1 has no address" row rn1ekes1 "p['address'] is None"
printf '%s\nbind 02:00:00:ff:fe:77 %s %s x\n' "$journal" "$ip1" $((now + 600)) >"$run/alt/leases"; alt
check "VM 1's address bound to another MAC since: VM 1 has no address" row rn1ekes1 "p['address'] is None"
printf '%s\nbind 02:00:00:ff:fe:01 172.16.0.250 %s xx' "$journal" $((now + 600)) >"$run/alt/leases"; alt
check "a torn last line rebinding VM 1 is left out: VM 1 keeps $ip1, lease_torn" \
	row rn1ekes1 "p['address'] == '$ip1' and json.load(open(sys.argv[1]))['lease_torn'] is True"
NS ip link set tapp0 alias "redox-net uid=65534"; alt
check "a pool TAP whose alias says uid 65534: owner 65534 by the record, kernel's 65533, a mismatch" \
	row tapp0 "p['owner'] == 65534 and p['recorded_owner'] == 65534 and p['kernel_owner'] == 65533 and p['owner_mismatch']"
NS ip link set tapp0 alias "redox-net uid=65533"
NS ip neigh del 172.16.0.77 dev tapp0; alt
check "the pool guest's neighbour entry gone: tapp0 has no MAC, so no lease" \
	row tapp0 "p['mac'] is None and p['mac_source'] is None and p['address'] is None"
kill "$pid4"; wait "$pid4" 2>/dev/null; alt
check "the pool TAP's holder exited: tapp0 has no holder and no queue" \
	row tapp0 "p['holders'] == [] and p['holders_total'] == 0 and p['queues'] == 0"
check_status "status (table) exits 0" 0 NS "$BIN/redox-netsetup" status --run-dir "$run" --lease-dir "$leases"
check_output "... and the table now tells that down --all removes tapp0, which no VM holds" \
	"^device +tapp0 +present +a guest port no VM holds"
unset ROW_JSON

kill "$pid1" "$pid2" "$pid3" "$pid4" "$pid6" 2>/dev/null; wait "$pid1" "$pid2" "$pid3" "$pid4" "$pid6" 2>/dev/null
check "down --all" netsetup down --all
done_testing
