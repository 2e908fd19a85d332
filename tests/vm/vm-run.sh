#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# vm-run.sh: boot a Debian kernel under qemu TCG, run one command inside
# it, return its exit status.
#
#   tests/vm/vm-run.sh [-a x86_64|arm64] [-k KVER] [-c CPUS] [-m MEM_MB]
#                      [-t TIMEOUT_S] [-o OUTDIR] [-q] -- COMMAND [ARGS...]
#
# The guest is a busybox initramfs that mounts a root read-only over 9p
# and chroots into it.  x86_64 (the default): the host's root and an
# installed kernel, so COMMAND runs with the host's binaries at the host's
# paths.  arm64 (the default when KVER ends in -arm64): the root and the
# kernel of scripts/arm64-kit.sh under qemu-system-aarch64 -M virt, with
# the host's current directory bound in at the same path.  Either way
# COMMAND runs as root in the host's current directory.  OUTDIR (a
# new temporary directory unless -o) is shared read-write at /run/vm-out
# ($VM_OUTDIR) and receives:
#   output.log   COMMAND's stdout and stderr (streamed to stdout unless -q)
#   console.log  the serial console (kernel messages)
#   dmesg.txt    the guest's kernel log after COMMAND
#   status       COMMAND's exit status
# Exit status: COMMAND's; 124 when the timeout killed the guest; 125 when
# the guest did not boot or died before reporting; 2 on bad arguments.
# KVM is not used (it does not work on these machines); the TCG thread is
# single because multi-threaded TCG makes 6.12 oops at boot now and then.
set -euo pipefail

usage() {
	echo "usage: vm-run.sh [-k KVER] [-c CPUS] [-m MEM_MB] [-t TIMEOUT_S] [-o OUTDIR] [-q] -- COMMAND [ARGS...]" >&2
	exit 2
}
die() { echo "vm-run: $*" >&2; exit 2; }

ARCH=
KVER=
CPUS=2
MEM=2048
TIMEOUT=1800
OUTDIR=
QUIET=0
while getopts "a:k:c:m:t:o:qh" opt; do
	case $opt in
	a) ARCH=$OPTARG ;;
	k) KVER=$OPTARG ;;
	c) CPUS=$OPTARG ;;
	m) MEM=$OPTARG ;;
	t) TIMEOUT=$OPTARG ;;
	o) OUTDIR=$OPTARG ;;
	q) QUIET=1 ;;
	*) usage ;;
	esac
done
# getopts consumes the "--" itself; insist that it was there.
[ "$OPTIND" -gt 1 ] && [ "${*:OPTIND-1:1}" = -- ] || usage
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage
[[ $CPUS =~ ^[0-9]+$ ]] && [ "$CPUS" -ge 2 ] ||
	die "need at least 2 vCPUs so the BH and the workqueue run in parallel"
[[ $MEM =~ ^[0-9]+$ && $TIMEOUT =~ ^[0-9]+$ ]] || usage
[ -n "$ARCH" ] || case $KVER in *-arm64) ARCH=arm64 ;; *) ARCH=x86_64 ;; esac

# ROOT: the guest's root on the host; QEMU and its arguments per machine.
# The arm64 CPU is a Cortex-A76: QEMU 7.2 has no A55 (the tablet's), and
# the A76 has the same ARMv8.2 atomics (LSE), which atomic_t compiles to.
case $ARCH in
x86_64)
	ROOT=/
	QEMU=(qemu-system-x86_64 -accel tcg,thread=single)
	CONSOLE=ttyS0
	pkg=qemu-system-x86
	;;
arm64)
	ROOT=$("$(dirname "$0")/../../scripts/arm64-kit.sh" --dir)/root
	[ -d "$ROOT" ] || die "no arm64 kit at ${ROOT%/root} (make ARCH=arm64 assembles it)"
	QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a76 -accel tcg,thread=single)
	CONSOLE=ttyAMA0
	pkg=qemu-system-arm
	;;
*) die "unknown architecture '$ARCH' (x86_64 or arm64)" ;;
esac
[ -n "$KVER" ] || KVER=$(ls "$ROOT/lib/modules" 2>/dev/null | sort -V | tail -1)
MODS=$ROOT/lib/modules/$KVER
[ -n "$KVER" ] && [ -f "$ROOT/boot/vmlinuz-$KVER" ] && [ -f "$MODS/modules.dep" ] ||
	die "no $ARCH kernel '$KVER' in $ROOT (have: $(ls "$ROOT/lib/modules" 2>/dev/null | tr '\n' ' '))"
command -v "${QEMU[0]}" >/dev/null || die "${QEMU[0]} missing (apt-get install $pkg)"
BUSYBOX=$ROOT/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=$ROOT/usr/bin/busybox
[ -x "$BUSYBOX" ] || die "busybox missing in $ROOT (apt-get install busybox-static)"

if [ -z "$OUTDIR" ]; then
	OUTDIR=$(mktemp -d /tmp/vm-run.XXXXXX)
	echo "vm-run: results in $OUTDIR" >&2
