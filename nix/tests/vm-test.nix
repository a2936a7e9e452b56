# vm-test.nix - a make-test-python style NixOS test of services.redox-net: the unit reaches
# active, a member of redox-net gets fds through /run/wrappers/bin/redox-net-helper while a
# non-member is refused, nftables reload and restart keep table ip redox_net, a switch that
# changes forwards reloads without taking the bridge down, and a guest namespace gets a lease.
#
# THIS TEST HAS NOT BEEN RUN.  It was written where there is no nixpkgs and no KVM; there,
# tests/integration/test_nix_module.sh only evaluates this file (its nodes through the same
# stubbed module evaluation as the module test).  Run it with `nix build .#checks.x86_64-linux.vm-test`
# and expect to fix details on the first run.
{ self }:
let
  common = { lib, ... }: {
    imports = [ self.nixosModules.default ];
    networking.nftables.enable = true;
    networking.firewall.filterForward = true;
    services.redox-net = {
      enable = true;
      bridge = "redoxbr0";
      dhcp.enable = true;
      dhcp.staticLeases."52:54:00:12:34:56" = "172.16.0.2";
      forwards = [ "tcp:2222:172.16.0.2:22" ];
    };
    users.users.alice = { isNormalUser = true; extraGroups = [ "redox-net" ]; };
    users.users.mallory = { isNormalUser = true; };
  };
in
{
  name = "redox-net";
  nodes.machine = { pkgs, ... }: {
    imports = [ common ];
    environment.systemPackages = [ pkgs.busybox pkgs.iproute2 pkgs.nftables ];
    specialisation.moreForwards.configuration = {
      services.redox-net.forwards = [ "tcp:2222:172.16.0.2:22" "udp:5353:172.16.0.2:53" ];
    };
  };

  testScript = ''
    machine.wait_for_unit("redox-net.service")
    machine.wait_for_unit("redox-net-dhcp.service")
    machine.succeed("ip -o link show redoxbr0 | grep -q UP")
    machine.succeed("nft list table ip redox_net")
    machine.succeed("test -u /run/wrappers/bin/redox-net-helper")

    # A member of the group gets fds: redox-run-net execs the VMM with them at fd 3...
    machine.succeed(
        "su alice -c 'redox-run-net --bridge redoxbr0 -- sh -c \"ls -l /proc/self/fd/3 | grep -q net/tun\"'"
    )
    # ...and a non-member cannot even execute the wrapper.
    machine.fail("su mallory -c 'redox-run-net --bridge redoxbr0 -- true'")

    # An nftables reload, then a restart: the table is back without `down` (the bridge stays).
    ifindex = machine.succeed("cat /sys/class/net/redoxbr0/ifindex").strip()
    machine.succeed("systemctl reload nftables.service")
    machine.wait_until_succeeds("nft list table ip redox_net")
    machine.succeed("systemctl restart nftables.service")
    machine.wait_until_succeeds("nft list table ip redox_net | grep -q 2222")
    assert machine.succeed("cat /sys/class/net/redoxbr0/ifindex").strip() == ifindex

    # A switch that changes forwards reloads: the new one appears, the bridge is the same one.
    machine.succeed("/run/current-system/specialisation/moreForwards/bin/switch-to-configuration test")
    machine.wait_until_succeeds("nft list table ip redox_net | grep -q 5353")
    assert machine.succeed("cat /sys/class/net/redoxbr0/ifindex").strip() == ifindex

    # A DHCP lease: a namespace plays the guest on a veth in the bridge.
    machine.succeed("ip netns add guest")
    machine.succeed("ip link add rntest0 type veth peer name eth0 netns guest")
    machine.succeed("ip link set rntest0 master redoxbr0 up")
    machine.succeed("ip -n guest link set eth0 address 52:54:00:12:34:56 up")
    out = machine.succeed("ip netns exec guest busybox udhcpc -i eth0 -n -q -t 5 -s $(command -v true) 2>&1")
    assert "172.16.0.2" in out, out
  '';
}
