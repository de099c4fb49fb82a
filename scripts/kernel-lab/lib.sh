# Kernel-lab helpers for step scripts (sourced by /lab/run; POSIX sh + jq).
# The program, as the operator would run it (no terminal: stdin is not the console), bounded
# so that a hang shows up as a failed verdict rather than a stuck boot.
pvept() {
	echo "LAB-RUN pve-passthrough $* (at $(cut -d' ' -f1 /proc/uptime)s)" >/dev/console
	timeout 600 /lab/pve-passthrough "$@" </dev/null
}

verdict() { # name PASS|FAIL detail...
	n="$1"; s="$2"; shift 2
	echo "LAB-VERDICT $n $s $*"
}
check() { # name detail -- command...: PASS when the command succeeds
	n="$1"; d="$2"; shift 3
	if "$@"; then verdict "$n" PASS "$d"; else verdict "$n" FAIL "$d"; fi
}
driver_of() { # address -> bound driver or "none"
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then basename "$(readlink "/sys/bus/pci/devices/$1/driver")"; else echo none; fi
}
group_of() {
	if [ -e "/sys/bus/pci/devices/$1/iommu_group" ]; then basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; else echo none; fi
}
# Addresses of the functions with this vendor:device, sorted.
by_id() {
	for d in /sys/bus/pci/devices/*; do
		v="$(cat "$d/vendor")"; p="$(cat "$d/device")"
		[ "${v#0x}:${p#0x}" = "$1" ] && basename "$d"
	done | sort
}
# The SR-IOV physical functions (sriov_totalvfs > 0).
sriov_pfs() {
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/sriov_totalvfs" ] && [ "$(cat "$d/sriov_totalvfs")" -gt 0 ] && basename "$d"
	done
}
# Block of text on the console between markers, for the host side to read.
dump() { # tag command...
	t="$1"; shift
	echo "LAB-DATA-BEGIN $t"
	"$@" 2>&1
	echo "LAB-DATA-END $t"
}
own_files() {
	for f in /etc/modprobe.d/pve-passthrough.conf /etc/modules-load.d/pve-passthrough.conf \
		/etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio /etc/udev/rules.d/70-pve-passthrough-sriov.rules; do
		[ -e "$f" ] && echo "$f"
	done | paste -sd' ' -
}
initrd_has_script() {
	lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q 'scripts/init-top/pve-passthrough-vfio'
}
kmsg() { # the kernel lines that matter for passthrough
	dmesg | grep -Ei 'pve-passthrough|vfio|DMAR: (IOMMU|Intel|Host|Interrupt|.*remapping)|iommu: Default|sriov|nvme .*(VF|vf)|e1000e 0000' | head -60
}
# EFI scenarios (booted through OVMF and systemd-boot): efivarfs where bootctl and the program
# read it (lab-init mounts only proc, sys and dev), and bootctl (from the payload) on the PATH.
efi_up() {
	mountpoint -q /sys/firmware/efi/efivars || mount -t efivarfs efivarfs /sys/firmware/efi/efivars
	[ -x /usr/local/sbin/bootctl ] || install -m 755 /lab/bootctl /usr/local/sbin/bootctl
}
# A Boot Loader Interface variable as text (4 bytes of attributes, then UTF-16LE), or "unset";
# read with cat: efivarfs files do not seek.
efi_var() {
	f="/sys/firmware/efi/efivars/$1-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
	if [ -e "$f" ]; then cat "$f" | tail -c +5 | tr -d '\000'; else echo unset; fi
}
has_kill_switch() { grep -qw 'pve-passthrough=off' /proc/cmdline; }
no_kill_switch() { ! has_kill_switch; }
