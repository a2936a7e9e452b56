{
  description = "redox-net: host networking for Cloud Hypervisor and QEMU guests";

  inputs.nixpkgs.url = "nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAll = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAll (pkgs: { default = pkgs.callPackage ./nix/package.nix { }; });
      nixosModules.default = import ./nix/module.nix;
      apps = forAll (pkgs:
        let p = self.packages.${pkgs.system}.default; in {
          redox-netsetup = { type = "app"; program = "${p}/sbin/redox-netsetup"; };
          redox-run-net = { type = "app"; program = "${p}/bin/redox-run-net"; };
          default = self.apps.${pkgs.system}.redox-netsetup;
        });
    };
}
