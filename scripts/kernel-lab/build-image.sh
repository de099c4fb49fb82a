#!/usr/bin/env bash
# Builds (or finds in the cache) the kernel lab's guest: a Debian 12 root file system made by
# mmdebstrap from this machine's own apt sources, turned into an ext4 disk image without
# mounting anything (mke2fs -d). Cached outside the repository under
#   ${PVE_PASSTHROUGH_LAB_CACHE:-/var/cache/pve-passthrough-lab}/<key>/base.img
# where <key> hashes the candidate versions of the packages below (apt-cache policy), the
# guest files of this directory and this script: a new kernel or udev in the archive, or a
# change here, builds a new image. Prints the cache directory on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${PVE_PASSTHROUGH_LAB_CACHE:-/var/cache/pve-passthrough-lab}"
suite=bookworm
packages=(linux-image-amd64 initramfs-tools zstd udev systemd kmod pciutils busybox jq e2fsprogs)

for tool in mmdebstrap mke2fs debugfs apt-cache; do
	command -v "$tool" >/dev/null || { echo "build-image: $tool not found (apt-get install mmdebstrap e2fsprogs)" >&2; exit 2; }
done
sources=""
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
	[ -s "$f" ] && grep -q "$suite" "$f" && { sources="$f"; break; }
done
[ -n "$sources" ] || { echo "build-image: no apt source for $suite in /etc/apt" >&2; exit 2; }

versions=""
for p in "${packages[@]}"; do
	v="$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')"
	[ -n "$v" ] && [ "$v" != "(none)" ] || { echo "build-image: apt-cache has no candidate for $p (run apt-get update)" >&2; exit 2; }
	versions+="$p=$v "
done
# The kernel package the metapackage points at (its version is the running guest's kernel).
kpkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
versions+="$kpkg=$(apt-cache policy "$kpkg" | awk '/Candidate:/ {print $2}')"
key="$( (echo "$versions"; cat "$0" "$here"/guest/*) | sha256sum | cut -c1-16)"
dir="$cache_root/$key"
mkdir -p "$cache_root"
# One build at a time: a second run waits and then finds the image. An image in the cache is
# never replaced (overlays of running scenarios are backed by it).
exec 9>"$cache_root/.lock"
flock 9
if [ -s "$dir/base.img" ] && [ -s "$dir/versions" ]; then
	echo "build-image: cached $dir ($(cat "$dir/versions"))" >&2
	echo "$dir"
	exit 0
fi

work="$(mktemp -d "$cache_root/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS
echo "build-image: mmdebstrap $suite from $sources: $versions" >&2
include="$(IFS=,; echo "${packages[*]}")"
# Customize hooks run in the finished tree: make it look like a Proxmox VE node to the program
# (/etc/pve, /usr/sbin/qm) with logged stand-ins for the Proxmox tools, a GRUB config that
# already carries the IOMMU flags (update-grub is a stub: the lab boots its kernel directly),
# and a stopped VM. The initramfs is then rebuilt by the guest's own update-initramfs.
# MODULES=list instead of Debian's default `most`: under TCG the guest's update-initramfs takes
# minutes with `most`; the list holds what `most` would bring for the lab's devices (the SATA
# root disk, ext4, both NIC drivers and nvme), so drivers load in the initramfs as on a node.
mmdebstrap --variant=minbase --include="$include" \
	--customize-hook='echo lab > "$1/etc/hostname"' \
	--customize-hook='printf "127.0.0.1 localhost\n127.0.1.1 lab\n" > "$1/etc/hosts"' \
	--customize-hook="install -m 755 '$here/guest/lab-init' \"\$1/sbin/lab-init\"" \
	--customize-hook="install -m 755 '$here/guest/qm' \"\$1/usr/sbin/qm\"" \
	--customize-hook="install -m 755 '$here/guest/logged-stub' \"\$1/usr/sbin/update-grub\"" \
	--customize-hook="install -m 755 '$here/guest/logged-stub' \"\$1/usr/sbin/proxmox-boot-tool\"" \
	--customize-hook='mkdir -p "$1/etc/pve/qemu-server" "$1/etc/default" "$1/lab"' \
	--customize-hook='printf "name: lab-vm\nmachine: q35\nbios: ovmf\nefidisk0: local:100/vm-100-disk-0.qcow2,size=4M\nmemory: 2048\nostype: l26\n" > "$1/etc/pve/qemu-server/100.conf"' \
	--customize-hook='printf "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\nGRUB_CMDLINE_LINUX=\"\"\n" > "$1/etc/default/grub"' \
	--customize-hook='printf "LABEL=labroot / ext4 rw 0 1\n" > "$1/etc/fstab"' \
	--customize-hook='sed -i "s/^MODULES=.*/MODULES=list/" "$1/etc/initramfs-tools/initramfs.conf"' \
	--customize-hook='printf "%s\n" ahci sd_mod ext4 e1000e e1000 nvme >> "$1/etc/initramfs-tools/modules"' \
	--customize-hook='chroot "$1" update-initramfs -u -k all' \
	--customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*_Packages' \
	"$suite" "$work/root" "$sources" >&2
mke2fs -q -t ext4 -L labroot -d "$work/root" "$work/base.img" 2G
echo "$versions" > "$work/versions"
mkdir -p "$dir"
mv "$work/base.img" "$work/versions" "$dir/"
echo "build-image: built $dir in $((SECONDS - start))s" >&2
echo "$dir"
