#!/usr/bin/env bash
# test_packaging.sh - make install/uninstall, the systemd unit (verified by systemd and
# run for real in a namespace), the Nix files, and every configuration the NixOS module
# can generate accepted by the built binary (`up --check`).
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

dest=$(mktemp -d); at_exit "rm -rf $dest"
# The helper's group must exist for the chown; root always does, the machine's /etc/group
# is not touched.
inst=(make -s -C "$TOP" BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr HELPER_GROUP=root)
check "make install DESTDIR=... PREFIX=/usr HELPER_GROUP=root succeeds" "${inst[@]}" install
mode() { stat -c '%a %U:%G' "$dest/$1"; }
check "redox-netsetup 0755 in sbin" test "$(stat -c %a "$dest/usr/sbin/redox-netsetup")" = 755
check "redox-run-net 0755 in bin" test "$(mode usr/bin/redox-run-net)" = "755 root:root"
check "redox-net-helper setuid root, 4750 root:HELPER_GROUP, in libexec (got $(mode usr/libexec/redox-net/redox-net-helper))" \
	test "$(mode usr/libexec/redox-net/redox-net-helper)" = "4750 root:root"
check "redox-net.service 0644" test "$(stat -c %a "$dest/usr/lib/systemd/system/redox-net.service")" = 644
check "redox-net-dhcp.service 0644" test "$(stat -c %a "$dest/usr/lib/systemd/system/redox-net-dhcp.service")" = 644
check "redox-net-dhcp.socket 0644" test "$(stat -c %a "$dest/usr/lib/systemd/system/redox-net-dhcp.socket")" = 644
for page in man1/redox-run-net.1 man5/redox-net-policy.5 man8/redox-netsetup.8 man8/redox-net-helper.8; do
	check "$page 0644" test "$(mode "usr/share/man/$page")" = "644 root:root"
done
check "the example config is installed" test -f "$dest/etc/redox-net/redox-net.conf.example"
check "the example policy is installed 0644" test "$(mode etc/redox-net/policy.example)" = "644 root:root"
check "the unit runs the installed binary with the installed config" grep -q "^ExecStart=/usr/sbin/redox-netsetup up --config /etc/redox-net/redox-net.conf$" "$dest/usr/lib/systemd/system/redox-net.service"
check "the DHCP unit runs the responder with the installed config" grep -q "^ExecStart=/usr/sbin/redox-netsetup dhcp --config /etc/redox-net/redox-net.conf$" "$dest/usr/lib/systemd/system/redox-net-dhcp.service"
check "make uninstall removes what install put there" sh -c "$(printf '%q ' "${inst[@]}") uninstall && test -z \"\$(find '$dest' -type f)\""
check "make install SETUID=no (for Nix) succeeds as well" "${inst[@]}" SETUID=no install
check "... and installs the helper 0755, not setuid" test "$(stat -c %a "$dest/usr/libexec/redox-net/redox-net-helper")" = 755
"${inst[@]}" SETUID=no uninstall

# The unit as a packager would install it, pointing at this build, for systemd to check.
unitdir=$(mktemp -d); at_exit "rm -rf $unitdir"
make -s -C "$TOP" BUILD="$BUILD" DESTDIR="$unitdir" PREFIX=/usr SBINDIR="$BIN" SYSCONFDIR="$unitdir/etc" HELPER_GROUP=root install
unit=$unitdir/usr/lib/systemd/system/redox-net.service
dhcp_unit=$unitdir/usr/lib/systemd/system/redox-net-dhcp.service
dhcp_socket=$unitdir/usr/lib/systemd/system/redox-net-dhcp.socket
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify accepts redox-net.service" sh -c "systemd-analyze verify --man=no '$unit' 2>&1 | grep -v -e 'nftables.service' -e '^$' | { ! grep .; }"
	check "systemd-analyze verify accepts redox-net-dhcp.service and .socket" sh -c "systemd-analyze verify --man=no '$dhcp_socket' '$dhcp_unit' '$unit' 2>&1 | grep -v -e 'nftables.service' -e '^$' | { ! grep .; }"
else
	skip "systemd-analyze is not installed (apt-get install systemd)"
fi

