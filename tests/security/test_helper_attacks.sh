#!/usr/bin/env bash
# test_helper_attacks.sh - SECURITY.md's 16 attacks against a real setuid-root build of
# redox-net-helper, run as an unprivileged user (uid 65534) inside throwaway network
# namespaces, with the audit log read from a private /dev/log.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

ns=$(netns_new sec)
NS() { nsrun "$ns" "$@"; }
# call [CLIENT_OPTS] -- HELPER_ARGS: one request as uid 65534; status is the reply's.
call() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift
	NS "$TOOLS/helper_client" --user 65534 "${opts[@]}" -- "$HELPER" --fd=@ "$@"
}
# audited REGEX: the last audit line matches.
audited() { sleep 0.1; tail -n 1 "$AUDIT" | grep -qE -- "$1"; }

set_policy "deny uid 65534 tap abcdefghijklmno
allow uid 65534 tap * queues 256
quota uid 65534 devices 100"
mk_tap "$ns" tap0
mk_tap "$ns" abcdefghijklmn5
mk_tap "$ns" abcdefghijklmno

# --- 1. name lengths: 15 accepted; 16, 17, 4096 rejected, never truncated
check_status "1: a 15-character name is accepted" 0 call --verify -- --tap abcdefghijklmn5
check_output "1: and the fd is a queue of that TAP" "verified=1"
ip -n "$ns" link set abcdefghijklmn5 nomaster 2>/dev/null
for len in 16 17 4096; do
	name=$(printf 'a%.0s' $(seq "$len"))
	check_status "1: a $len-character name is rejected as a usage error" 2 call -- --tap "$name"
	check_output "1: ... saying it is longer than 15 characters" "longer than 15"
done
check_status "1: 'deny abcdefghijklmno' holds for abcdefghijklmnoXYZ (rejected, not cut)" 2 call -- --tap abcdefghijklmnoXYZ
check_status "1: and the 15-character denied name itself is denied by policy (3)" 3 call -- --tap abcdefghijklmno
check "1: that deny is audited with its policy line" audited "policy=$POLICY:1 device=abcdefghijklmno .*result=deny"

# --- 2. strange names
for name in "" . .. a/b ../x a:b "a b" $'a\nb' %d %n $'\e[31m' '"q"' "'q'" 'a;b' -x --tap; do
	check_status "2: name $(printf %q "$name") is rejected" 2 call -- --tap "$name"
done
check "2: a rejected name is audited escaped, on one line" sh -c "grep -c 'request=' $AUDIT | grep -q . && ! grep -q \$'\\e' $AUDIT"

# --- 3. devices that are not redox-net TAPs of the caller
NS ip link add up0 type veth peer name up1
NS ip link add br0 type bridge
NS ip link set up0 group $((0x72786e)); NS ip link set br0 group $((0x72786e))
mk_tap "$ns" other0 1234
for dev in lo up0 up1 br0; do
	check_status "3: $dev (not a TAP) is refused (3)" 3 call -- --tap "$dev"
	check_output "3: ... because it is not a TAP" "not a TAP"
done
check_status "3: another user's TAP is refused (3)" 3 call -- --tap other0
check_output "3: ... because it belongs to another user" "another user"
check "3: its owner is unchanged" test "$(tap_owner "$ns" other0)" = 1234

# --- 4. a TAP someone else made first, outside redox-net's group
NS ip tuntap add dev evil0 mode tap vnet_hdr user 65534
NS ip link set evil0 up
check_status "4: an attacker-made TAP of a permitted name is refused (3)" 3 call -- --tap evil0
check_output "4: ... because redox-netsetup did not make it" "not created by redox-netsetup"
check "4: nothing ever attached to it" sh -c "ip netns exec $ns ip -o link show evil0 | grep -q NO-CARRIER"

# --- 5. bad --fd values
for fd in abc -1 0 1 2 99999; do
	check_status "5: --fd=$fd is rejected" 2 NS "${AS_NOBODY[@]}" "$HELPER" --fd="$fd" --tap tap0
