#!/bin/bash
# Installs the Debian 12 packages the lab, its tests and the demo need,
# skipping what is already there (a second run costs a dpkg query).
set -euo pipefail

PKGS=(
	build-essential make gcc kmod dkms
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	qemu-system-x86 busybox-static xz-utils
	clang llvm libbpf-dev bpftool bpftrace pahole libelf-dev zlib1g-dev
	libcmocka-dev libncurses-dev
	iproute2 iputils-ping netcat-openbsd iperf3 tmux python3-minimal
	coccinelle git
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run as root or install them" >&2
	exit 2
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
