#!/bin/bash
# make install and make uninstall into a DESTDIR, as a packager runs them:
# every file in its place, the installed tool says its version, nothing
# runs DKMS, and uninstall leaves no file behind.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(cat "$REPO/VERSION")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
D=$TMP/dest
check() { # DESC COMMAND...
	local desc=$1
	shift
	if "$@"; then echo "ok - $desc"; else echo "not ok - $desc"; fi
}

make -s -C "$REPO" install DESTDIR="$D" PREFIX=/usr >"$TMP/install.log" 2>&1
check "make install DESTDIR PREFIX=/usr: exit 0" test $? = 0
check "the tool in /usr/sbin (root-only: it loads BPF)" test -x "$D/usr/sbin/bes2600-top"
check "installed tool: --version says $VERSION" \
	test "$("$D/usr/sbin/bes2600-top" --version)" = "bes2600-top $VERSION"
check "the man page in man8" test -f "$D/usr/share/man/man8/bes2600-top.8"
n=$(ls "$D/usr/share/bes2600-top/bpftrace/"*.bt 2>/dev/null | wc -l)
check "the $n bpftrace scripts, executable" \
	test "$n" = "$(ls "$REPO"/tools/bpftrace/*.bt | wc -l)" -a -x "$D/usr/share/bes2600-top/bpftrace/bes2600-writers.bt"
check "the JSON Schemas" test -f "$D/usr/share/bes2600-top/schemas/audit-report.schema.json" \
	-a -f "$D/usr/share/bes2600-top/schemas/top-jsonl.schema.json" \
	-a -f "$D/usr/share/bes2600-top/schemas/state-report.schema.json"
check "the porting kit" test -x "$D/usr/share/bes2600-top/port/port.sh"
check "the docs" test -f "$D/usr/share/doc/bes2600-top/README.md" \
	-a -f "$D/usr/share/doc/bes2600-top/audit-json.md"
check "make install ran no DKMS" bash -c "! grep -qi dkms '$TMP/install.log'"
make -s -C "$REPO" uninstall DESTDIR="$D" PREFIX=/usr >/dev/null 2>&1
left=$(find "$D" -type f | sed "s|$D||")
check "make uninstall leaves no file${left:+ (left: $(echo $left | head -c 200))}" test -z "$left"
