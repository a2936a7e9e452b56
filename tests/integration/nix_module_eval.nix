# nix_module_eval.nix - evaluate nix/module.nix with the real nixpkgs lib and stub declarations of
# the NixOS options it sets, for tests/integration/test_nix_module.sh.  No nixpkgs package set:
# `pkgs` is a stub whose writeText keeps the text, and the package is a fake store path whose
# sbin/ and libexec/ point at the build under test.
#   lib:     import of the nixpkgs lib/ directory (NIXPKGS_LIB)
#   top:     the source tree
#   store:   the fake package path
#   cfgJson: JSON of { services.redox-net = ...; networking...; systemd.network.enable; }
#   module:  what to import (twice); defaults to the path nix/module.nix
#   extraModules: more modules, e.g. the VM test's node (nix/tests/vm-test.nix)
{ lib, top, store, cfgJson ? "{}", module ? top + "/nix/module.nix", extraModules ? [ ] }:
let
  inherit (lib) mkOption types;
  any' = mkOption { type = types.anything; default = null; };
  attrs = mkOption { type = types.attrsOf types.anything; default = { }; };
  list = mkOption { type = types.listOf types.anything; default = [ ]; };
  bool = mkOption { type = types.bool; default = false; };
  pkgs = {
    writeText = name: text: { type = "derivation"; name = name; outPath = "/nix/store/stub-${name}"; inherit text; };
    callPackage = _: _: throw "the test sets services.redox-net.package";
  };
  stubs = {
    options = {
      assertions = list;
      warnings = list;
      environment.systemPackages = list;
      environment.etc = attrs;
      systemd.services = attrs;
      systemd.sockets = attrs;
      systemd.package = mkOption { type = types.anything; default = { outPath = "/run/current-system/sw"; }; };
      systemd.network.enable = bool;
      systemd.network.networks = attrs;
      systemd.tmpfiles.rules = mkOption { type = types.listOf types.str; default = [ ]; };
      security.wrappers = attrs;
      users.users = attrs;
      users.groups = attrs;
      networking.firewall.interfaces = attrs;
      networking.firewall.filterForward = bool;
      networking.firewall.extraForwardRules = mkOption { type = types.lines; default = ""; };
      networking.nftables.enable = bool;
      networking.dhcpcd.denyInterfaces = mkOption { type = types.listOf types.str; default = [ ]; };
      networking.networkmanager.enable = bool;
      networking.networkmanager.unmanaged = mkOption { type = types.listOf types.str; default = [ ]; };
      specialisation = attrs;
    };
  };
  package = { type = "derivation"; name = "redox-net"; outPath = store; };
  input = builtins.fromJSON cfgJson;
  eval = lib.evalModules {
    specialArgs = { inherit pkgs; };
    modules = [ stubs module module input { services.redox-net.package = package; } ] ++ extraModules;
  };
  c = eval.config;
  failed = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions);
  unit = name:
    let u = c.systemd.services.${name} or null; in
    if u == null then null else {
      inherit (u.serviceConfig) ExecStart;
      ExecReload = u.serviceConfig.ExecReload or null;
      ExecStop = u.serviceConfig.ExecStop or null;
      after = u.after or [ ];
      wants = u.wants or [ ];
      reloadIfChanged = u.reloadIfChanged or false;
      restartIfChanged = u.restartIfChanged or true;
      reloadTriggers = map (t: t.text or (toString t)) (u.reloadTriggers or [ ]);
      ReloadPropagatedFrom = u.unitConfig.ReloadPropagatedFrom or [ ];
    };
  # What the check needs whether or not the assertions pass: the file and the accounts.
  always = {
    conf = c.environment.etc."redox-net/redox-net.conf".source.text;
    groups = builtins.attrNames c.users.groups;
    users = lib.mapAttrs (_: u: { group = u.group or "users"; isSystemUser = u.isSystemUser or false; }) c.users.users;
    dhcpUnit = c.services.redox-net.dhcp.enable && c.services.redox-net.dhcp.separateUnit;
    settings = c.services.redox-net;
  };
in
if failed != [ ] then always // { accepted = false; inherit failed; }
else always // {
  accepted = true;
  failed = [ ];
  policy = c.environment.etc."redox-net/policy";
  units = { redox-net = unit "redox-net"; redox-net-dhcp = unit "redox-net-dhcp"; };
  dhcpSocket = c.systemd.sockets.redox-net-dhcp or null;
  dhcpSockets = c.systemd.services.redox-net-dhcp.serviceConfig.Sockets or null;
  nftablesPost = c.systemd.services.nftables.serviceConfig.ExecStartPost or [ ];
  wrapper = c.security.wrappers.redox-net-helper or null;
  firewall = c.networking.firewall.interfaces;
  forwardRules = c.networking.firewall.extraForwardRules;
  dhcpcdDeny = c.networking.dhcpcd.denyInterfaces;
  networkd = c.systemd.network.networks;
  nmUnmanaged = c.networking.networkmanager.unmanaged;
  tmpfiles = c.systemd.tmpfiles.rules;
}
