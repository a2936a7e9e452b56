# vmlib.sh - hostile stand-in VMs for the issue-12 attack suites: redox-run-net, run as a
# given uid with the real setuid helper, execs tests/tools/tap_ioctl_vmm, which holds its
# queue fds and issues TAP ioctls on them when the test says so through a FIFO.
# Source it after lib.sh and seclib.sh, once seclib_install has run; needs $ns and NS.

VMDIR=$(mktemp -d /tmp/rxn-vms.XXXXXX); chmod 755 "$VMDIR"
at_exit "rm -rf $VMDIR"
_vm_pids=()
at_exit '_vm_kill_all'

# vm UID NAME [VAR=VALUE...] -- RUNNER_ARGS...: start redox-run-net as UID (gid 65534) in
# the background; its VMM is the stand-in, controlled through $VMDIR/NAME.ctl.
# Output: $VMDIR/NAME.out (the stand-in's lines), .err (the runner's), .rc once it exits.
vm() {
	local uid=$1 name=$2 envs=()
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
	rm -f "$VMDIR/$name".*
	mkfifo -m 600 "$VMDIR/$name.ctl"; chown "$uid" "$VMDIR/$name.ctl"
	(
		NS setpriv --reuid="$uid" --regid=65534 --clear-groups env -i PATH=/usr/bin:/bin \
			REDOX_NET_HELPER="$HELPER" CH_BIN="$TOOLS/tap_ioctl_vmm" \
			TAP_VMM_CTL="$VMDIR/$name.ctl" "${envs[@]}" \
			"$BIN/redox-run-net" "$@" --disk /nonexistent.img \
			>"$VMDIR/$name.out" 2>"$VMDIR/$name.err"
		echo $? >"$VMDIR/$name.rc"
	) &
}

# vm_wait NAME: wait (at most 30 s) until the runner exited or its stand-in VMM runs.
# Return: 0 if the VMM runs (it got fds), 1 if the runner exited, 2 on a hang.
vm_wait() {
	local i
	for i in $(seq 300); do
		grep -q '^fds ' "$VMDIR/$1.out" 2>/dev/null && return 0
		[ -s "$VMDIR/$1.rc" ] && return 1
		sleep 0.1
	done
	echo "# vm_wait $1: neither a VMM nor an exit after 30 s" >&2
	return 2
}

# vm_pid NAME: the stand-in's pid, from its first line.
vm_pid() { sed -nE 's/^fds .* pid=([0-9]+)$/\1/p' "$VMDIR/$1.out" | head -1; }

# vm_fds NAME: its "fds ..." line without the pid, e.g. "3=mq0/mq 4=mq0/mq".
vm_fds() { sed -nE 's/^fds (.*) pid=[0-9]+$/\1/p' "$VMDIR/$1.out" | head -1; }

# vm_do NAME CMD: have the stand-in run CMD (tap_ioctl_vmm's syntax) and wait for its answer.
# Return: 0 if it did it.
vm_do() {
	local n i
	n=$(grep -c -e '^did ' -e '^failed ' "$VMDIR/$1.out")
	timeout 10 bash -c 'echo "$1" >"$2"' _ "$2" "$VMDIR/$1.ctl" || return 1
	for i in $(seq 100); do
		[ "$(grep -c -e '^did ' -e '^failed ' "$VMDIR/$1.out")" -gt "$n" ] && break
		sleep 0.05
	done
	grep -qxF "did $2" "$VMDIR/$1.out"
}

# vm_kill NAME: end a running stand-in by its pid and wait for the runner's subshell.
vm_kill() {
	local p
	p=$(vm_pid "$1")
	[ -n "$p" ] && kill "$p" 2>/dev/null
	for _ in $(seq 50); do [ -s "$VMDIR/$1.rc" ] && break; sleep 0.1; done
}

_vm_kill_all() {
	local f p
	for f in "$VMDIR"/*.out; do
		[ -e "$f" ] || continue
		p=$(sed -nE 's/^fds .* pid=([0-9]+)$/\1/p' "$f" | head -1)
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
	return 0
}

# queues NS TAP: "attached detached" as the kernel counts them.
queues() {
	ip -n "$1" -d link show "$2" | sed -nE 's/.* numqueues ([0-9]+) numdisabled ([0-9]+).*/\1 \2/p'
}

# audit_since LINE: the audit lines after line number LINE.
audit_since() { tail -n +"$(($1 + 1))" "$AUDIT"; }

# snap: remember `devices $ns` (seclib.sh) as $BEFORE.
snap() { BEFORE=$(devices "$ns"); }
# same_devices: succeed if `devices $ns` is still $BEFORE; otherwise print the difference.
same_devices() {
	local now
	now=$(devices "$ns")
	[ "$now" = "$BEFORE" ] && return 0
	diff <(printf '%s\n' "$BEFORE") <(printf '%s\n' "$now") | sed 's/^/  /'
	return 1
}
