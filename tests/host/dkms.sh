#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# dkms add/build of the lab for every kernel given, from a private DKMS
# tree so the host's /var/lib/dkms and /usr/src stay untouched.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(cat "$REPO/VERSION")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The source as make install-dkms-src lays it out (the package's too).
make -s -C "$REPO" install-dkms-src DESTDIR="$TMP/root" >/dev/null
SRC=$TMP/root/usr/src/bes2600-lab-$VERSION
mkdir -p "$TMP/tree"
rm -f "$SRC"/driver/*.o "$SRC"/driver/*.ko
if grep -q "^PACKAGE_VERSION=\"$VERSION\"$" "$SRC/dkms.conf"; then
	echo "ok - dkms.conf of the installed source says version $VERSION"
else
	echo "not ok - dkms.conf of the installed source says version $VERSION # $(grep PACKAGE_VERSION "$SRC/dkms.conf")"
fi

opts=(--dkmstree "$TMP/tree" --sourcetree "$TMP/root/usr/src")
if dkms add "${opts[@]}" -m bes2600-lab -v "$VERSION" >"$TMP/add.log" 2>&1; then
	echo "ok - dkms add bes2600-lab/$VERSION"
else
	echo "not ok - dkms add # $(tail -1 "$TMP/add.log")"
	exit 0
fi
for k in "$@"; do
	if dkms build "${opts[@]}" -m bes2600-lab -v "$VERSION" -k "$k" >"$TMP/build.log" 2>&1 &&
		ls "$TMP/tree/bes2600-lab/$VERSION/$k"/*/module/bes2600_lab.ko* >/dev/null 2>&1; then
		echo "ok - dkms build for $k"
		ko=$(ls "$TMP/tree/bes2600-lab/$VERSION/$k"/*/module/bes2600_lab.ko* | head -1)
		v=$(modinfo -F version "$ko" 2>/dev/null)
		[ "$v" = "$VERSION" ] && echo "ok - the module built for $k has version $v" ||
			echo "not ok - the module built for $k has version $VERSION # modinfo: '$v'"
	else
		echo "not ok - dkms build for $k # $(tail -2 "$TMP/build.log" | tr '\n' ' ')"
	fi
done
