# vm.nix - the NixOS VM test of services.redox-net, for the flake's `checks` (needs KVM and nixpkgs).
# NOT RUN where it was written (no nixpkgs, no KVM there); see vm-test.nix.
{ pkgs, self }:
pkgs.testers.runNixOSTest (import ./vm-test.nix { inherit self; })