done
check_status "5: --fd naming a regular file is rejected" 2 NS "${AS_NOBODY[@]}" bash -c "exec 5</etc/hostname; exec $HELPER --fd=5 --tap tap0"
check_status "5: --fd naming a pipe is rejected" 2 NS "${AS_NOBODY[@]}" bash -c "exec 5< <(sleep 2); exec $HELPER --fd=5 --tap tap0"
check_status "5: --fd naming a UDP socket is rejected" 2 NS "${AS_NOBODY[@]}" bash -c "exec 5<>/dev/udp/127.0.0.1/9; exec $HELPER --fd=5 --tap tap0"
check_status "5: --fd naming a TCP socket is rejected" 2 NS "${AS_NOBODY[@]}" /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); os.set_inheritable(s.fileno(), True)
os.execv(sys.argv[1], [sys.argv[1], "--fd=%d" % s.fileno(), "--tap", "tap0"])' "$HELPER"
check_output "5: ... as not an AF_UNIX SOCK_SEQPACKET socket" "SOCK_SEQPACKET"
check_status "5: --fd naming a UNIX stream socket is rejected" 2 NS "${AS_NOBODY[@]}" /usr/bin/python3 -c '
import os, socket, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM); os.set_inheritable(b.fileno(), True)
os.execv(sys.argv[1], [sys.argv[1], "--fd=%d" % b.fileno(), "--tap", "tap0"])' "$HELPER"

# --- 6. argc == 0
check_status "6: started with an empty argv it exits at once with a usage error" 2 NS "${AS_NOBODY[@]}" "$TOOLS/exec_argc0" "$HELPER"

# --- 7. environment
rm -f /tmp/rxn-preload-marker
clean=$(call -- --tap tap0)
evil=(--env LD_PRELOAD="$TOOLS/preload_marker.so" --env LD_AUDIT="$TOOLS/preload_marker.so"
	--env LD_LIBRARY_PATH=/tmp --env GLIBC_TUNABLES=glibc.malloc.check=3:glibc.malloc.mmap_threshold=1
	--env MALLOC_CHECK_=3 --env MALLOC_PERTURB_=85 --env LC_ALL=xx_XX.UTF-8 --env TZ=/etc/shadow
	--env PATH=/tmp/evil)
dirty=$(call "${evil[@]}" -- --tap tap0)
check "7: the same reply with and without LD_*/GLIBC_TUNABLES/MALLOC_*/LC_ALL/TZ/PATH" test "$clean" = "$dirty"
check "7: the preload library was never loaded into the helper" test ! -e /tmp/rxn-preload-marker
# Hold the quota lock so the helper waits where we can look at it.
hold_lock; holder=$HOLDER
call "${evil[@]}" -- --tap tap0 >/dev/null 2>&1 &
waiting=$!
for _ in $(seq 50); do hp=$(pgrep -f "^$HELPER " | head -1); [ -n "$hp" ] && break; sleep 0.05; done
sleep 0.2

# --- 16. while it waits: ptrace, /proc/PID/mem, /proc/PID/fd, core dumps
check "16: the caller cannot ptrace the helper (strace: Operation not permitted)" sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups timeout 3 strace -p $hp -o /dev/null 2>&1 | grep -q 'Operation not permitted'"
check "16: the caller cannot read /proc/PID/mem" sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups dd if=/proc/$hp/mem bs=1 count=1 skip=4194304 2>/dev/null"
check "16: the caller cannot list /proc/PID/fd" sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups ls /proc/$hp/fd >/dev/null 2>&1"
check "16: the caller cannot read /proc/PID/environ" sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups cat /proc/$hp/environ >/dev/null 2>&1"
check "16: the helper's core limit is 0" sh -c "grep -E '^Max core file size +0 +0' /proc/$hp/limits"
check "16: the helper holds no capability while it waits for the lock except CAP_NET_ADMIN (+DAC permitted)" sh -c "grep -E '^CapEff:\s+0000000000001000' /proc/$hp/status && grep -E '^CapBnd:\s+0000000000000000' /proc/$hp/status"
core_dir=$(mktemp -d); chmod 777 "$core_dir"
(cd "$core_dir" && setpriv --reuid=65534 --regid=65534 --clear-groups kill -SEGV "$hp")
wait "$waiting"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
sleep 0.2
check "16: a SIGSEGV sent by the caller leaves no core file" sh -c "! ls $core_dir /tmp | grep -q '^core'"
rm -rf "$core_dir"

# --- 8. where the policy file lives
set_policy "allow uid 65534 tap *
quota uid 65534 devices 100"
for mode in 664 646 666; do
	chmod "$mode" "$POLICY"
	check_status "8: policy file mode $mode is refused (3)" 3 call -- --tap tap0
	check_output "8: ... naming the policy file" "$POLICY"
