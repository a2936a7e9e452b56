# module.nix - services.redox-net: guest networking on activation, the helper as a
# setuid wrapper for one group, DHCP through the NixOS firewall.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.redox-net;
  inherit (lib) mkEnableOption mkIf mkOption types;
  configFile = pkgs.writeText "redox-net.conf" (import ./config.nix cfg);
  netsetup = "${cfg.package}/sbin/redox-netsetup --config /etc/redox-net/redox-net.conf";
  ifname = types.strMatching "[A-Za-z0-9_.-]{1,15}";
  guestIf = if cfg.bridge != null then cfg.bridge else cfg.tap;
in
{
  options.services.redox-net = {
    enable = mkEnableOption "redox-net host networking for virtual machines";
    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      description = "The redox-net package.";
    };
    tap = mkOption { type = ifname; default = "tap0"; description = "TAP device name (--tap)."; };
    address = mkOption {
      type = types.str;
      default = "172.16.0.1/24";
      description = "Router address and prefix on the TAP (--address).";
    };
    owner = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "User allowed to open the TAP (--owner). Set this or group.";
    };
    group = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "Group allowed to open the TAP (--group). Set this or owner.";
    };
    queues = mkOption { type = types.ints.between 1 256; default = 1; description = "TAP queues (--queues)."; };
    uplink = mkOption {
      type = types.nullOr ifname;
      default = null;
      description = "Masquerade only traffic leaving through this interface (--uplink).";
    };
    bridge = mkOption {
      type = types.nullOr ifname;
      default = null;
      description = "Bridge mode: create this bridge, which carries the address, NAT and DHCP; each VM then gets a TAP of its own from the helper (--bridge).";
    };
    forwards = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "tcp:2222:172.16.0.2:22" "udp:5353:172.16.0.2:53" ];
      description = "Port forwards to guests, PROTO:HOSTPORT:GUESTIP:GUESTPORT (--forward, one per entry; at most 64).";
    };
    macvtap = {
      name = mkOption { type = types.nullOr ifname; default = null; description = "Create this macvtap instead of a TAP (--macvtap)."; };
      link = mkOption { type = types.nullOr ifname; default = null; description = "Its host interface (--link)."; };
      mac = mkOption { type = types.nullOr types.str; default = null; description = "Guest MAC (--mac)."; };
      mode = mkOption {
        type = types.nullOr (types.enum [ "bridge" "vepa" "private" "passthru" ]);
        default = null;
        description = "macvtap mode (--mode).";
      };
    };
    dhcp = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Run the bundled DHCP responder on the TAP.";
      };
      separateUnit = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Run the responder as its own unit, redox-net-dhcp (redox-netsetup dhcp).
          If false, redox-net's own unit starts it in the background (--dhcp).
        '';
      };
      pool = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "172.16.0.10-172.16.0.200";
        description = "Addresses handed out, FIRST-LAST (--dhcp-pool).";
      };
      staticLeases = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = { "52:54:00:12:34:56" = "172.16.0.2"; };
        description = "Fixed bindings, MAC to IP (--dhcp-static, one per entry).";
      };
      dns = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "1.1.1.1" ];
        description = "DNS servers for the guests (--dhcp-dns).";
      };
    };
    keepForwarding = mkOption { type = types.bool; default = false; description = "Leave ip_forward on at stop (--keep-forwarding)."; };
    helper = {
      enable = mkOption { type = types.bool; default = true; description = "Install redox-net-helper setuid for helper.group."; };
      group = mkOption { type = types.str; default = "redox-net"; description = "Group allowed to run the helper."; };
    };
    policy = mkOption {
      type = types.lines;
      default = "";
      example = "allow group redox-net tap tap0 queues 4";
      description = "The helper's policy (redox-net-policy(5)).";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.macvtap.name != null || cfg.bridge != null || (cfg.owner == null) != (cfg.group == null);
        message = "services.redox-net: set exactly one of owner and group (a bridge or macvtap needs neither).";
      }
    ];

    environment.systemPackages = [ cfg.package ];
    environment.etc."redox-net/redox-net.conf".source = configFile;
    # A real file, not a store symlink: the helper refuses a policy behind a symlink.
    environment.etc."redox-net/policy" = { text = cfg.policy; mode = "0644"; };

    systemd.services.redox-net = {
      description = "redox-net host networking for Cloud Hypervisor and QEMU guests";
      documentation = [ "man:redox-netsetup(8)" ];
      wantedBy = [ "multi-user.target" ];
      after = [ "network-pre.target" "nftables.service" ];
      wants = [ "network-pre.target" ];
      # nftables reloads flush every table; `up` is idempotent and puts ours back.
      unitConfig.ReloadPropagatedFrom = [ "nftables.service" ];
      restartTriggers = [ configFile ];
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${netsetup} up";
        ExecReload = "${netsetup} up";
        ExecStop = "${netsetup} down";
      };
    };

    # The responder binds port 67 and opens a packet socket (CAP_NET_RAW, so replies go to the
    # client's MAC), then drops to nobody; it needs the TAP up first.
    systemd.services.redox-net-dhcp = mkIf (cfg.dhcp.enable && cfg.dhcp.separateUnit) {
      description = "redox-net DHCP responder for Cloud Hypervisor and QEMU guests";
      documentation = [ "man:redox-netsetup(8)" ];
      wantedBy = [ "multi-user.target" ];
      after = [ "redox-net.service" ];
      requires = [ "redox-net.service" ];
      restartTriggers = [ configFile ];
      serviceConfig = {
        Type = "simple";
        ExecStart = "${netsetup} dhcp";
        Restart = "on-failure";
      };
    };
    # The NixOS firewall drops DHCP from interfaces it does not know.
    # DHCP arrives on the device that carries the guest network: the bridge, or the TAP.
    networking.firewall.interfaces.${guestIf}.allowedUDPPorts = mkIf cfg.dhcp.enable [ 67 ];

    users.groups.${cfg.helper.group} = mkIf cfg.helper.enable { };
    # setuid, not a capabilities wrapper: the helper relies on AT_SECURE.
    security.wrappers.redox-net-helper = mkIf cfg.helper.enable {
      setuid = true;
      owner = "root";
      group = cfg.helper.group;
      permissions = "u+rx,g+x";
      source = "${cfg.package}/libexec/redox-net/redox-net-helper";
    };
  };
}
