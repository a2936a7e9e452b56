# package.nix - redox-net built with the project's Makefile.
{ lib, stdenv, pkg-config, libnl, libmnl, libnftnl, libcap_ng }:

stdenv.mkDerivation {
  pname = "redox-net";
  version = "0.1.0";
  src = lib.cleanSource ../.;

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ libnl libmnl libnftnl libcap_ng ];

  # The helper's policy path is compiled in; on NixOS it lives in /etc.
  makeFlags = [ "PREFIX=${placeholder "out"}" "SYSCONFDIR=/etc" ];
  buildFlags = [ "programs" ];
  # The setuid bit cannot live in the store: security.wrappers adds it.
  installFlags = [ "SETUID=no" "SYSCONFDIR=${placeholder "out"}/etc" ];

  meta = {
    description = "Host networking for Cloud Hypervisor and QEMU guests without daily root";
    license = lib.licenses.mit;
    platforms = lib.platforms.linux;
    mainProgram = "redox-netsetup";
  };
}