done
chmod 644 "$POLICY"; chown 65534 "$POLICY"
check_status "8: a policy file owned by a non-root user is refused" 3 call -- --tap tap0
chown root "$POLICY"; mv "$POLICY" "$POLICY.real"; ln -s "$POLICY.real" "$POLICY"
check_status "8: a symlinked policy file is refused" 3 call -- --tap tap0
rm -f "$POLICY"; mkfifo -m 644 "$POLICY"
check_status "8: a FIFO as policy file is refused, without hanging" 3 call -- --tap tap0
rm -f "$POLICY"; mv "$POLICY.real" "$POLICY"
chmod 775 "$POLICY_DIR"
check_status "8: a group-writable parent directory is refused" 3 call -- --tap tap0
chmod 757 "$POLICY_DIR"
check_status "8: a world-writable parent directory is refused" 3 call -- --tap tap0
chmod 755 "$POLICY_DIR"
check_status "8: with all of that fixed, the request is allowed again" 0 call -- --tap tap0

# --- 9. malformed policies fail closed, naming file:line
bad() {
	local desc=$1 text=$2 line=$3
	printf '%b' "$text" >"$POLICY"; chmod 644 "$POLICY"
	check_status "9: $desc: refused (3)" 3 call -- --tap tap0
	check_output "9: ... naming $POLICY:$line" "$POLICY:$line"
}
bad "an include loop" "allow uid 65534 tap *\ninclude $POLICY\n" 2
bad "a 2000-byte line" "allow uid 65534 tap *\n# $(printf 'x%.0s' $(seq 2000))\n" 2
bad "a NUL byte" "allow uid 65534 tap *\nallow uid 1 tap a\0b\n" 2
bad "CRLF line endings" "allow uid 65534 tap *\r\n" 1
bad "a duplicate rule" "allow uid 65534 tap *\nallow uid 65534 tap *\n" 2
bad "conflicting rules" "allow uid 65534 tap tap0\ndeny uid 65534 tap tap0\n" 2
bad "a negative count" "allow uid 65534 tap * queues -1\n" 1
bad "an overflowing count" "allow uid 65534 tap *\nquota uid 65534 devices 99999999999999999999999\n" 2

# --- 10. group and prefix matching
set_policy "allow gid 4242 tap *
allow user sys tap *
quota gid 4242 devices 100"
check_status "10: a caller not in the allowed group is denied (3)" 3 call -- --tap tap0
check "10: ... and audited as a deny for uid 65534" audited "uid=65534 .*result=deny"
check_status "10: the same caller in that group is allowed" 0 call --group 4242 -- --tap tap0
check "10: ... and audited as an allow naming the rule" audited "uid=65534 .*policy=$POLICY:1 .*result=allow"
check_status "10: user 'sync' is not covered by 'allow user sys' (3)" 3 NS "$TOOLS/helper_client" --user 4 -- "$HELPER" --fd=@ --tap tap0
check "10: ... and audited as a deny for uid 4" audited "uid=4 .*result=deny"

