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
dest=$(mktemp -d); at_exit "rm -rf $dest"
check "make install DESTDIR=... succeeds" make -s -C "$TOP" BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr install
check "redox-netsetup is installed 0755" test "$(stat -c %a "$dest/usr/sbin/redox-netsetup")" = 755
check "its man page is installed" test -f "$dest/usr/share/man/man8/redox-netsetup.8"
done_testing
