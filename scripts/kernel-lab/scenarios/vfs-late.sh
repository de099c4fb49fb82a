# Scenario 3, second boot: the VFs came back with nvme in the initramfs (the PF driver bound
# before the root file system's udev rules existed). Then take nvme out of the initramfs so the
# next boot loads it from the root file system (the PF driver binds under the real udevd).
. /lab/scenarios/vfs-check.sh
sed -i '/^nvme$/d' /etc/initramfs-tools/modules
update-initramfs -u -k all >/dev/null 2>&1
check nvme-late "nvme.ko out of the initrd: $(lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -c 'nvme/host/nvme.ko') left" -- \
	sh -c '! lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q "nvme/host/nvme.ko"'