# --- 11. quotas: N allowed, the N+1st refused, and 100 parallel requests give exactly N
# A fresh namespace: the devices claimed above count against the caller's quota.
ns=$(netns_new quota)
mk_tap "$ns" tap0
set_policy "allow uid 65534 tap q*
quota uid 65534 devices 2"
for i in 0 1 2; do mk_tap "$ns" "q$i"; done
check_status "11: quota 2: the first device is granted" 0 call -- --tap q0
check_status "11: quota 2: the second device is granted" 0 call -- --tap q1
check_status "11: quota 2: asking again for a device already held costs nothing" 0 call -- --tap q0
check_status "11: quota 2: the third device is refused (3)" 3 call -- --tap q2
check_output "11: ... because of the quota" "quota"
for i in 0 1 2; do NS ip link del "q$i"; done
set_policy "allow uid 65534 tap p*
quota uid 65534 devices 5"
for i in $(seq 0 99); do mk_tap "$ns" "p$i"; done
pardir=$(mktemp -d)
for i in $(seq 0 99); do call -- --tap "p$i" >"$pardir/$i" 2>&1 & done
wait
granted=$(grep -l '^status=0 ' "$pardir"/* | wc -l)
owned=$(for i in $(seq 0 99); do tap_owner "$ns" "p$i"; done | grep -cx 65534)
check "11: 100 parallel requests with quota 5: exactly 5 granted (got $granted)" test "$granted" = 5
check "11: ... and exactly 5 devices are owned in the kernel (got $owned)" test "$owned" = 5
rm -rf "$pardir"
for i in $(seq 0 99); do NS ip link del "p$i"; done

# --- 12. SIGKILL at every step leaves nothing unaccounted
set_policy "allow uid 65534 tap k*
quota uid 65534 devices 3"
for i in $(seq 0 5); do mk_tap "$ns" "k$i"; done
for delay in $(seq 0 40); do
	call -- --tap "k$((delay % 6))" >/dev/null 2>&1 &
	p=$!
	sleep "0.00$((delay / 4))$((delay % 4 * 2))"
	# The helper is the client's child; the caller may kill it (same real uid).
	pkill -KILL -f "$HELPER" 2>/dev/null; wait "$p" 2>/dev/null
done
sleep 0.2
owners=$(for i in $(seq 0 5); do tap_owner "$ns" "k$i"; done | sort | uniq -c | tr -s ' ' | tr '\n' ';')
check "12: after 41 killed requests every k* TAP is free (0) or the caller's ($owners)" sh -c "! for i in 0 1 2 3 4 5; do ip netns exec $ns cat /sys/class/net/k\$i/owner; done | grep -vxE '0|65534'"
check "12: ... the caller owns at most 3" test "$(for i in $(seq 0 5); do tap_owner "$ns" "k$i"; done | grep -cx 65534)" -le 3
# fds in flight in a dead socket are released asynchronously; give the kernel a moment.
for _ in $(seq 30); do NS cat /sys/class/net/k{0,1,2,3,4,5}/carrier | grep -q 1 || break; sleep 0.1; done
check "12: ... no queue is left attached (carrier off on every k*)" sh -c "! ip netns exec $ns cat /sys/class/net/k0/carrier /sys/class/net/k1/carrier /sys/class/net/k2/carrier /sys/class/net/k3/carrier /sys/class/net/k4/carrier /sys/class/net/k5/carrier | grep -q 1"
first_owned=$(for i in $(seq 0 5); do [ "$(tap_owner "$ns" "k$i")" = 65534 ] && echo "k$i" && break; done)
check_status "12: the next run reconciles: a device claimed by a killed request is usable (${first_owned:-none})" 0 call -- --tap "${first_owned:-k0}"

# --- 13. a stopped lock holder does not block others for ever
set_policy "allow uid 65534 tap *
quota uid 65534 devices 100"
hold_lock; holder=$HOLDER; kill -STOP "$holder"
start=$(date +%s%N)
check_status "13: with the lock held by a stopped process the request fails (1), not hangs" 1 call -- --tap tap0
check_output "13: ... saying the lock is busy" "quota lock"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "13: ... within the 5 s bound (took $ms ms)" test "$ms" -lt 8000
kill -CONT "$holder"; kill "$holder"; wait "$holder" 2>/dev/null
check_status "13: once it is gone requests are served again" 0 call -- --tap tap0

# --- 14. a peer that closed its end or never reads
LAST_OUTPUT=$(call --close-first -- --tap tap0 2>&1)
check_output "14: a closed peer: the helper exits normally, not by a signal" "signal=0"
check_output "14: ... and quickly" "elapsed_ms=[0-9]{1,4}$"
LAST_OUTPUT=$(call --no-read -- --tap tap0 2>&1)
check_output "14: a peer that never reads: the helper exits normally" "exit=0 signal=0"
LAST_OUTPUT=$(call --prefill -- --tap tap0 2>&1)
check_output "14: a peer whose queue is full: the helper gives up (exit 1) without a signal" "exit=1 signal=0"
check_output "14: ... after its send timeout, not for ever" "elapsed_ms=[0-9]{1,4}$"

# --- 15. queue counts
set_policy "allow uid 65534 tap * queues 256
quota uid 65534 devices 100"
mk_tap "$ns" mq0 0 4
for q in 0 257 -1 254 4096; do
	check_status "15: --queues $q is rejected" 2 call -- --tap mq0 --queues "$q"
done
check_status "15: 253 queues (the SCM_RIGHTS limit) on a multi-queue TAP work" 0 call --verify -- --tap mq0 --queues 253
check_output "15: ... and all 253 fds arrive as queues of mq0" "verified=253"
LAST_OUTPUT=$(NS bash -c "ulimit -n 24; exec $TOOLS/helper_client --user 65534 -- $HELPER --fd=@ --tap mq0 --queues 40" 2>&1)
check_output "15: running out of fds half-way fails the request" "status=1 queues=0"
check "15: ... and leaves no queue attached" sh -c "ip netns exec $ns ip -d link show mq0 | grep -q 'numqueues 0'"
check_status "15: a single-queue request on a multi-queue TAP is refused" 3 call -- --tap mq0 --queues 1
check_status "15: a multi-queue request on a single-queue TAP is refused" 3 call -- --tap tap0 --queues 2

done_testing
