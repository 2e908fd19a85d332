#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Installs the Debian 12 packages the lab, its tests and the demo need,
# skipping what is already there (a second run costs a dpkg query).
set -euo pipefail

PKGS=(
	build-essential make gcc kmod dkms
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	qemu-system-x86 busybox-static xz-utils
	clang llvm libbpf-dev bpftool bpftrace pahole libelf-dev zlib1g-dev
	libcmocka-dev libncurses-dev libjansson-dev
	iproute2 iputils-ping netcat-openbsd iperf3 tmux python3-minimal
	coccinelle git
	python3-jsonschema debhelper dh-dkms lintian mandoc fakeroot dpkg-dev
	chromium
	qemu-system-arm gcc-aarch64-linux-gnu mmdebstrap
)

# The arm64 kit (scripts/arm64-kit.sh) takes Debian's arm64 packages: dpkg
# and apt must know the architecture.
# (Outputs are read whole: grep -q closing a pipe early fails it under
# pipefail.)
arm64=yes
if ! grep -qx arm64 <<<"$(dpkg --print-foreign-architectures)"; then
	arm64=no
elif ! grep -q 'Candidate: [0-9]' <<<"$(apt-cache policy linux-image-6.12-arm64:arm64 2>/dev/null)"; then
	arm64=no
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && [ "$arm64" = yes ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing: packages '${missing[*]}', arm64 lists: $arm64; run as root or install them" >&2
	exit 2
fi
[ "$arm64" = yes ] || dpkg --add-architecture arm64
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}"
