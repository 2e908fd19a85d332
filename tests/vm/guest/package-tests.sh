#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The Debian packages as a user installs them: dpkg -i of bes2600-top and
# bes2600-lab-dkms (whose postinst has DKMS build the module for this
# kernel), modprobe from the installed tree, an audit by the installed
# tool, then dpkg -r.  The host root is read-only here: all of it runs in
# a chroot onto an overlay of it on tmpfs, so nothing reaches the host.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
OUT=${VM_OUTDIR:-/tmp}/package
mkdir -p "$OUT"
VERSION=$(cat "$LAB_REPO/VERSION")
DEBS=$LAB_REPO/build/deb
R=/tmp/pkgroot
mkdir -p $R/upper $R/work $R/root
modprobe overlay 2>/dev/null
if ! mount -t overlay overlay -o lowerdir=/,upperdir=$R/upper,workdir=$R/work $R/root; then
	not_ok "packages: an overlay of the root to install into"
	exit 0
fi
for d in proc sys dev dev/pts sys/kernel/debug sys/kernel/tracing sys/fs/bpf run; do
	mount --rbind "/$d" "$R/root/$d"
done
mount -t tmpfs tmpfs "$R/root/tmp"
# The tree (its lib.sh drives the lab's load) at its own path.
mkdir -p "$R/root$LAB_REPO"
mount --bind "$LAB_REPO" "$R/root$LAB_REPO"
TOPDEB=$(basename "$(ls "$DEBS"/bes2600-top_"$VERSION"_*.deb)")
DKMSDEB=bes2600-lab-dkms_${VERSION}_all.deb
cp "$DEBS/$TOPDEB" "$DEBS/$DKMSDEB" "$R/root/tmp/"
in_root() { chroot "$R/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

if in_root dpkg -i "/tmp/$TOPDEB" "/tmp/$DKMSDEB" >"$OUT/dpkg-i.log" 2>&1; then
	ok "packages: dpkg -i of both, DKMS built the module for $(uname -r)"
else
	not_ok "packages: dpkg -i of both" "$(tail -3 "$OUT/dpkg-i.log" | tr '\n' ' ')"
fi
v=$(in_root modinfo -F version bes2600_lab 2>&1)
[ "$v" = "$VERSION" ] && ok "packages: modinfo bes2600_lab: version $v, from $(in_root modinfo -n bes2600_lab)" ||
	not_ok "packages: modinfo bes2600_lab: version $VERSION" "$v"
v=$(in_root bes2600-top --version 2>&1)
[ "$v" = "bes2600-top $VERSION" ] && ok "packages: the installed tool is in PATH: $v" ||
	not_ok "packages: bes2600-top --version" "$v"
in_root man -w bes2600-top >/dev/null 2>&1 || in_root test -f /usr/share/man/man8/bes2600-top.8.gz
[ $? = 0 ] && ok "packages: the man page is where man looks" || not_ok "packages: the man page"

# The audit from the installed paths, on the installed module.
if in_root modprobe bes2600_lab counters=plain rx_deliver=direct race_window_ns=2000; then
	lab_net_up && lab_neigh_static
	in_root /usr/sbin/bes2600-top audit -o /tmp/audit.json -- \
		/bin/bash -c ". $LAB_REPO/tests/vm/guest/lib.sh; lab_generate 1000 1000 0 60; lab_settle" \
		>"$OUT/audit.txt" 2>"$OUT/audit.err"
	rc=$?
	cp "$R/root/tmp/audit.json" "$OUT/audit.json" 2>/dev/null
	lab_net_down
	in_root modprobe -r bes2600_lab
	/usr/bin/python3 - "$OUT/audit.json" "$rc" "$VERSION" <<'PYEOF' | tap_results
import json, sys
path, rc, version = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    j = json.load(open(path))
except (OSError, ValueError) as e:
    print("FAIL packages: the installed audit wrote its report # %s" % e)
    sys.exit(0)
lu = sum(i["lost_updates"] for i in j["instances"])
ok = rc == 1 and j["tool_version"] == version and j["driver"] == "bes2600_lab" and lu > 0
print("%s packages: the installed audit on the DKMS-built patch-c: exit %d, tool %s, driver %s, %d lost updates" %
      ("PASS" if ok else "FAIL", rc, j["tool_version"], j["driver"], lu))
PYEOF
else
	not_ok "packages: modprobe bes2600_lab from the DKMS tree"
fi
# The installed schema, against the installed tool's report.
schema=$R/root/usr/share/bes2600-top/schemas/audit-report.schema.json
if [ -f "$schema" ]; then
	/usr/bin/python3 "$(dirname "$0")/schema_check.py" "$schema" "$OUT/audit.json" | tap_results
else
	not_ok "packages: the installed audit report schema"
fi

if in_root dpkg -s bes2600-top bes2600-lab-dkms >/dev/null 2>&1 &&
	in_root dpkg -r bes2600-lab-dkms bes2600-top >"$OUT/dpkg-r.log" 2>&1 &&
	! in_root modinfo bes2600_lab >/dev/null 2>&1 && ! in_root test -e /usr/sbin/bes2600-top; then
	ok "packages: dpkg -r removes the tool and the DKMS module"
else
	not_ok "packages: dpkg -r" "$(tail -2 "$OUT/dpkg-r.log" | tr '\n' ' ')"
fi
umount -R "$R/root" 2>/dev/null
