#!/usr/bin/env bash
# test_nft_refused.sh - the kernel refuses up's nf_tables batch (another process owns
# table ip redox_net, NFT_TABLE_F_OWNER): up fails, names the refused object, and
# leaves the namespace as it was; the batch asks for one ACK only, so this checks
# that a refusal of any message is still seen.
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

netsetup_env nftref
state() { NS sh -c 'ip -d -o link show; ip -o addr show; nft list ruleset; cat /proc/sys/net/ipv4/ip_forward'; }
fifo=$run/hold.in
mkfifo "$fifo"
# The holder keeps the table while the fifo stays open for writing (fd 9 here).
NS "$TOOLS/nft_hold" redox_net <"$fifo" >"$run/hold.out" 2>&1 &
hold=$!
exec 9>"$fifo"
at_exit "exec 9>&-; wait $hold 2>/dev/null"
for _ in $(seq 50); do grep -q ready "$run/hold.out" && break; sleep 0.1; done
check "the holder owns table ip redox_net" grep -q ready "$run/hold.out"
before=$(state)

check_status "up fails when nf_tables refuses its batch" 1 netsetup up --owner 65534
check_output "it names the object the kernel refused" "nf_tables refused adding table redox_net: Operation not permitted"
check_output "and says the table has an owner, with the command that shows it" "another process owns table ip redox_net .*nft list table ip redox_net"
check "and blames no missing NAT module" bash -c '! grep -q masquerade <<<"$1"' _ "$LAST_OUTPUT"
check "the namespace is exactly as before (TAP, address, forwarding undone)" test "$before" = "$(state)"
check "no tap0 is left" sh -c "! ip netns exec $ns ip link show tap0 2>/dev/null"

# The journal keeps its nft record while a table of that name stands (the undo could not
# delete the holder's): once the owner is gone, down has nothing left and exits 0.
exec 9>&-
wait "$hold"
check "the owned table went with its owner" sh -c "! ip netns exec $ns nft list table ip redox_net 2>/dev/null"
check "down then exits 0" netsetup down
check "and the namespace is as before the holder" sh -c "test \"\$(ip netns exec $ns nft list ruleset)\" = ''"
check "up then succeeds" netsetup up --owner 65534
check "with its rules" sh -c "ip netns exec $ns nft list table ip redox_net | grep -q masquerade"
check "and down undoes it" netsetup down

# A refusal in the middle of a batch is seen too, although only the last message asks
# for an ACK, and it is named; nothing of that batch stays.
check "a batch refused in its middle fails, names the rule, applies nothing" \
	NS "$TOOLS/nft_hold" --refuse-middle rxn_refused
done_testing
