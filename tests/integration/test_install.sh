#!/usr/bin/env bash
# test_install.sh - `make install` on a host without the helper's group creates it; with DESTDIR it leaves the user database alone.
#
# Both run in a private mount namespace whose /etc is an overlay of the machine's: its upper
# layer starts with copies of passwd, group and gshadow from which the group is removed, so
# `make install` itself must create it there, and the machine's own files never change.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "needs root (make install chowns the setuid helper)"
	done_testing
fi
for tool in unshare groupadd getent; do
	if ! command -v "$tool" >/dev/null; then
		skip "needs $tool (scripts/deps.sh build installs it)"
		done_testing
	fi
done

group=redox-net
tmp=$(mktemp -d); at_exit "rm -rf $tmp"
mkdir -p "$tmp/upper" "$tmp/work" "$tmp/prefix" "$tmp/dest"
for f in passwd group gshadow; do
	[ -e "/etc/$f" ] || continue
	grep -v "^$group:" "/etc/$f" >"$tmp/upper/$f"
	chmod --reference="/etc/$f" "$tmp/upper/$f"; chown --reference="/etc/$f" "$tmp/upper/$f"
done
before=$(cat /etc/passwd /etc/group /etc/gshadow 2>/dev/null | cksum)

# in_private_etc CMD...: run CMD where /etc is the private overlay.
in_private_etc() {
	unshare -m --propagation private sh -c '
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc || exit 99
		shift; exec "$@"' sh "$tmp" "$@"
}
check "a private /etc can be mounted (overlayfs)" in_private_etc true
check "the private group file has no $group group" in_private_etc sh -c "! getent group $group"

# A host install into a temporary PREFIX, no DESTDIR: the group must appear.
inst=(make -s -C "$TOP" BUILD="$BUILD" PREFIX="$tmp/prefix" SYSCONFDIR="$tmp/prefix/etc")
helper=$tmp/prefix/libexec/redox-net/redox-net-helper
check_status "make install (no DESTDIR) succeeds where $group is missing" 0 in_private_etc "${inst[@]}" install
check_output "... and says it created the group and how to add users" "created the system group $group.*usermod -aG $group"
check "... the group now exists there, as a system group (gid below 1000)" in_private_etc \
	sh -c "gid=\$(getent group $group | cut -d: -f3) && [ -n \"\$gid\" ] && [ \"\$gid\" -lt 1000 ]"
check "... the helper is 4750 root:$group" in_private_etc \
	sh -c "test \"\$(stat -c '%a %U:%G' '$helper')\" = '4750 root:$group'"
check "the installed helper holds no runner code (scripts/layout.sh --symbols)" \
	env BUILD="$BUILD" "$TOP/scripts/layout.sh" --symbols "$helper"
check "... a check that can fail: the installed runner does hold it" \
	sh -c "! BUILD='$BUILD' '$TOP/scripts/layout.sh' --symbols '$tmp/prefix/bin/redox-run-net' 2>/dev/null"
check "a second make install finds the group and changes nothing in it" in_private_etc \
	sh -c "before=\$(getent group $group) && $(printf '%q ' "${inst[@]}") install >/dev/null && test \"\$(getent group $group)\" = \"\$before\""
check "make uninstall removes every file install put there" \
	sh -c "$(printf '%q ' "${inst[@]}") uninstall && test -z \"\$(find '$tmp/prefix' -type f)\""

# A packager's staged install: must not touch the user database, and must still succeed.
stage=(make -s -C "$TOP" BUILD="$BUILD" DESTDIR="$tmp/dest" PREFIX=/usr)
in_private_etc sh -c "cksum /etc/group /etc/gshadow" >"$tmp/db.before"
check_status "make install DESTDIR=... succeeds where $group is missing" 0 in_private_etc "${stage[@]}" install
check_output "... and tells the packager what postinst must do" "postinst.*groupadd --system $group|groupadd --system $group"
check_output "... naming chgrp then chmod 4750" "chgrp $group /usr/libexec/redox-net/redox-net-helper && chmod 4750"
in_private_etc sh -c "cksum /etc/group /etc/gshadow" >"$tmp/db.after"
check "... and leaves the (private) group database as it was" cmp -s "$tmp/db.before" "$tmp/db.after"
check "... the staged helper is setuid 4750 with the builder's group (root), usable by root only" \
	test "$(stat -c '%a %U:%G' "$tmp/dest/usr/libexec/redox-net/redox-net-helper")" = "4750 root:root"

check "the machine's passwd, group and gshadow never changed" \
	test "$(cat /etc/passwd /etc/group /etc/gshadow 2>/dev/null | cksum)" = "$before"
done_testing
