#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# /init of the vm-run.sh initramfs: mount the host's root read-only over
# 9p, give it the writable and virtual filesystems a system needs, run the
# command in a chroot, save status and dmesg, power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
	echo "vm-run-init: $*" >/dev/console
	poweroff -f
}

# Dependencies come first in the list; built-in ones are not in it.
while read -r m; do
	insmod "/mods/$m.ko" || fail "insmod $m failed"
done </mods/order

mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose hostroot /host ||
	fail "cannot mount the host root over 9p"
H=/host
mkdir -p /vmout /keep
mount -t 9p -o trans=virtio,version=9p2000.L vmout /vmout ||
	fail "cannot mount the output share"
# The command's directory may sit under a path the guest covers with a
# tmpfs (a clone in /tmp), or come from the host when the root is not the
# host's (arm64): hold it aside and put it on top at the end.
CWD=$(cat /vmout/cwd)
SRC=$H
if [ -e /vmout/cwd-from-host ]; then
	mkdir -p /hostfs
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose hostfs /hostfs ||
		fail "cannot mount the host's root"
	SRC=/hostfs
fi
case $SRC:$CWD in
/hostfs:* | *:/tmp/* | *:/run/* | *:/var/tmp/*)
	mount --bind "$SRC$CWD" /keep || fail "cannot hold $CWD" ;;
*) CWD= ;;
esac
for d in proc sys dev; do
	mount --rbind "/$d" "$H/$d" || fail "cannot bind /$d"
done
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts "$H/dev/pts"
mount -t tmpfs tmpfs "$H/dev/shm"
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for d in tmp run var/tmp; do
	mount -t tmpfs tmpfs "$H/$d" || fail "cannot mount tmpfs on /$d"
done
mount -t debugfs debugfs "$H/sys/kernel/debug"
mount -t tracefs tracefs "$H/sys/kernel/tracing"
mount -t bpf bpf "$H/sys/fs/bpf"
mkdir -p "$H/run/netns" "$H/run/vm-out"
mount --move /vmout "$H/run/vm-out" || fail "cannot move the output share"
if [ -n "$CWD" ]; then
	mkdir -p "$H$CWD" && mount --move /keep "$H$CWD" ||
		fail "cannot put $CWD back"
fi
hostname lab
ip link set lo up 2>/dev/null

O=$H/run/vm-out
cut -d' ' -f1 /proc/uptime >"$O/started"
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=${TERM:-linux} \
	chroot "$H" /bin/bash /run/vm-out/cmd.sh >"$O/output.log" 2>&1 </dev/null
echo $? >"$O/status.tmp"
chroot "$H" dmesg >"$O/dmesg.txt" 2>&1
mv "$O/status.tmp" "$O/status"
sync
poweroff -f
