#!/usr/bin/env bash
# test_vm_api.sh - redox-run-net ping|info|pause|resume|snapshot|resize against
# tests/tools/ch_api_server, a stand-in for Cloud Hypervisor's API socket: each request
# line, header and JSON body byte for byte, and an actionable message for every way the
# VMM can fail to answer (no socket, a dead socket, not a socket, 404, 405, 500, a
# timeout, a closed connection, an answer that is not HTTP).  No root, no network:
# the sockets live in a temporary directory.
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d); at_exit "rm -rf $work"
sock=$work/api.sock
RN() { env -u CH_API_SOCKET -u TAP_NAME "$BIN/redox-run-net" "$@"; }

# serve MODE [SOCKET]: a fresh server on SOCKET (default $sock), logging to $work/log.
serve() {
	local s=${2:-$sock}
	[ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -f "$s" "$work/log" "$work/ready"
	"$TOOLS/ch_api_server" "$s" "$work/log" "$1" >"$work/ready" 2>&1 &
	server=$!
	at_exit "kill $server"
	for _ in $(seq 50); do grep -qs ready "$work/ready" && return 0; sleep 0.05; done
	return 1
}

# request METHOD ENDPOINT [BODY]: what redox-run-net must send, byte for byte.
request() {
	if [ $# -eq 3 ]; then
		printf '%s /api/v1/%s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "$1" "$2" "${#3}" "$3"
	else
		printf '%s /api/v1/%s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n' "$1" "$2"
	fi
}

# sent DESCRIPTION METHOD ENDPOINT [BODY]: the server logged exactly that one request.
sent() {
	local desc=$1; shift
	request "$@" >"$work/want"
	if cmp -s "$work/want" "$work/log"; then ok 0 "$desc"; else
		ok 1 "$desc"
		printf '#   wanted: %s\n#   got:    %s\n' "$(od -c "$work/want" | head -5)" "$(od -c "$work/log" | head -5)"
	fi
	: >"$work/log"
}

serve ok
check_status "ping answers 0" 0 RN ping --api-socket "$sock"
sent "... GET /api/v1/vmm.ping, Host and Accept, no body" GET vmm.ping
check_output "... and prints the VMM's version" '"version":"0.0.0-test"'
check_status "info answers 0" 0 RN info --api-socket "$sock"
sent "... GET /api/v1/vm.info" GET vm.info
check_output "... and prints the VmInfo document (200 with a JSON body)" '"state":"Running"'
check_status "pause answers 0 on 204" 0 RN pause --api-socket "$sock"
sent "... PUT /api/v1/vm.pause with no body" PUT vm.pause
check_status "resume answers 0 on 204" 0 RN resume --api-socket "$sock"
sent "... PUT /api/v1/vm.resume with no body" PUT vm.resume
mkdir "$work/snap"
check_status "snapshot DIR (relative) answers 0" 0 sh -c "cd '$work' && env -u CH_API_SOCKET '$BIN/redox-run-net' snapshot snap --api-socket '$sock'"
sent "... PUT /api/v1/vm.snapshot with {\"destination_url\":\"file://ABSOLUTE DIR\"}" PUT vm.snapshot "{\"destination_url\":\"file://$work/snap\"}"
check_output "... and says how to restore it" "redox-run-net --restore snap"
check_status "resize --memory 4G answers 0" 0 RN resize --memory 4G --api-socket "$sock"
sent "... PUT /api/v1/vm.resize with {\"desired_ram\":4294967296}" PUT vm.resize '{"desired_ram":4294967296}'
check_status "resize --memory 1073741824 (bytes) answers 0" 0 RN resize --memory 1073741824 --api-socket "$sock"
sent "... desired_ram 1073741824" PUT vm.resize '{"desired_ram":1073741824}'

# Usage errors are caught before any request is sent.
check_status "resize --memory 4GB is a usage error" 2 RN resize --memory 4GB --api-socket "$sock"
check_output "... that names the option and the form" "--memory '4GB' is not a decimal number: give bytes, or a number followed by K, M or G"
check_status "resize without --memory is a usage error" 2 RN resize --api-socket "$sock"
check_status "snapshot without DIR is a usage error" 2 RN snapshot --api-socket "$sock"
check_status "snapshot into a missing directory is refused" 2 RN snapshot "$work/nope" --api-socket "$sock"
check_output "... saying to create it" "create it first"
check_status "--timeout 0 is a usage error" 2 RN pause --timeout 0 --api-socket "$sock"
check "... and none of them reached the VMM" test ! -s "$work/log"

# Where the socket is found: CH_API_SOCKET, then $XDG_RUNTIME_DIR/redox-run-net/TAP.sock.
check_status "CH_API_SOCKET names the socket" 0 env CH_API_SOCKET="$sock" "$BIN/redox-run-net" pause
sent "... and pause reached it" PUT vm.pause
mkdir -m 700 "$work/xdg" "$work/xdg/redox-run-net"
serve ok "$work/xdg/redox-run-net/vm0.sock"
check_status "--tap vm0 finds \$XDG_RUNTIME_DIR/redox-run-net/vm0.sock" 0 env XDG_RUNTIME_DIR="$work/xdg" "$BIN/redox-run-net" pause --tap vm0
sent "... and pause reached it" PUT vm.pause
check_status "TAP_NAME does too" 0 env XDG_RUNTIME_DIR="$work/xdg" TAP_NAME=vm0 "$BIN/redox-run-net" resume
sent "... and resume reached it" PUT vm.resume
chmod 755 "$work/xdg/redox-run-net"
check_status "a socket directory open to others is refused" 1 env XDG_RUNTIME_DIR="$work/xdg" "$BIN/redox-run-net" pause --tap vm0
check_output "... saying it must be 0700" "closed to others \\(mode 0700\\)"
chmod 700 "$work/xdg/redox-run-net"

# Every way the VMM can fail to answer ends in a message that says what to do.
check_status "no socket: exit 1" 1 env XDG_RUNTIME_DIR="$work/xdg" "$BIN/redox-run-net" pause --tap vm9
check_output "... 'no VM API socket' at the per-user path" "no VM API socket at $work/xdg/redox-run-net/vm9.sock: that VM is not running"
check_output "... hint: how to start one with a socket" "hint: start it with --profile dev or --api-socket PATH"
serve ok; kill -9 "$server"; wait "$server" 2>/dev/null; server=
check_status "a socket whose VMM died: exit 1" 1 RN pause --api-socket "$sock"
check_output "... 'refuses connections': its VMM has exited" "refuses connections: the VMM that made it has exited"
check_output "... hint: remove it and start again" "hint: remove the stale socket and start the VM again"
: >"$work/plain"
check_status "a file that is not a socket: exit 1" 1 RN pause --api-socket "$work/plain"
check_output "... says so" "is not a socket"
serve 404
check_status "404: exit 1" 1 RN pause --api-socket "$sock"
check_output "... the VMM has no VM" "pause: the VMM has no VM \\(404\\)"
sent "... after sending the request" PUT vm.pause
serve 405
check_status "405: exit 1" 1 RN resume --api-socket "$sock"
check_output "... the VM's state does not allow it" "resume: the VM is not in a state that allows it \\(405\\)"
check_output "... hint: which state each command needs" "hint: .*resume a paused one"
serve 500
check_status "500 on snapshot: exit 1" 1 RN snapshot "$work/snap" --api-socket "$sock"
check_output "... with the VMM's own reason" "snapshot: the VMM could not do it \\(500\\): \"Error from API: the test server was told to fail\""
check_output "... hint: pause first, and an empty writable directory" "hint: pause the VM first \\(redox-run-net pause\\), and give an empty directory"
check_status "500 on resize: exit 1" 1 RN resize --memory 8G --api-socket "$sock"
check_output "... and that memory grows only into hotplug space" "start the VM with --hotplug SIZE"
serve slow
t0=$(date +%s%N)
check_status "a VMM that does not answer: exit 1" 1 RN pause --timeout 1 --api-socket "$sock"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check_output "... 'did not answer within 1 s'" "did not answer PUT /api/v1/vm.pause within 1 s"
check_output "... hint: give a longer --timeout" "hint: .*give a longer --timeout"
ok $(( ms >= 900 && ms < 3000 ? 0 : 1 )) "... after the timeout and no later (${ms} ms)"
serve close
check_status "a VMM that closes without answering: exit 1" 1 RN info --api-socket "$sock"
check_output "... says so" "closed the connection without answering GET /api/v1/vm.info"
serve garbage
check_status "an answer that is not HTTP: exit 1" 1 RN ping --api-socket "$sock"
check_output "... shows its first bytes escaped (no raw escape sequence)" "not an HTTP/1.x response: 'SSH-2.0-OpenSSH_9.6\\\\x0d\\\\x0a\\\\x1b\\[31m'"
done_testing
