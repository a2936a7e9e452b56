# package.nix - redox-net built with the project's Makefile, for NixOS (the helper reached
# through its setuid wrapper) and for Nix elsewhere.
{ lib, stdenv, pkg-config, libnl, libmnl, libnftnl, libcap_ng }:

stdenv.mkDerivation {
  pname = "redox-net";
  version = "0.1.0";
  # Only what the build reads: a local build/ or build-*/ never changes the source hash.
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../Makefile
      ../lib
      ../netsetup
      ../teardown
      ../helper
      ../runner
      ../nft
      ../policy
      ../docs/man
    ];
  };

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ libnl libmnl libnftnl libcap_ng ];

  makeFlags = [
    "PREFIX=${placeholder "out"}"
    # Compiled-in paths, set apart from the install destinations: the store cannot hold a
    # setuid file, so the runner execs the wrapper security.wrappers makes (as nixpkgs
    # does for qemu-bridge-helper), and the helper reads the policy the module writes.
    "HELPER_PATH=/run/wrappers/bin/redox-net-helper"
    "POLICY_FILE=/etc/redox-net/policy"
    "PKG_CONFIG=${stdenv.cc.targetPrefix}pkg-config"
    "AR=${stdenv.cc.targetPrefix}ar"
  ];
  buildFlags = [ "programs" ];
  # SETUID=no: security.wrappers adds the bit.  SYSCONFDIR is only where `make install`
  # puts the examples; postInstall moves them to share/doc and points the units at /etc.
  installFlags = [ "SETUID=no" "SYSCONFDIR=${placeholder "out"}/etc" ];
  postInstall = ''
    mkdir -p $out/share/doc/redox-net
    mv $out/etc/redox-net/* $out/share/doc/redox-net/
    rm -r $out/etc
    substituteInPlace $out/lib/systemd/system/*.service --replace-fail "$out/etc/" "/etc/"
  '';

  meta = {
    description = "Host networking for Cloud Hypervisor and QEMU guests without daily root";
    license = lib.licenses.mit;
    platforms = lib.platforms.linux;
    mainProgram = "redox-netsetup";
  };
}
