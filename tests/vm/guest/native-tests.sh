#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The tablet's workflow of docs/arm64.md, followed literally inside the
# guest: "make modules bpf tool" in a copy of the tree (the lab for the
# running kernel, the BPF object from /sys/kernel/btf/vmlinux,
# bes2600-top), a DKMS build of the lab, and an audit of patch-c with what
# make built.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$dir/lib.sh"
OUT=${VM_OUTDIR:-/tmp}/native
SRC=/tmp/native-tree
KVER=$(uname -r)
mkdir -p "$OUT" "$SRC"
tar -C "$LAB_REPO" --exclude=./build -cf - . | tar -C "$SRC" -xf -

s=$SECONDS
if make -C "$SRC" modules bpf tool >"$OUT/make.log" 2>&1; then
	ok "native make modules bpf tool on $(uname -m) ($((SECONDS - s)) s)"
else
	not_ok "native make modules bpf tool on $(uname -m)" "$(tail -3 "$OUT/make.log" | tr '\n' ' ')"
	exit 0
fi
for f in "build/$KVER/driver/bes2600_lab.ko" build/bpf/bes2600_top.bpf.o \
	build/bes2600-top/bes2600-top; do
	[ -s "$SRC/$f" ] && ok "native make built $f" || not_ok "native make built $f"
done
# The object's types came from the running kernel's BTF.
cmp -s <(bpftool btf dump file /sys/kernel/btf/vmlinux format c) "$SRC/build/bpf/vmlinux.h" &&
	ok "native make: vmlinux.h from this kernel's BTF" ||
	not_ok "native make: vmlinux.h from this kernel's BTF"

# DKMS, in a private tree (tests/host/dkms.sh), for the running kernel.
"$SRC/tests/host/dkms.sh" "$KVER" | sed "s/^\(ok\|not ok\) - /\1 - native: /"

# What make built, used: patch-c with a race window, one audit.
LAB_KO=$SRC/build/$KVER/driver/bes2600_lab.ko
lab_load patch-c 20000 && lab_net_up && lab_neigh_static || {
	not_ok "native: the natively built lab loads"
	exit 0
}
lab_truth >"$OUT/before"
"$SRC/build/bes2600-top/bes2600-top" audit -o "$OUT/patch-c.json" -- \
	bash -c ". $LAB_REPO/tests/vm/guest/lib.sh; lab_generate 1500 1000 0 30; lab_settle" \
	>"$OUT/patch-c.txt" 2>"$OUT/patch-c.err"
rc=$?
lab_truth >"$OUT/after"
lab_unload
/usr/bin/python3 "$dir/audit_check.py" race "$OUT/patch-c.json" "$OUT/before" \
	"$OUT/after" "$rc" "native patch-c" | tap_results
rm -rf "$SRC"
