#!/usr/bin/env bash
# test_journal_enospc.sh - a full disk under the journal: `up` refuses cleanly and
# changes nothing; an existing journal is never damaged; once there is room again,
# `down` undoes everything.  The run directory is a tiny tmpfs in a private mount
# namespace inside the test's network namespace.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env enospc
state() { NS sh -c 'ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward'; }
cat >"$run/scenario.sh" <<SCENARIO
set -u
B=$BIN/redox-netsetup
R=$run/tiny
state() { ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward; }
mkdir -p \$R && mount -t tmpfs -o size=64k tmpfs \$R || exit 1
# Bounded, and only onto the tmpfs: twice its size never reaches the real disk.
fill() { mountpoint -q \$R && dd if=/dev/zero of=\$R/filler bs=4k count=32 2>/dev/null; sync; }
before=\$(state)
fill
\$B up --owner 65534 --run-dir \$R 2>\$R/../err1; echo "up-full=\$?"
grep -q "No space left on device" \$R/../err1 && echo "message-names-enospc=0" || echo "message-names-enospc=1"
[ "\$before" = "\$(state)" ]; echo "unchanged-after-refusal=\$?"
rm -f \$R/filler
\$B up --owner 65534 --run-dir \$R >/dev/null 2>&1; echo "up-with-room=\$?"
cp \$R/journal \$R/../journal.saved
fill
\$B up --tap second0 --address 172.16.7.1/24 --owner 65534 --run-dir \$R 2>/dev/null; echo "second-up-full=\$?"
! ip link show second0 >/dev/null 2>&1; echo "second-tap-rolled-back=\$?"
cmp -s \$R/journal \$R/../journal.saved; echo "journal-intact=\$?"
rm -f \$R/filler
\$B down --run-dir \$R >/dev/null 2>&1; echo "down=\$?"
[ "\$before" = "\$(state)" ]; echo "clean-after-down=\$?"
umount \$R
SCENARIO
out=$(NS unshare -m bash "$run/scenario.sh" 2>&1)
result() { sed -n "s/^$1=//p" <<<"$out"; }
check "up with the journal's disk full fails (1)" test "$(result up-full)" = 1
check "and its message names the cause" test "$(result message-names-enospc)" = 0
check "and nothing in the namespace changed" test "$(result unchanged-after-refusal)" = 0
check "with room, up succeeds" test "$(result up-with-room)" = 0
check "a second up with the disk full fails (1)" test "$(result second-up-full)" = 1
check "and what it created was rolled back" test "$(result second-tap-rolled-back)" = 0
check "and the existing journal is byte for byte intact" test "$(result journal-intact)" = 0
check "with room again, down succeeds" test "$(result down)" = 0
check "and the namespace is as it was before" test "$(result clean-after-down)" = 0
[ "$_failed" -eq 0 ] || printf '#   %s\n' "$out"
done_testing
