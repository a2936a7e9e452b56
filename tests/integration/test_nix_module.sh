#!/usr/bin/env bash
# test_nix_module.sh - nix/module.nix evaluated with the real nixpkgs lib (NIXPKGS_LIB) and stub
# NixOS options, over a matrix of configs: the assertions agree with `redox-netsetup --check`,
# and the generated ExecStart, ExecReload and ExecStop run verbatim in `unshare -m -n` with the
# kernel's state checked after each.  Also the wrapper, the policy, the firewall, dhcpcd,
# reload-not-restart, the flake's module imported twice, package.nix's flags in a real build,
# and the VM test evaluated as far as it can be without nixpkgs (it is not run here).
. "$(dirname "$0")/../lib.sh"
require_root_and_tun

# CI runs from the clone, with the lib beside it in ../shared (see its SOURCE file).
if [ -z "${NIXPKGS_LIB:-}" ] && [ "${CI:-}" = true ] && [ -d "$TOP/../shared/nixpkgs-lib" ]; then
	NIXPKGS_LIB=$TOP/../shared/nixpkgs-lib
fi
for need in nix-instantiate jq unshare setpriv groupadd ss; do
	command -v "$need" >/dev/null || { skip "needs $need (nix-instantiate: apt-get install nix-bin)"; done_testing; }
done
if [ -z "${NIXPKGS_LIB:-}" ] || [ ! -f "$NIXPKGS_LIB/default.nix" ]; then
	skip "NIXPKGS_LIB is not set to a nixpkgs lib/ directory (e.g. NIXPKGS_LIB=../shared/nixpkgs-lib)"
	done_testing
fi
NIXPKGS_LIB=$(cd "$NIXPKGS_LIB" && pwd)
[ -x "$TOOLS/policy_query" ] || { ok 1 "tests/tools/policy_query is built ($TOOLS)"; done_testing; }

# Nix writes nothing under /nix: a private store and state directory, read-only evaluation.
work=$(mktemp -d); at_exit "rm -rf $work"
export NIX_STATE_DIR=$work/nix/state NIX_STORE_DIR=$work/nix/store NIX_LOG_DIR=$work/nix/log \
	NIX_CONF_DIR=$work/nix/conf
mkdir -p "$NIX_CONF_DIR"; echo 'build-users-group =' >"$NIX_CONF_DIR/nix.conf"
nixeval() { nix-instantiate --readonly-mode --eval --strict --json "$@"; }

# The fake store path: the package's layout, pointing at the build under test.
store=$work/store/00000000000000000000000000000000-redox-net-0.1.0
mkdir -p "$store/sbin" "$store/bin" "$store/libexec/redox-net"
ln -s "$BIN/redox-netsetup" "$store/sbin/redox-netsetup"
ln -s "$BIN/redox-run-net" "$store/bin/redox-run-net"
ln -s "$BIN/redox-net-helper" "$store/libexec/redox-net/redox-net-helper"

# ev JSON [NIX ARGS]: the module's evaluation for one config, as JSON (see nix_module_eval.nix).
ev() {
	local cfg=$1; shift
	nixeval --arg lib "import $NIXPKGS_LIB" --arg top "$TOP" --argstr store "$store" \
		--argstr cfgJson "$cfg" "$@" "$TOP/tests/integration/nix_module_eval.nix"
}
# inner MODE FILE: nix_unit_run.sh in a private mount and network namespace; its RESULT lines become checks.
inner() {
	local w rc d
	w=$(mktemp -d "$work/ns.XXXXXX")
	STORE=$store TOOLS=$TOOLS WORK=$w unshare -m -n bash "$TOP/tests/integration/nix_unit_run.sh" "$1" "$2" \
		>"$w/results" 2>"$w/log"
	LAST_INNER=$w
}

