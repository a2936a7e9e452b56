#!/usr/bin/env bash
# test_helper_messages.sh - issue 12 item 7: the setuid helper's refusals say what really
# happened.  (a) Under an RLIMIT_NOFILE of 4 or 5 the lock file cannot be opened: the
# refusal names the fd limit (EMFILE), not "the lock file is not a private regular file" or
# a missing lock directory.  (b) The policy path check never prints "P is a directory, not
# a directory": the compiled-in test policy's parent directory is swapped with a symlink
# (renameat2 RENAME_EXCHANGE, tests/tools/swap_loop) while requests run, so the helper sees
# a symlink on open and a directory on the second look.  Plain misplaced files (a symlinked
# parent, a directory as the policy) are named correctly beside it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/seclib.sh"
require_root_and_tun
seclib_private_dev "$0"
seclib_install

A=65534
ns=$(netns_new hmsg)
NS() { nsrun "$ns" "$@"; }
. "$(dirname "$0")/vmlib.sh"
mk_tap "$ns" tap0
set_policy "allow uid $A tap tap0
quota uid $A devices 4"
out=$(mktemp -d); at_exit "rm -rf $out"
emfile='[Tt]oo many open files|file descriptors|fd limit|RLIMIT_NOFILE'
wrong='not a private regular file|lock directory is missing'

# --- (a) a low RLIMIT_NOFILE, set by the caller for the helper alone (prlimit execs it)
for n in 4 5; do
	snap
	LAST_OUTPUT=$(NS "$TOOLS/helper_client" --user $A -- /usr/bin/prlimit --nofile=$n:$n \
		"$HELPER" --fd=@ --tap tap0 2>&1)
	check_output "RLIMIT_NOFILE $n: the request fails" '^status=[1-9]|exit=[1-9]'
	if grep -qE "$wrong" <<<"$LAST_OUTPUT"; then
		ok 1 "RLIMIT_NOFILE $n: the refusal does not blame the lock file or its directory"
		printf '#   %s\n' "$(grep -E "$wrong" <<<"$LAST_OUTPUT" | head -1)"
	else
		ok 0 "RLIMIT_NOFILE $n: the refusal does not blame the lock file or its directory"
	fi
	check_output "RLIMIT_NOFILE $n: it says the fd limit was hit" "$emfile"
	check "RLIMIT_NOFILE $n: nothing changed in the namespace" same_devices
done
# The same through redox-run-net, which puts the helper's socket at fd 3: a limit of 5
# leaves the helper one fd, the runner itself needs 5.
LAST_OUTPUT=$(NS bash -c "ulimit -n 5; exec setpriv --reuid=$A --regid=65534 --clear-groups \
	env -i REDOX_NET_HELPER=$HELPER CH_BIN=$TOOLS/tap_ioctl_vmm $BIN/redox-run-net \
	--tap tap0 --disk /nonexistent.img" 2>&1 </dev/null)
if grep -qE "$wrong" <<<"$LAST_OUTPUT"; then
	ok 1 "redox-run-net under ulimit -n 5: the refusal does not blame the lock file"
	printf '#   %s\n' "$(grep -E "$wrong" <<<"$LAST_OUTPUT" | head -1)"
else
	ok 0 "redox-run-net under ulimit -n 5: the refusal does not blame the lock file"
fi
check_output "redox-run-net under ulimit -n 5: it says the fd limit was hit" "$emfile"

# --- (b) plain cases: each message names what the path really is
mv "$POLICY_DIR" "$POLICY_DIR.real"; ln -s "${POLICY_DIR##*/}.real" "$POLICY_DIR"
check_status "a symlinked policy directory is refused (3)" 3 \
	NS "$TOOLS/helper_client" --user $A -- "$HELPER" --fd=@ --tap tap0
check_output "... saying it is a symlink, not a directory" "$POLICY_DIR is a symlink, not a directory"
rm "$POLICY_DIR"; mv "$POLICY_DIR.real" "$POLICY_DIR"
mv "$POLICY" "$POLICY.real"; mkdir -m 755 "$POLICY"
check_status "a directory where the policy file should be is refused (3)" 3 \
	NS "$TOOLS/helper_client" --user $A -- "$HELPER" --fd=@ --tap tap0
check_output "... saying it is a directory, not a regular file" "$POLICY is a directory, not a regular file"
rmdir "$POLICY"; mv "$POLICY.real" "$POLICY"
check_status "with the policy back in place the request is granted" 0 \
	NS "$TOOLS/helper_client" --user $A -- "$HELPER" --fd=@ --tap tap0

# --- (b) the race: the parent is a directory and a symlink by turns
alt=$POLICY_DIR.swap
ln -s "${POLICY_DIR##*/}.gone" "$alt"
at_exit "rm -f $alt"
RUNS=300
"$TOOLS/swap_loop" "$POLICY_DIR" "$alt" 30 >"$out/swap" 2>&1 &
swapper=$!
for _ in $(seq 50); do grep -q ready "$out/swap" && break; sleep 0.05; done
for i in $(seq $RUNS); do
	NS "$TOOLS/helper_client" --user $A -- "$HELPER" --fd=@ --tap tap0 >"$out/r$i" 2>&1
done
kill "$swapper" 2>/dev/null; wait "$swapper" 2>/dev/null
# The swapper may stop half-way: put the directory back where it belongs.
if [ -L "$POLICY_DIR" ]; then
	python3 -c 'import ctypes,sys; l=ctypes.CDLL(None,use_errno=True); sys.exit(l.renameat2(-100,sys.argv[1].encode(),-100,sys.argv[2].encode(),2))' "$POLICY_DIR" "$alt"
fi
check "the policy directory is a directory again after the race" test -d "$POLICY_DIR" -a ! -L "$POLICY_DIR"
sym=$(grep -l "is a symlink, not a directory" "$out"/r* | wc -l)
granted=$(grep -l '^status=0 ' "$out"/r* | wc -l)
same='is a directory, not a directory|is a regular file, not a regular file|is a symlink, not a symlink'
bad=$(grep -lE "$same" "$out"/r* | wc -l)
echo "# $RUNS requests during the swap: $granted granted, $sym saw the symlink, $bad said 'X, not X'"
check "the race was run: some requests saw the symlink ($sym), some the directory ($granted)" \
	test "$sym" -gt 0 -a "$granted" -gt 0
check "no refusal says 'is a directory, not a directory' ($bad of $RUNS did)" test "$bad" -eq 0
grep -h '^status=' "$out"/r* | sed -E 's/.*error=/error=/' | sort | uniq -c | sed 's/^/#   /'
check "every request was either granted or refused by policy, none hung or crashed" \
	test "$(grep -lE '^status=(0|3) ' "$out"/r* | wc -l)" -eq "$RUNS"
check "the namespace is as before" test "$(tap_owner "$ns" tap0)" = $A
done_testing
