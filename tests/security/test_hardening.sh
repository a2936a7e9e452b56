#!/usr/bin/env bash
# test_hardening.sh - the privileged binaries are built hardened: PIE, full RELRO
# (GNU_RELRO + BIND_NOW), a non-executable stack, no RPATH/RUNPATH, stack protector and
# FORTIFY (or, in the ASan+UBSan build, the sanitizer instead of FORTIFY), and the helper
# links no GLib.
. "$(dirname "$0")/../lib.sh"
command -v readelf >/dev/null || { skip "needs readelf (binutils)"; done_testing; }

has() { grep -qE -- "$2" <<<"$1"; }
for prog in redox-net-helper redox-netsetup redox-run-net; do
	bin=$BIN/$prog
	check "$prog is built" test -x "$bin" || continue
	hdr=$(readelf -h "$bin"); dyn=$(readelf -d "$bin"); seg=$(readelf -lW "$bin"); syms=$(readelf -sW --dyn-syms "$bin")
	has "$hdr" 'Type:.*DYN' && has "$dyn" 'FLAGS_1.*PIE'; ok $? "$prog is PIE (ELF type DYN, FLAGS_1 PIE)"
	has "$seg" GNU_RELRO; ok $? "$prog has a GNU_RELRO segment"
	has "$dyn" 'BIND_NOW|FLAGS_1.*NOW'; ok $? "$prog binds now (full RELRO)"
	has "$seg" 'GNU_STACK.* RW  ' && ! has "$seg" 'GNU_STACK.*RWE'; ok $? "$prog has a non-executable stack"
	! has "$dyn" 'RPATH|RUNPATH'; ok $? "$prog has no RPATH or RUNPATH"
	has "$syms" __stack_chk_fail; ok $? "$prog uses the stack protector"
	if has "$syms" __asan_init; then
		has "$syms" __ubsan_handle; ok $? "$prog: ASan+UBSan build, instrumented instead of FORTIFY"
	else
		has "$syms" '__[a-z_]+_chk@'; ok $? "$prog is built with _FORTIFY_SOURCE (calls __*_chk functions)"
	fi
done
dyn=$(readelf -d "$BIN/redox-net-helper" 2>&1); syms=$(readelf -sW --dyn-syms "$BIN/redox-net-helper" 2>&1)
! grep -qi glib <<<"$dyn"; ok $? "redox-net-helper links no GLib"
! has "$syms" ' (execv|execve|execvp|execvpe|execl|execlp|system|popen)@'; ok $? "redox-net-helper calls no exec function, system or popen"
done_testing
