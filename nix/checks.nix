# checks.nix - the rules `redox-netsetup up --check` applies, in Nix, so the module's assertions
# refuse at evaluation what the CLI would refuse at activation.  Pure (builtins only).
# Each rule names the C function it mirrors; tests/integration/test_nix_module.sh proves they agree.
let
  inherit (builtins) all any attrNames attrValues elemAt filter genList head length match split toString;
  octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  pow2 = n: builtins.foldl' (a: _: a * 2) 1 (genList (x: x) n);
  toInt = s: builtins.fromJSON (if match "0+[0-9]+" s != null then builtins.substring 1 (-1) s else s);
  # "a.b.c.d" -> integer, or null if it is not a dotted quad (lib/inet.c ipv4_parse).
  ipToInt = s:
    let m = match "${octet}\\.${octet}\\.${octet}\\.${octet}" s; in
    if m == null then null
    else builtins.foldl' (acc: o: acc * 256 + toInt o) 0 m;
  uniq = l: length l == length (builtins.attrNames (builtins.listToAttrs (map (x: { name = x; value = null; }) l)));
in
rec {
  regex = {
    inherit octet;
    ipv4 = "${octet}\\.${octet}\\.${octet}\\.${octet}";
    # lib/ifname.c ifname_problem(): [A-Za-z0-9_.-]{1,15}, not "." or "..", no leading '-'.
    ifname = "[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}";
    mac = "[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}";
    # A user or group name, or a numeric id: getpwnam()/getgrnam() decide at run time.
    account = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}[$]?";
    port = "([1-9][0-9]{0,4})";
    # Every string that reaches the key = value file: one line, printable.
    line = "[^\n\r]*";
  };
  inherit ipToInt pow2;

  # "a.b.c.d/len" -> { ip; len; } or null (lib/inet.c prefix_parse()).
  prefix = s:
    let m = match "(${regex.ipv4})/([0-9]{1,2})" s; in
    if m == null then null else { ip = ipToInt (head m); len = toInt (elemAt m 5); };

  # lib/inet.c host_prefix_problem(): null, or why the router address is refused.
  hostPrefixProblem = s:
    let
      p = prefix s;
      size = pow2 (32 - p.len);
      host = p.ip - (p.ip / size) * size;
      top = p.ip / 16777216;
    in
    if p == null then "not ADDR/LEN"
    else if p.len < 8 || p.len > 30 then "the prefix length must be between 8 and 30"
    else if host == 0 then "that is the network address"
    else if host == size - 1 then "that is the broadcast address"
    else if top >= 224 || top == 127 || top == 0 then "that is not a unicast address a guest network can use"
    else null;

  # lib/forward.c forward_parse() + forward_subnet_problem(): null, or why refused.
  forwardProblem = address: f:
    let
      m = match "(tcp|udp):${regex.port}:(${regex.ipv4}):${regex.port}" f;
      p = prefix address;
      size = pow2 (32 - p.len);
      ip = ipToInt (elemAt m 2);
      net = (p.ip / size) * size;
    in
    if m == null then "expected PROTO:HOSTPORT:GUESTIP:GUESTPORT"
    else if toInt (elemAt m 1) > 65535 || toInt (elemAt m 7) > 65535 then "a port is above 65535"
    else if p == null then "the address is not ADDR/LEN"
    else if ip / size * size != net then "the guest address is outside the guest subnet"
    else if ip == p.ip then "the guest address is the router's own"
    else if ip == net || ip == net + size - 1 then "the guest address is the network or broadcast address"
    else null;

  # netsetup/dhcp/dhcp_config.c usable_host(): a guest's address on the served subnet, not the
  # router's (the server's) own, not the network or broadcast address.
  usableHost = address: ipText:
    let
      p = prefix address;
      size = pow2 (32 - p.len);
      ip = ipToInt ipText;
      net = (p.ip / size) * size;
    in
    p != null && ip != null && ip / size * size == net && ip != p.ip && ip != net && ip != net + size - 1;
  # dhcp_config_check(): static bindings and route gateways are usable hosts.
  dhcpProblem = address: dhcp:
    let
      bad = builtins.filter (x: !(usableHost address x))
        (map (v: head (split "," v)) (attrValues dhcp.staticLeases)
         ++ map (r: builtins.elemAt (split "," r) 2) dhcp.routes);
    in
    if bad == [ ] then null else "${head bad} is not a guest address on ${address} (the router's own, the network and broadcast addresses are not)";

  # One rule per proto and host port (config.c set_forward()).
  forwardKeys = fs: map (f: let m = match "([a-z]+):([0-9]+):.*" f; in if m == null then f else "${head m}:${toString (toInt (elemAt m 1))}") fs;
  forwardsUnique = fs: uniq (forwardKeys fs);

  # dhcp_config.c: one address bound to two MACs is refused.
  staticsUnique = leases: uniq (map (v: head (split "," v)) (attrValues leases));
  macsValid = leases: all (k: match regex.mac k != null) (attrNames leases);

  # A settings key is an option name (config.c option_defs); the CLI names any unknown one.
  settingsKeysValid = s: all (k: match "[a-z][a-z0-9-]*" k != null) (attrNames s);

  # systemd-escape for a device unit: sys-subsystem-net-devices-NAME.device, '-' as \x2d.
  deviceUnit = name: "sys-subsystem-net-devices-${builtins.replaceStrings [ "-" ] [ "\\x2d" ] name}.device";

  inherit uniq;
}
