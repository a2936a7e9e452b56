{
  description = "redox-net: host networking for Cloud Hypervisor and QEMU guests";

  # No flake.lock is committed: it cannot be made offline where this was written.  The
  # first `nix flake lock` (or any nix command on the flake) creates one; commit it.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      sys = pkgs: pkgs.stdenv.hostPlatform.system;
    in
    {
      # A path, not `import ./nix/module.nix`: the module system dedups imports by path, so a
      # clan service and a machine config may both import it without "already declared".
      nixosModules.default = ./nix/module.nix;
      nixosModules.redox-net = ./nix/module.nix;

      overlays.default = final: prev: { redox-net = final.callPackage ./nix/package.nix { }; };

      packages = forAll (pkgs: rec {
        redox-net = pkgs.callPackage ./nix/package.nix { };
        default = redox-net;
      });

      apps = forAll (pkgs:
        let p = self.packages.${sys pkgs}.default; in {
          redox-netsetup = { type = "app"; program = "${p}/sbin/redox-netsetup"; };
          redox-run-net = { type = "app"; program = "${p}/bin/redox-run-net"; };
          default = self.apps.${sys pkgs}.redox-netsetup;
        });

      # Everything `make check` and `make lint` use (tests/ run as root, in namespaces).
      devShells = forAll (pkgs: {
        default = pkgs.mkShell {
          inputsFrom = [ self.packages.${sys pkgs}.default ];
          packages = with pkgs; [
            gnumake gcc clang llvmPackages.bintools cmocka cppcheck clang-tools valgrind
            iproute2 nftables procps util-linux jq python3 busybox kmod nix
            systemd binutils
          ];
          NIXPKGS_LIB = "${nixpkgs}/lib";
        };
      });

      checks = forAll (pkgs:
        let
          # Evaluating a whole NixOS system with the module proves the option types,
          # assertions and every option it sets against the real NixOS modules.
          eval = modules: (nixpkgs.lib.nixosSystem {
            system = sys pkgs;
            modules = [
              self.nixosModules.default
              self.nixosModules.default # imported twice, as clan + a machine config do
              { boot.isContainer = true; system.stateVersion = "25.05"; }
            ] ++ modules;
          }).config.system.build.toplevel;
        in
        {
          package = self.packages.${sys pkgs}.default;
          module-tap = eval [{ services.redox-net = { enable = true; group = "redox-net"; dhcp.enable = true; forwards = [ "tcp:2222:172.16.0.2:22" ]; }; }];
          module-bridge = eval [{
            networking.nftables.enable = true;
            networking.firewall.filterForward = true;
            services.redox-net = { enable = true; bridge = "redoxbr0"; dhcp.enable = true; };
          }];
          vm-test = import ./nix/tests/vm.nix { inherit pkgs self; };
        });
    };
}