e() { printf '{"services":{"redox-net":%s}%s}' "$1" "${2:+,$2}"; }
# Each entry: the services.redox-net value, then other top-level settings (JSON, may be empty).
matrix=(
	'{"enable":true,"owner":"nobody"}|'
	'{"enable":true,"group":"nogroup","tap":"rnx0","queues":4,"uplink":"eth9","address":"172.16.9.1/24"}|'
	'{"enable":true,"owner":"nobody","forwards":["tcp:2222:172.16.0.2:22","udp:5353:172.16.0.3:53"]}|"networking":{"nftables":{"enable":true}}'
	'{"enable":true,"group":"nogroup","dhcp":{"enable":true,"resolvConf":"/etc/redox-net/resolv.conf"}}|'
	'{"enable":true,"owner":"nobody","dhcp":{"enable":true,"separateUnit":false,"dnsForward":false,"dns":["1.1.1.1"],"leaseTime":600,"mtu":1400,"domain":"vm.test","routes":["10.9.0.0/16,172.16.0.254"]}}|'
	'{"enable":true,"bridge":"rnbr0","dhcp":{"enable":true,"staticLeases":{"52:54:00:12:34:56":"172.16.0.2"}},"forwards":["tcp:2222:172.16.0.2:22"],"helper":{"group":"vmusers"}}|"networking":{"firewall":{"filterForward":true},"nftables":{"enable":true}},"systemd":{"network":{"enable":true}}'
	'{"enable":true,"bridge":"rnbr1","queues":2,"settings":{"keep-forwarding":false}}|"networking":{"networkmanager":{"enable":true}}'
	'{"enable":true,"macvtap":{"name":"rnmv0","link":"rnlink-0","mac":"52:54:00:ab:cd:ef","mode":"bridge"}}|'
	# What the assertions must refuse, as the CLI does.
	'{"enable":true,"bridge":"rnbr0","owner":"nobody","group":"nogroup"}|'
	'{"enable":true,"owner":"nobody","group":"nogroup"}|'
	'{"enable":true}|'
	'{"enable":true,"macvtap":{"name":"rnmv0"}}|'
	'{"enable":true,"macvtap":{"name":"rnmv0","link":"rnlink0"},"bridge":"rnbr0"}|'
	'{"enable":true,"macvtap":{"name":"rnmv0","link":"rnlink0"},"dhcp":{"enable":true}}|'
	'{"enable":true,"macvtap":{"name":"rnmv0","link":"rnlink0"},"dhcp":{"enable":true,"separateUnit":false}}|'
	'{"enable":true,"owner":"nobody","forwards":["tcp:2222:172.16.1.2:22"]}|'
	'{"enable":true,"owner":"nobody","forwards":["tcp:2222:172.16.0.1:22"]}|'
	'{"enable":true,"owner":"nobody","forwards":["tcp:2222:172.16.0.2:22","tcp:2222:172.16.0.3:22"]}|'
	'{"enable":true,"owner":"nobody","dhcp":{"enable":true,"routes":["10.9.0.0/16,172.16.0.1"]}}|'
	'{"enable":true,"owner":"nobody","dhcp":{"enable":true,"staticLeases":{"52:54:00:12:34:56":"172.16.1.2"}}}|'
	'{"enable":true,"owner":"nobody","address":"172.16.0.0/24"}|'
	'{"enable":true,"owner":"nobody","address":"172.16.0.1/31"}|'
	'{"enable":true,"owner":"nobody","dhcp":{"enable":true,"staticLeases":{"52:54:00:12:34:56":"172.16.0.2","52:54:00:12:34:57":"172.16.0.2"}}}|'
)
for entry in "${matrix[@]}"; do
	cfg=$(e "${entry%%|*}" "${entry#*|}")
	short=${entry%%|*}; short=${short#'{"enable":true,'}
	if ! ev "$cfg" >"$work/ev.json" 2>"$work/ev.err"; then
		ok 1 "$short: the module evaluates"; sed 's/^/#     /' "$work/ev.err"; continue
	fi
	accepted=$(jq -r .accepted "$work/ev.json")
	inner check "$work/ev.json"
	cli_ok=true
	grep -q '^RESULT 0 check-before$' "$LAST_INNER/results" || cli_ok=false
	grep -q '^RESULT [1-9][0-9]* check-' "$LAST_INNER/results" && cli_ok=false
	after=$(sed -n 's/^RESULT \([0-9]*\) check-after$/\1/p' "$LAST_INNER/results")
	before=$(sed -n 's/^RESULT \([0-9]*\) check-before$/\1/p' "$LAST_INNER/results")
	check "$short: --config F --check up and up --check --config F agree (uid 65534)" test -n "$before" -a "$before" = "$after"
	if [ "$accepted" = "$cli_ok" ]; then
		ok 0 "$short: assertions $([ "$accepted" = true ] && echo accept || echo refuse), and so does redox-netsetup --check"
	else
		ok 1 "$short: assertions say accepted=$accepted, redox-netsetup --check says $cli_ok"
		printf '#   assertions: %s\n' "$(jq -c .failed "$work/ev.json")"; sed 's/^/#     /' "$LAST_INNER/log"
	fi
	[ "$accepted" = true ] || continue

	# Static facts of the generated configuration.
	j=$work/ev.json
	jt() { local f=$1; shift; jq -e "$f" "$@" "$j" >/dev/null; }
	guest=$(jq -r '.settings | if .bridge != null then .bridge else .tap end' "$j")
	macvtap=$(jq -r .settings.macvtap.name "$j")
	hg=$(jq -r .settings.helper.group "$j")
	check "$short: the helper wrapper is setuid root, group $hg, u+rx,g+x, from the package" \
		jt ".wrapper == {setuid: true, owner: \"root\", group: \"$hg\", permissions: \"u+rx,g+x\", source: \"$store/libexec/redox-net/redox-net-helper\"}"
	check "$short: ... and its source is the built helper" test -x "$store/libexec/redox-net/redox-net-helper"
	check "$short: the group $hg is created" jt ".groups | index(\"$hg\")"
	check "$short: the policy has a mode (a real file in /etc, not a store symlink)" jt '.policy.mode == "0644"'
	check "$short: a config change reloads (reloadIfChanged, restartIfChanged not false, ExecReload = up, triggered by the file)" \
		jt '. as $r | .units["redox-net"] | .reloadIfChanged and .restartIfChanged and .ExecReload == .ExecStart and (.ExecStart | test(" up ")) and (.reloadTriggers | index($r.conf)) != null'
	check "$short: an nftables reload propagates" jt '.units["redox-net"].ReloadPropagatedFrom == ["nftables.service"]'
	if [ "$macvtap" != null ]; then
		link=$(jq -r .settings.macvtap.link "$j")
		want="sys-subsystem-net-devices-${link//-/\\x2d}.device"
		check "$short: the unit waits for $want" jt '.units["redox-net"] | (.after | index($u)) != null and (.wants | index($u)) != null' --arg u "$want"
		check "$short: dhcpcd keeps off $macvtap" jt ".dhcpcdDeny | index(\"$macvtap\")"
	else
		check "$short: dhcpcd keeps off $guest and every rn* TAP" jt ".dhcpcdDeny | index(\"$guest\") and index(\"rn*\")"
	fi
	if jt '.settings.dhcp.enable'; then
		check "$short: UDP 67 is open on $guest in the NixOS firewall" jt ".firewall[\"$guest\"].allowedUDPPorts | index(67)"
		if jt '.settings.dhcp.dnsForward != false'; then
			check "$short: the DNS forwarder's 53/udp and 53/tcp are open on $guest" \
				jt ".firewall[\"$guest\"] | (.allowedUDPPorts | index(53)) != null and .allowedTCPPorts == [53]"
		else
			check "$short: no port 53 on $guest with dnsForward = false" \
				jt ".firewall[\"$guest\"] | (.allowedUDPPorts | index(53)) == null and (.allowedTCPPorts // []) == []"
		fi
		check "$short: the DHCP user $(jq -r .settings.dhcp.user "$j") is a system user, its lease dir made for it" \
			jt '.settings.dhcp as $d | .users[$d.user].isSystemUser and (.tmpfiles | index("d \($d.leaseDir) 0750 \($d.user) \($d.group) -"))'
		if jt '.dhcpUnit'; then
			check "$short: redox-net-dhcp.socket holds 0.0.0.0:67 for the responder's unit" \
				jt '.dhcpSocket.listenDatagrams == ["0.0.0.0:67"] and .dhcpSockets == ["redox-net-dhcp.socket"]'
		fi
	fi
	if jq -e '.networking.nftables.enable' <<<"$cfg" >/dev/null; then
		check "$short: an nftables (re)start reloads redox-net, never stops it" jt '.nftablesPost | length == 1 and (.[0] | test("--no-block try-reload-or-restart redox-net.service$"))'
	else
		check "$short: no nftables hook without networking.nftables" jt '.nftablesPost == []'
	fi
	if jq -e '.networking.firewall.filterForward' <<<"$cfg" >/dev/null; then
		check "$short: filterForward: guests out, replies and DNAT forwards are accepted" \
			jt ".forwardRules | test(\"iifname \\\"$guest\\\" accept\") and test(\"ct status dnat accept\")"
	fi
	if jq -e '.systemd.network.enable' <<<"$cfg" >/dev/null; then
		check "$short: systemd-networkd leaves $guest and rn* unmanaged" jt ".networkd[\"05-redox-net\"] | .linkConfig.Unmanaged and (.matchConfig.Name | test(\"$guest\")) and (.matchConfig.Name | test(\"rn\\\\*\"))"
	fi
	if jq -e '.networking.networkmanager.enable' <<<"$cfg" >/dev/null; then
		check "$short: NetworkManager leaves $guest and rn* unmanaged" jt ".nmUnmanaged == [\"interface-name:$guest\", \"interface-name:rn*\"]"
	fi

	# The units, run.
	inner run "$j"
	while read -r _ rc desc; do ok "$rc" "$short: $desc"; done < <(grep '^RESULT ' "$LAST_INNER/results")
	grep -q '^RESULT ' "$LAST_INNER/results" || { ok 1 "$short: the units ran"; sed 's/^/#     /' "$LAST_INNER/log"; }
	grep -q '^RESULT [1-9]' "$LAST_INNER/results" && sed 's/^/#     /' "$LAST_INNER/log"
done

# Option types refuse what would inject a line into redox-net.conf (or what the CLI refuses).
for bad in '"address":"172.16.0.1/24\nowner = root"' '"owner":"nobody\nbridge = x"' '"tap":"tap0\nx"' \
	'"forwards":["tcp:1:172.16.0.2:22\nforward = tcp:2:172.16.0.2:22"]' '"tap":"-x"' '"tap":"waytoolongname12"' \
	'"settings":{"tap":"a\nb"}' '"dhcp":{"enable":true,"dns":["1.1.1.1\nx"]}' '"macvtap":{"mac":"52:54:00:12:34:56\n"}'; do
	check "the option types refuse {$bad}" sh -c "! $(printf '%q ' nix-instantiate --readonly-mode --eval --strict --json --arg lib "import $NIXPKGS_LIB" --arg top "$TOP" --argstr store "$store" --argstr cfgJson "$(e "{\"enable\":true,\"group\":\"nogroup\",$bad}")" "$TOP/tests/integration/nix_module_eval.nix") >/dev/null 2>&1"
done
ev "$(e '{"enable":true,"group":"nogroup","settings":{"Bad Key":"x"}}')" >"$work/ev.json"
check "settings keys that are no option name are refused by an assertion" jq -e '.accepted == false' "$work/ev.json"
ev "$(e '{"enable":true,"group":"nogroup","extraPolicy":"allow group wheel tap tap0"}')" >"$work/ev.json"
check "extraPolicy is appended to the default policy" jq -e '.policy.text | test("allow group redox-net tap tap0") and test("allow group wheel tap tap0\n$")' "$work/ev.json"
ev "$(e '{"enable":true,"group":"nogroup","policy":"allow user alice tap tap0\n"}')" >"$work/ev.json"
check "policy replaces the default" jq -e '.policy.text == "allow user alice tap tap0\n"' "$work/ev.json"

# The flake's module, imported twice (as a clan service and a machine config both do).
flakemod=$(nixeval --arg lib "import $NIXPKGS_LIB" -E "{ lib }: let o = (import $TOP/flake.nix).outputs { self = o; nixpkgs = { inherit lib; legacyPackages = { }; }; }; in toString o.nixosModules.default")
check "the flake exports nixosModules.default as a path ($flakemod)" test "$(jq -r . <<<"$flakemod")" = "$TOP/nix/module.nix"
check "the flake's module imports twice without 'already declared'" \
	ev "$(e '{"enable":true,"owner":"nobody"}')" --arg module "((import $TOP/flake.nix).outputs { self = {}; nixpkgs = { lib = import $NIXPKGS_LIB; legacyPackages = {}; }; }).nixosModules.default"
check "the flake has overlays.default, devShells, checks and uses stdenv.hostPlatform.system" \
	sh -c "grep -q 'overlays.default' '$TOP/flake.nix' && grep -q 'devShells' '$TOP/flake.nix' && grep -q 'checks = ' '$TOP/flake.nix' && grep -q 'stdenv.hostPlatform.system' '$TOP/flake.nix' && ! grep -q 'pkgs.system' '$TOP/flake.nix'"

# The VM test: not runnable here, so evaluated as far as it goes: its node through the same
# stubbed module evaluation, its script for what it must exercise.
vmnode="[ ((import $TOP/nix/tests/vm-test.nix { self = { nixosModules.default = $TOP/nix/module.nix; }; }).nodes.machine) ]"
check "nix/tests/vm-test.nix: its node evaluates with the module and passes the assertions" \
	sh -c "$(printf '%q ' nix-instantiate --readonly-mode --eval --strict --json --arg lib "import $NIXPKGS_LIB" --arg top "$TOP" --argstr store "$store" --arg extraModules "$vmnode" "$TOP/tests/integration/nix_module_eval.nix") | jq -e '.accepted and .wrapper.setuid'"
script=$(nixeval -E "(import $TOP/nix/tests/vm-test.nix { self = {}; }).testScript" | jq -r .)
for want in 'wait_for_unit("redox-net.service")' 'su alice' 'machine.fail("su mallory' 'restart nftables' 'reload nftables' 'switch-to-configuration test' 'udhcpc'; do
	check "the VM test exercises: $want" grep -qF "$want" <<<"$script"
done
check "the VM test says plainly it has not been run" grep -q 'THIS TEST HAS NOT BEEN RUN' "$TOP/nix/tests/vm-test.nix"

# package.nix: its makeFlags, evaluated (not copied), build a runner that execs the wrapper.
flags=$(nixeval --arg lib "import $NIXPKGS_LIB" -E "{ lib }: (import $TOP/nix/package.nix {
	inherit lib; stdenv = { mkDerivation = a: a; cc.targetPrefix = \"\"; };
	pkg-config = null; libnl = null; libmnl = null; libnftnl = null; libcap_ng = null; }).makeFlags")
check "package.nix's makeFlags evaluate" test -n "$flags"
mapfile -t mf < <(jq -r '.[]' <<<"$flags")
check "package.nix sets HELPER_PATH and POLICY_FILE explicitly" sh -c "printf '%s\n' \"\$@\" | grep -qx 'HELPER_PATH=/run/wrappers/bin/redox-net-helper' && printf '%s\n' \"\$@\" | grep -qx 'POLICY_FILE=/etc/redox-net/policy'" _ "${mf[@]}"
pb=$work/pkgbuild
check "the runner builds with exactly package.nix's makeFlags" make -s -C "$TOP" -j2 BUILD="$pb" "${mf[@]}" "$pb/bin/redox-run-net"
check "... and has /run/wrappers/bin/redox-net-helper compiled in" sh -c "strings '$pb/bin/redox-run-net' | grep -qx /run/wrappers/bin/redox-net-helper"
check "package.nix's source is a lib.fileset without build directories" \
	sh -c "grep -q 'lib.fileset.toSource' '$TOP/nix/package.nix' && ! grep -q cleanSource '$TOP/nix/package.nix'"
done_testing
