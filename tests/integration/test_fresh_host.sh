#!/usr/bin/env bash
# test_fresh_host.sh - the README's two quick-start commands, .ci/run and scripts/deps.sh agree, and deps.sh keeps THE package list.
#
# A real run on a freshly debootstrapped Debian needs a package mirror, which this machine
# does not have offline; what can be checked without the network is checked here.
. "$(dirname "$0")/../lib.sh"

deps=$TOP/scripts/deps.sh
readme=$TOP/README.md
ci=$TOP/.ci/run
tmp=$(mktemp -d); at_exit "rm -rf $tmp"

# The README's quick start: the first sh block after "## Quick start", comments stripped.
awk '/^## Quick start/ { q = 1 } q && /^```sh/ { b = 1; next } b && /^```/ { exit } b' "$readme" |
	sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d' >"$tmp/commands"
mapfile -t cmds <"$tmp/commands"
check "the README's quick start is two commands (got ${#cmds[@]})" test "${#cmds[@]}" -eq 2
cmd1=${cmds[0]:-} cmd2=${cmds[1]:-}
check "command 1 installs the build dependencies and runs make demo: '$cmd1'" \
	test "$cmd1" = "scripts/deps.sh build && make demo"
check "command 2 installs what the tests need and runs make check: '$cmd2'" \
	test "$cmd2" = "scripts/deps.sh test && make check"
check "neither needs sudo (a fresh root has none)" sh -c "! grep -q sudo '$tmp/commands'"
check ".ci/run runs command 1 word for word" grep -qxF -- "$cmd1" "$ci"
check ".ci/run runs command 2 word for word, as its last command" \
	test "$(grep -vE '^[[:space:]]*(#|$)' "$ci" | tail -n 1)" = "$cmd2"
check "scripts/deps.sh is executable in the repository" test -x "$deps"
check "... and so is .ci/run" test -x "$ci"

# THE package list: nothing else lists the build libraries or runs apt-get.
others=$(cd "$TOP" && git grep -lE 'lib(nl-3|nl-route-3|mnl|nftnl|cap-ng|cmocka)-dev' -- . ':!scripts/deps.sh' 2>/dev/null)
check "no file but scripts/deps.sh names the -dev packages (${others:-none})" test -z "$others"
runners=$(cd "$TOP" && git grep -lE '^[[:space:]]*(sudo[[:space:]]+)?apt(-get)?[[:space:]]+(install|update)' -- . ':!scripts/deps.sh' 2>/dev/null)
check "no file but scripts/deps.sh runs apt-get (${runners:-none})" test -z "$runners"
"$deps" --list test | sort -u >"$tmp/list"
check "deps.sh --list test includes every build package" \
	sh -c "'$deps' --list build | sort -u | comm -23 - '$tmp/list' | { ! grep .; }"
# Every "apt-get install X" hint a test or benchmark prints names a package on the list,
# so the list covers what the suites ask for.
(cd "$TOP" && git grep -hoE 'apt-get install [a-z0-9][a-z0-9.+-]*' -- . ':!scripts/deps.sh' ':!tests/integration/test_fresh_host.sh') |
	awk '{ print $3 }' | sort -u >"$tmp/hinted"
unlisted=$(comm -23 "$tmp/hinted" "$tmp/list" | tr '\n' ' ')
check "every apt-get install hint names a listed package (unlisted: ${unlisted:-none})" test -z "$unlisted"

# Stubs for apt-get, apt and modprobe record what deps.sh would run.
mkdir -p "$tmp/bin"
for tool in apt-get apt modprobe; do
	printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$tool" "$tmp" >"$tmp/bin/$tool"
	chmod +x "$tmp/bin/$tool"
done
missing=$("$deps" --missing test)
if [ -n "$missing" ]; then
	skip "packages are missing here ($(echo $missing)), so the no-op run cannot be checked: run scripts/deps.sh test"
else
	: >"$tmp/calls"
	check "deps.sh test succeeds when everything is installed" env PATH="$tmp/bin:$PATH" "$deps" test
	check "... without running apt-get at all" sh -c "! grep -q '^apt' '$tmp/calls'"
	check "deps.sh build is a no-op as well" sh -c "PATH='$tmp/bin:$PATH' '$deps' build && ! grep -q '^apt' '$tmp/calls'"
fi

# One package missing (dpkg-query says so for jq): one update, then an install of that alone.
cat >"$tmp/bin/dpkg-query" <<STUB
#!/bin/sh
for a; do p=\$a; done
[ "\$p" = jq ] && exit 1
printf 'install ok installed'
STUB
chmod +x "$tmp/bin/dpkg-query"
: >"$tmp/calls"
check "deps.sh test with jq missing succeeds" env PATH="$tmp/bin:$PATH" "$deps" test
check "... ran apt-get update exactly once" test "$(grep -c '^apt-get update' "$tmp/calls")" -eq 1
check "... and installed jq alone" grep -qE '^apt-get install .* jq$' "$tmp/calls"
check "... and nothing else through apt" test "$(grep -c '^apt' "$tmp/calls")" -eq 2
check_status "deps.sh with an unknown set is a usage error" 2 "$deps" everything

if command -v shellcheck >/dev/null; then
	check "shellcheck accepts scripts/deps.sh and .ci/run" shellcheck "$deps" "$ci"
fi
echo "# not run here: the two commands on a freshly debootstrapped Debian (needs a package mirror)"
done_testing
