#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# What make ARCH=arm64 built is for arm64 and for the kit's kernel: the
# machine of every ELF file, the modules' vermagic, the BPF object's
# types.  The arm64 guest runs them (tests/vm/guest/all.sh); this says
# early, and clearly, when the cross build went wrong.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 2
ok() { echo "ok - arm64 build: $1"; }
not_ok() { echo "not ok - arm64 build: $1${2:+ # $2}"; }

kit=$(scripts/arm64-kit.sh --dir)
kvers=$(ls "$kit/kdir" 2>/dev/null)
if [ -z "$kvers" ]; then
	not_ok "the arm64 kit has a kernel" "none in $kit (make ARCH=arm64)"
	exit 0
fi
machine() { readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p'; }
for f in build/arm64/bes2600-top/bes2600-top build/arm64/unit/*_test; do
	m=$(machine "$f")
	[ "$m" = AArch64 ] && ok "$f is AArch64" || not_ok "$f is AArch64" "${m:-no ELF file}"
done
for k in $kvers; do
	for ko in build/"$k"/driver/bes2600_lab.ko build/"$k"/abi-src/{abi_v1,ctx_kinds}.ko; do
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
		case $vm in
		"$k "*aarch64*) ok "$ko: vermagic $vm" ;;
		*) not_ok "$ko is built for $k" "vermagic '${vm:-none}'" ;;
		esac
	done
done
# arm64's preempt count is a thread_info member x86's BTF does not have.
if grep -q '^struct user_pt_regs {' build/arm64/bpf/vmlinux.h &&
	grep -A8 '^struct thread_info {' build/arm64/bpf/vmlinux.h | grep -q 'preempt;'; then
	ok "the BPF object's vmlinux.h is arm64's"
else
	not_ok "the BPF object's vmlinux.h is arm64's"
fi
