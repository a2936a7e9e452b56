#!/usr/bin/env bash
# test_docs.sh - man pages render without warnings; every long option of every command
# is documented in its man page; make install puts the files in place.
. "$(dirname "$0")/../lib.sh"
for page in "$TOP"/docs/man/*.[1-8]; do
	check "${page##*/} renders without warnings" sh -c "! man --warnings -l '$page' 2>&1 >/dev/null | grep -q ."
done
for cmd in up down status doctor dhcp; do
	for opt in $("$BIN/redox-netsetup" "$cmd" --help | grep -oE '^  --[a-z-]+' | tr -d ' '); do
		[ "$opt" = --help ] && continue
		check "redox-netsetup $cmd $opt is in the man page" grep -q -- "${opt//-/\\\\-}" "$TOP/docs/man/redox-netsetup.8"
	done
done
# redox-run-net: every long option its --help shows.  (redox-net-helper has no --help:
# it answers only its protocol; its three options are checked in its page below.)
for opt in $("$BIN/redox-run-net" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
	check "redox-run-net $opt is in redox-run-net.1" grep -q -- "${opt//-/\\\\-}" "$TOP/docs/man/redox-run-net.1"
done
for opt in --fd --tap --macvtap --queues; do
	check "redox-net-helper $opt is in redox-net-helper.8" grep -q -- "${opt//-/\\\\-}" "$TOP/docs/man/redox-net-helper.8"
done
dest=$(mktemp -d); at_exit "rm -rf $dest"
# SETUID=no: this suite may run unprivileged; test_packaging.sh checks the setuid install.
check "make install DESTDIR=... succeeds" make -s -C "$TOP" BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr SETUID=no install
check "redox-netsetup is installed 0755" test "$(stat -c %a "$dest/usr/sbin/redox-netsetup")" = 755
for page in man1/redox-run-net.1 man5/redox-net-policy.5 man8/redox-netsetup.8 man8/redox-net-helper.8; do
	check "$page is installed" test -f "$dest/usr/share/man/$page"
done
done_testing