# ExecStart and ExecStop, exactly as written in the unit, in a throwaway namespace.
netsetup_env unit
mkdir -p "$unitdir/etc/redox-net"
cat >"$unitdir/etc/redox-net/redox-net.conf" <<CONF
tap = unittap0
owner = 65534
run-dir = $run
CONF
start=$(sed -n 's/^ExecStart=//p' "$unit"); stop=$(sed -n 's/^ExecStop=//p' "$unit")
check "the unit's ExecStart brings the network up in a namespace" NS $start
check "unittap0 exists and is up" sh -c "ip netns exec $ns ip -o link show unittap0 | grep -q '[<,]UP[,>]'"
check "the unit's ExecReload (same command) is a no-op when nothing changed" NS $start
NS nft delete table ip redox_net
check "ExecReload after an nftables reload puts the table back" sh -c "ip netns exec $ns $start && ip netns exec $ns nft list table ip redox_net >/dev/null"
check "the unit's ExecStop brings it down" NS $stop
check "unittap0 is gone" sh -c "! ip netns exec $ns ip link show unittap0 2>/dev/null"

# Nix: every file parses; the module's config generator feeds `up --check`.
if command -v nix-instantiate >/dev/null; then
	for f in "$TOP"/flake.nix "$TOP"/nix/*.nix; do
		check "${f#$TOP/} parses" nix-instantiate --parse "$f"
	done
	samples=(
		'{ owner = "nobody"; }'
		'{ group = "nogroup"; queues = 4; uplink = "eth0"; address = "172.16.9.1/24"; tap = "redox0"; }'
		'{ macvtap = { name = "mvt0"; link = "eth0"; mac = "52:54:00:ab:cd:ef"; mode = "bridge"; }; }'
		'{ owner = "0"; keepForwarding = true; }'
		'{ bridge = "redoxbr0"; dhcp = { enable = true; }; }'
		'{ owner = "nobody"; uplink = "eth0"; forwards = [ "tcp:2222:172.16.0.2:22" "udp:5353:172.16.0.3:53" ]; }'
		'{ owner = "nobody"; dhcp = { enable = true; }; }'
		'{ owner = "nobody"; dhcp = { enable = true; separateUnit = false; dns = [ "1.1.1.1" ]; }; }'
		'{ owner = "nobody"; dhcp = { enable = true; pool = "172.16.0.10-172.16.0.99"; staticLeases = { "52:54:00:12:34:56" = "172.16.0.2"; "52:54:00:12:34:57" = "172.16.0.3"; }; dns = [ "1.1.1.1" "9.9.9.9" ]; }; }'
		'{ group = "nogroup"; address = "172.16.9.1/24"; dhcp = { enable = true; dns = [ "172.16.9.1" ]; staticLeases = { "52:54:00:ab:cd:ef" = "172.16.9.5"; }; }; }'
	)
	for s in "${samples[@]}"; do
		conf=$(nix-instantiate --eval --strict --json -E "import $TOP/nix/config.nix ($s)" | jq -r .)
		printf '%s' "$conf" >"$unitdir/gen.conf"
		check "module config $s passes up --check" "$BIN/redox-netsetup" up --check --config "$unitdir/gen.conf"
		check "module config $s passes down --check" "$BIN/redox-netsetup" down --check --config "$unitdir/gen.conf"
	done
	conf=$(nix-instantiate --eval --strict --json -E "import $TOP/nix/config.nix { owner = \"nobody\"; dhcp = { enable = true; staticLeases = { \"52:54:00:12:34:56\" = \"172.16.0.2\"; \"52:54:00:12:34:57\" = \"172.16.0.2\"; }; }; }" | jq -r .)
	check "a DHCP module config writes one dhcp-static line per binding" test "$(grep -c '^dhcp-static = ' <<<"$conf")" = 2
	printf '%s' "$conf" >"$unitdir/gen.conf"
	check_status "a module config binding one address to two MACs is refused by up --check (2)" 2 "$BIN/redox-netsetup" up --check --config "$unitdir/gen.conf"
	conf=$(nix-instantiate --eval --strict --json -E "import $TOP/nix/config.nix { owner = \"nobody\"; forwards = [ \"tcp:2222:172.16.0.2:22\" \"tcp:2222:172.16.0.3:22\" ]; }" | jq -r .)
	check "a module config with forwards writes one forward line each" test "$(grep -c '^forward = ' <<<"$conf")" = 2
	printf '%s' "$conf" >"$unitdir/gen.conf"
	check_status "a module config forwarding one port twice is refused by up --check (2)" 2 "$BIN/redox-netsetup" up --check --config "$unitdir/gen.conf"
	conf=$(nix-instantiate --eval --strict --json -E "import $TOP/nix/config.nix { owner = \"nobody\"; queues = 0; }" | jq -r .)
	printf '%s' "$conf" >"$unitdir/gen.conf"
	check_status "an invalid module config is refused by up --check (2)" 2 "$BIN/redox-netsetup" up --check --config "$unitdir/gen.conf"
else
	skip "nix-instantiate is not installed (apt-get install nix-bin)"
fi
done_testing
