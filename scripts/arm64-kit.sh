#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# arm64-kit.sh: what this amd64 machine needs to build for, and boot, the
# user's arm64 tablet kernel (Debian's linux-image-6.12-arm64), made from
# Debian's archive only and kept between runs.
#
#   scripts/arm64-kit.sh          assemble the kit if missing or stale
#   scripts/arm64-kit.sh --dir    print the kit's directory, do nothing
#
# The kit ($BES2600_ARM64_KIT, default ~/.cache/bes2600-lab/arm64):
#   root/        arm64 packages unpacked (mmdebstrap --variant=extract):
#                the guest's root for tests/vm/vm-run.sh -a arm64, and
#                the sysroot bes2600-top is cross-compiled against
#   kdir/KVER/   the kernel's arm64 headers with the build machine's own
#                kbuild programs (fixdep, modpost, resolve_btfids): KDIR
#                for cross-compiling modules
#   stamp        the package list and the archive's versions it was made from
# A new kernel or library version in the archive makes the stamp stale and
# the kit is assembled again.
set -euo pipefail

KIT=${BES2600_ARM64_KIT:-${XDG_CACHE_HOME:-$HOME/.cache}/bes2600-lab/arm64}
if [ "${1:-}" = --dir ]; then
	echo "$KIT"
	exit 0
fi
[ $# -eq 0 ] || { echo "usage: arm64-kit.sh [--dir]" >&2; exit 2; }
die() { echo "arm64-kit: $*" >&2; exit 1; }

SUITE=bookworm
MIRRORS=(
	"deb http://deb.debian.org/debian $SUITE main"
	"deb http://deb.debian.org/debian $SUITE-updates main"
	"deb http://deb.debian.org/debian-security $SUITE-security main"
)
# The guest's userland (what tests/vm/guest/ runs), the kernel, what the
# cross builds link against, and the tablet's native build tools
# (docs/arm64.md, tested by tests/vm/guest/native-tests.sh).
PKGS=(
	linux-image-6.12-arm64 linux-headers-6.12-arm64
	busybox-static bash dash coreutils util-linux kmod procps grep sed gawk
	diffutils findutils debianutils ncurses-bin iproute2 iputils-ping
	netcat-openbsd python3 python3-jsonschema tmux tar
	bpftrace bpftool libbpf1 libelf1 zlib1g libncursesw6 libcmocka0 libjansson4
	libc6-dev libbpf-dev libelf-dev zlib1g-dev libncurses-dev libcmocka-dev
	libjansson-dev
	make gcc clang pahole dkms
)

for c in mmdebstrap apt-cache apt-get dpkg-deb depmod; do
	command -v "$c" >/dev/null || die "$c missing (scripts/deps.sh installs it)"
done
grep -qx arm64 <<<"$(dpkg --print-foreign-architectures)" ||
	die "dpkg does not know arm64: dpkg --add-architecture arm64 && apt-get update (scripts/deps.sh does)"

# What the archive offers now, for the stamp: the kernel's version and the
# list itself.  A missing candidate means apt has no arm64 lists.
versions() {
	local out all
	out=$(apt-cache policy "${PKGS[@]/%/:arm64}" 2>/dev/null |
		awk '/^[^ ]/ { p = $1; sub(/:$/, "", p) }
		     /^ *Candidate:/ { print p, $2 }')
	# Architecture: all packages (dkms) have no arm64 candidate.
	all=$(awk '$2 == "(none)" { sub(/:arm64$/, "", $1); print $1 }' <<<"$out")
	if [ -n "$all" ]; then
		# shellcheck disable=SC2086
		out=$(grep -v ' (none)$' <<<"$out"
			apt-cache policy $all 2>/dev/null |
				awk '/^[^ ]/ { p = $1; sub(/:$/, "", p) }
				     /^ *Candidate:/ { print p, $2 }')
	fi
	[ "$(grep -vc ' (none)$' <<<"$out")" = "${#PKGS[@]}" ] ||
		die "the archive lacks arm64 packages of: ${PKGS[*]} (apt-get update?)"
	echo "$out"
}
want=$(versions)
if [ -f "$KIT/stamp" ] && [ "$(cat "$KIT/stamp")" = "$want" ] &&
	[ -d "$KIT/root" ] && [ -d "$KIT/kdir" ]; then
	exit 0
fi

echo "arm64-kit: assembling $KIT from Debian's archive" >&2
mkdir -p "$KIT"
rm -rf "$KIT/root.new" "$KIT/kdir.new" "$KIT/stamp"
incl=$(IFS=,; echo "${PKGS[*]}")
mmdebstrap --quiet --variant=extract --arch=arm64 --mode=auto \
	--include="$incl" "$SUITE" "$KIT/root.new" "${MIRRORS[@]}"
R=$KIT/root.new

# Unpacked, not configured: give the root what maintainer scripts would.
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
printf '127.0.0.1 localhost lab\n' >"$R/etc/hosts"
mkdir -p "$R/root" "$R/sys/kernel/debug" "$R/sys/kernel/tracing" "$R/sys/fs/bpf"
# The links update-alternatives and dash's postinst would make.
for l in bin/sh:dash usr/bin/awk:gawk bin/nc:nc.openbsd usr/bin/cc:gcc; do
	link=$R/${l%%:*}
	[ -e "$link" ] || ln -s "${l#*:}" "$link"
	[ -e "$link" ] || die "/${l%%:*} -> ${l#*:}: no such program unpacked"
done
[ -e "$R/usr/bin/python3" ] || die "python3 did not unpack"

mkdir -p "$KIT/kdir.new"
for hdr in "$R"/usr/src/linux-headers-*-arm64; do
	kver=${hdr##*/linux-headers-}
	depmod -b "$R" "$kver"
	# The headers point at kbuild programs for arm64; a cross build needs
	# the same kbuild version for this machine's architecture.
	kb=$(basename "$(dirname "$(readlink "$hdr/scripts")")")
	host_kb=$KIT/kbuild-$(dpkg --print-architecture)
	if [ ! -d "$host_kb/usr/lib/$kb" ]; then
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$kb:$(dpkg --print-architecture)" >/dev/null) ||
			die "cannot download $kb for $(dpkg --print-architecture)"
		dpkg-deb -x "$tmp"/*.deb "$host_kb"
		rm -rf "$tmp"
	fi
	k=$KIT/kdir.new/$kver
	cp -a "$hdr" "$k"
	common=$(sed -n 's|^include /usr/src/\(.*\)/Makefile$|\1|p' "$hdr/Makefile")
	[ -n "$common" ] || die "unexpected $hdr/Makefile"
	# The installed tree's paths are absolute; point them into the kit.
	echo "include $KIT/root/usr/src/$common/Makefile" >"$k/Makefile"
	rm -f "$k/scripts" "$k/tools"
	ln -s "$KIT/kbuild-$(dpkg --print-architecture)/usr/lib/$kb/scripts" "$k/scripts"
	ln -s "$KIT/kbuild-$(dpkg --print-architecture)/usr/lib/$kb/tools" "$k/tools"
done
[ -n "$(ls "$KIT/kdir.new")" ] || die "no arm64 kernel headers unpacked"

rm -rf "$KIT/root" "$KIT/kdir"
mv "$KIT/root.new" "$KIT/root"
mv "$KIT/kdir.new" "$KIT/kdir"
echo "$want" >"$KIT/stamp"
echo "arm64-kit: ready: $(ls "$KIT/kdir" | tr '\n' ' ')" >&2
