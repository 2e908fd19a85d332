#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The Debian packages make deb built (build/deb): what each holds, in
# Debian's places, their versions, and lintian with no error.  The guest
# installs them (tests/vm/guest/package-tests.sh).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(cat "$REPO/VERSION")
D=$REPO/build/deb
TOP=$D/bes2600-top_${VERSION}_$(dpkg --print-architecture).deb
DKMS=$D/bes2600-lab-dkms_${VERSION}_all.deb
check() { # DESC COMMAND...
	local desc=$1
	shift
	if "$@"; then echo "ok - $desc"; else echo "not ok - $desc"; fi
}
has() { # DEB PATH: the package holds PATH
	dpkg -c "$1" | awk '{ print $6 }' | grep -qx "\\.$2"
}

check "make deb built bes2600-top $VERSION and bes2600-lab-dkms $VERSION" test -f "$TOP" -a -f "$DKMS"
[ -f "$TOP" ] && [ -f "$DKMS" ] || exit 0
grep -q "^bes2600-lab ($VERSION)" "$REPO/debian/changelog"
check "debian/changelog's version is VERSION's ($VERSION)" test $? = 0
for p in /usr/sbin/bes2600-top /usr/share/man/man8/bes2600-top.8.gz \
	/usr/share/bes2600-top/schemas/audit-report.schema.json \
	/usr/share/bes2600-top/schemas/top-jsonl.schema.json \
	/usr/share/bes2600-top/schemas/state-report.schema.json \
	/usr/share/doc/bes2600-top/state.md.gz \
	/usr/share/bes2600-top/bpftrace/bes2600-writers.bt \
	/usr/share/bes2600-top/port/port.sh /usr/share/doc/bes2600-top/copyright \
	/usr/share/doc/bes2600-top/audit-json.md.gz; do
	check "bes2600-top holds $p" has "$TOP" "$p"
done
for p in /usr/src/bes2600-lab-$VERSION/dkms.conf /usr/src/bes2600-lab-$VERSION/VERSION \
	/usr/src/bes2600-lab-$VERSION/driver/Kbuild \
	/usr/src/bes2600-lab-$VERSION/include/trace/events/bes2600.h; do
	check "bes2600-lab-dkms holds $p" has "$DKMS" "$p"
done
check "bes2600-lab-dkms registers the module with DKMS (postinst)" \
	bash -c "dpkg-deb -I '$DKMS' postinst | grep -q dkms"
check "bes2600-lab-dkms depends on dkms" \
	bash -c "dpkg-deb -f '$DKMS' Depends | grep -q dkms"
# Every tag, infos and pedantic ones too, goes to the log; errors fail.
lintian --fail-on error --info --display-info --pedantic \
	"$D"/bes2600-lab_"$VERSION"_*.changes 2>&1 |
	grep -v "^running with root privileges" >"$D/lintian.txt"
rc=${PIPESTATUS[0]}
check "lintian: no error ($(grep -c '^W:' "$D/lintian.txt") warnings, $(grep -c '^[IP]:' "$D/lintian.txt") infos and pedantic)" test $rc = 0
grep '^[EWIP]:' "$D/lintian.txt" | sed 's/^/# lintian: /'