fi
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
rm -f "$OUTDIR"/{output.log,console.log,dmesg.txt,status,started,cwd,cwd-from-host}
WORK=$(mktemp -d /tmp/vm-run-initrd.XXXXXX)
QEMU_PID=
TAIL_PID=
cleanup() {
	[ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# Prints the .ko paths needed for MODULE, dependencies first, skipping
# what is built in (not in modules.dep).
declare -A SEEN
mod_order() {
	local rel=$1 line dep
	[ -n "${SEEN[$rel]:-}" ] && return
	SEEN[$rel]=1
	line=$(grep -m1 "^$rel:" "$MODS/modules.dep") || return 0
	for dep in ${line#*:}; do
		mod_order "$dep"
	done
	echo "$rel"
}

mod_path() { # NAME -> path relative to /lib/modules/KVER, or nothing
	grep -m1 -oE "^[^:]*/$1\.ko(\.xz|\.zst|\.gz)?:" "$MODS/modules.dep" |
		tr -d : || true
}

# The initramfs: busybox, the virtio/9p modules uncompressed (busybox
# insmod cannot read .ko.xz), and /init.
build_initramfs() {
	local root=$WORK/root m rel
	mkdir -p "$root"/{bin,dev,proc,sys,host,mods}
	cp "$BUSYBOX" "$root/bin/busybox"
	for m in virtio_pci 9pnet_virtio 9p; do
		rel=$(mod_path "$m")
		if [ -n "$rel" ]; then mod_order "$rel"; fi
	done >"$WORK/order"
	: >"$root/mods/order"
	while read -r rel; do
		m=$(basename "$rel")
		m=${m%%.ko*}
		case $rel in
		*.xz) xz -dc "$MODS/$rel" >"$root/mods/$m.ko" ;;
		*.zst) zstd -qdc "$MODS/$rel" >"$root/mods/$m.ko" ;;
		*.gz) gzip -dc "$MODS/$rel" >"$root/mods/$m.ko" ;;
		*) cp "$MODS/$rel" "$root/mods/$m.ko" ;;
		esac
		echo "$m" >>"$root/mods/order"
	done <"$WORK/order"
	cp "$(dirname "$0")/guest-init.sh" "$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$WORK/initrd.gz"
}

# The command, with its arguments quoted, run from the caller's directory.
{
	printf 'cd %q || exit 125\n' "$PWD"
	printf 'export VM_KVER=%q VM_ARCH=%q VM_OUTDIR=/run/vm-out\n' "$KVER" "$ARCH"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$OUTDIR/cmd.sh"

printf '%s\n' "$PWD" >"$OUTDIR/cwd"
# A root that is not the host's gets the current directory from the host:
# /init binds it over a directory made here (the root is read-only there).
if [ "$ROOT" != / ]; then
	mkdir -p "$ROOT$PWD"
	: >"$OUTDIR/cwd-from-host"
	HOSTFS=(-virtfs local,path=/,mount_tag=hostfs,security_model=none,readonly=on,multidevs=remap)
else
	rm -f "$OUTDIR/cwd-from-host"
	HOSTFS=()
fi
build_initramfs
: >"$OUTDIR/output.log"
start=$(date +%s.%N)
"${QEMU[@]}" -smp "$CPUS" -m "$MEM" \
	-nographic -no-reboot -nic none \
	-kernel "$ROOT/boot/vmlinuz-$KVER" -initrd "$WORK/initrd.gz" \
	-append "console=$CONSOLE quiet loglevel=3 panic=-1 hung_task_timeout_secs=60" \
	-virtfs "local,path=$ROOT,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	"${HOSTFS[@]}" \
	-virtfs "local,path=$OUTDIR,mount_tag=vmout,security_model=none,multidevs=remap" \
	</dev/null >"$OUTDIR/console.log" 2>&1 &
QEMU_PID=$!
if [ "$QUIET" = 0 ]; then
	tail -n +1 -f "$OUTDIR/output.log" &
	TAIL_PID=$!
fi

timed_out=0
reported_boot=0
while kill -0 "$QEMU_PID" 2>/dev/null; do
	if [ "$reported_boot" = 0 ] && [ -s "$OUTDIR/started" ]; then
		echo "vm-run: $KVER ($ARCH) booted in $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s" >&2
		reported_boot=1
	fi
	if awk -v s="$start" -v e="$(date +%s.%N)" -v t="$TIMEOUT" 'BEGIN { exit !(e - s > t) }'; then
		timed_out=1
		kill "$QEMU_PID" 2>/dev/null
		break
	fi
	sleep 0.5
done
wait "$QEMU_PID" 2>/dev/null || true
QEMU_PID=
sleep 0.3
[ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null
TAIL_PID=

if [ -s "$OUTDIR/status" ]; then
	exit "$(cat "$OUTDIR/status")"
elif [ "$timed_out" = 1 ]; then
	echo "vm-run: timeout after $TIMEOUT s (see $OUTDIR/console.log)" >&2
	exit 124
elif [ ! -s "$OUTDIR/started" ]; then
	echo "vm-run: boot failed: $(grep -m1 -E 'panic|Oops|vm-run-init' "$OUTDIR/console.log" || echo 'the guest never started the command') (see $OUTDIR/console.log)" >&2
	exit 125
else
	echo "vm-run: guest died during the command: $(grep -m1 -E 'panic|Oops|BUG:' "$OUTDIR/console.log" || echo 'no status') (see $OUTDIR/console.log)" >&2
	exit 125
fi
