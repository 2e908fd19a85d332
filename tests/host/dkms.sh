#!/bin/bash
# dkms add/build of the lab for every kernel given, from a private DKMS
# tree so the host's /var/lib/dkms and /usr/src stay untouched.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SRC=$TMP/src/bes2600-lab-$VERSION
mkdir -p "$SRC" "$TMP/tree"
cp -r "$REPO/dkms.conf" "$REPO/driver" "$REPO/include" "$SRC/"
rm -f "$SRC"/driver/*.o "$SRC"/driver/*.ko

opts=(--dkmstree "$TMP/tree" --sourcetree "$TMP/src")
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
	else
		echo "not ok - dkms build for $k # $(tail -2 "$TMP/build.log" | tr '\n' ' ')"
	fi
done
