#!/usr/bin/env bash
# deps.sh - THE list of Debian/Ubuntu packages redox-net needs, and their installation when missing.
#
#   scripts/deps.sh build     what `make` and `make demo` need (compiler, libraries, ip, nft)
#   scripts/deps.sh test      build, plus what `make check` and .ci/run use
#   scripts/deps.sh --list build|test      print the packages, one a line
#   scripts/deps.sh --missing build|test   print the ones not installed (nothing: all there)
#
# Runs as root on a fresh machine (no sudo needed).  When everything is installed it does
# not touch apt at all; otherwise it runs `apt-get update` once and installs only what is
# missing.  It also loads tun and nf_tables, which the tests and `up` need, when they are
# modules.  Every name exists on Debian 12.  On Ubuntu every name but dhcpcd-base exists from
# 22.04 on (nix-bin, hyperfine and kea-admin are in its universe component); 22.04 has only
# dhcpcd5 (see test_packages).
set -euo pipefail

# make, make demo: the compiler, the libraries the programs link (cmocka: `make` builds the
# unit tests too), and what the demo runs in its namespaces.
build_packages=(
	build-essential pkg-config
	libnl-3-dev libnl-route-3-dev libmnl-dev libnftnl-dev libcap-ng-dev libcmocka-dev
	iproute2 nftables kmod procps util-linux iputils-ping passwd
)
# make check and .ci/run: fuzz targets and lint (clang, and its ASan/libFuzzer runtime, which
# clang only recommends: a fresh Debian without it cannot link a fuzz target), tools the tests drive or compare
# against, man page checks, the unit and Nix checks, valgrind and strace, and python3 (the
# security suite holds the helper's locks and races its policy path with it).  ISC dhclient,
# dhcpcd and dig: test_dns_forward.sh (dhcpcd-base is dhcpcd without its service, so nothing
# starts on the host; Ubuntu before 23.04 has only dhcpcd5, which also starts a daemon).
test_packages=(
	clang libclang-rt-dev clang-tidy cppcheck
	jq busybox-static qemu-system-x86 qemu-system-common kea-admin dnsmasq-base
	isc-dhcp-client dhcpcd-base bind9-dnsutils
	man-db groff-base systemd nix-bin hyperfine valgrind strace binutils python3
)

usage() {
	echo "Usage: scripts/deps.sh [--list|--missing] build|test" >&2
	exit 2
}

# packages_for SET: print SET's packages, one a line.
packages_for() {
	case $1 in
	build) printf '%s\n' "${build_packages[@]}" ;;
	test) printf '%s\n' "${build_packages[@]}" "${test_packages[@]}" ;;
	*) usage ;;
	esac
}

# missing_for SET: print SET's packages that dpkg does not have installed.
missing_for() {
	local p
	for p in $(packages_for "$1"); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
	done
}

mode=install
case ${1:-} in
--list) mode=list; shift ;;
--missing) mode=missing; shift ;;
esac
[ $# -eq 1 ] || usage
case $1 in build | test) ;; *) usage ;; esac
case $mode in
list) packages_for "$1"; exit 0 ;;
missing) missing_for "$1"; exit 0 ;;
esac

mapfile -t missing < <(missing_for "$1")
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: missing ${missing[*]}; run this as root (or: sudo $0 $1)" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The tests and `up` open /dev/net/tun and talk nf_tables; built-in kernels need nothing.
if [ "$(id -u)" -eq 0 ]; then
	modprobe tun 2>/dev/null || true
	modprobe nf_tables 2>/dev/null || true
fi
