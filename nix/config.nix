# config.nix - the redox-netsetup configuration file for a services.redox-net value.
# Pure (builtins only), so tests can evaluate it without nixpkgs and feed the result
# to `redox-netsetup up --check`.  Option names map one to one onto the CLI.
cfg:
let
  line = key: value: if value == null || value == false then [ ] else [ "${key} = ${toString value}" ];
  flag = key: value: if value then [ "${key} = true" ] else [ ];
  macvtap = cfg.macvtap or { };
  dhcp = cfg.dhcp or { };
  dhcpOn = dhcp.enable or false;
  # With its own unit (the default) the responder is `redox-netsetup dhcp`; `dhcp = true`
  # would make `up` start a second one in the background on the same port.
  upStartsDhcp = dhcpOn && !(dhcp.separateUnit or true);
  # One `dhcp-static = MAC=IP` line per binding: the key is repeatable.
  statics = builtins.map (mac: "dhcp-static = ${mac}=${dhcp.staticLeases.${mac}}")
    (builtins.attrNames (dhcp.staticLeases or { }));
  dns = dhcp.dns or [ ];
  # One `forward = PROTO:HOSTPORT:GUESTIP:GUESTPORT` line per entry: the key is repeatable.
  forwards = builtins.map (f: "forward = ${f}") (cfg.forwards or [ ]);
  routes = builtins.map (r: "dhcp-route = ${r}") (dhcp.routes or [ ]);
  # The escape hatch: any key the CLI knows; a list repeats the key, a bool is true/false.
  settingLines = key: value:
    if builtins.isList value then builtins.map (v: "${key} = ${toString v}") value
    else if builtins.isBool value then [ "${key} = ${if value then "true" else "false"}" ]
    else [ "${key} = ${toString value}" ];
  settings = builtins.concatLists (builtins.map (k: settingLines k cfg.settings.${k})
    (builtins.attrNames (cfg.settings or { })));
in
builtins.concatStringsSep "\n" (
  line "tap" (cfg.tap or "tap0")
  ++ line "address" (cfg.address or "172.16.0.1/24")
  ++ line "owner" (cfg.owner or null)
  ++ line "group" (cfg.group or null)
  ++ line "queues" (cfg.queues or 1)
  ++ line "uplink" (cfg.uplink or null)
  ++ line "bridge" (cfg.bridge or null)
  ++ forwards
  ++ line "macvtap" (macvtap.name or null)
  ++ line "link" (macvtap.link or null)
  ++ line "mac" (macvtap.mac or null)
  ++ line "mode" (macvtap.mode or null)
  ++ flag "keep-forwarding" (cfg.keepForwarding or false)
  ++ flag "dhcp" upStartsDhcp
  ++ (if dhcpOn then
    line "dhcp-pool" (dhcp.pool or null)
    ++ statics
    ++ line "dhcp-dns" (if dns == [ ] then null else builtins.concatStringsSep "," dns)
    ++ line "dhcp-domain" (dhcp.domain or null)
    ++ routes
    ++ line "dhcp-lease-time" (dhcp.leaseTime or null)
    ++ line "dhcp-mtu" (dhcp.mtu or null)
    ++ line "dhcp-guest-leases" (dhcp.guestLeases or null)
    ++ line "lease-dir" (dhcp.leaseDir or null)
    ++ line "dhcp-user" (dhcp.user or null)
    ++ line "dhcp-group" (dhcp.group or null)
    ++ line "dns-forward" (if dhcp.dnsForward or true then null else "no")
    ++ line "dns-resolv-conf" (dhcp.resolvConf or null)
  else [ ])
  ++ settings
) + "\n"
