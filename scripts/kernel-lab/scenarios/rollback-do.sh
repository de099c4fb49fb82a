# Scenario 4, second boot: the apply took effect; roll it back (the real update-initramfs runs).
set -- $(by_id 8086:10d3)
a="$1"
pf="$(sriov_pfs | head -n1)"
check applied-reserve "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = vfio-pci
check applied-vfs "$pf sriov_numvfs=$(cat /sys/bus/pci/devices/$pf/sriov_numvfs)" -- test "$(cat /sys/bus/pci/devices/$pf/sriov_numvfs)" = 2
pvept rollback >/tmp/rollback.txt 2>&1; rc=$?
dump rollback cat /tmp/rollback.txt
check rollback-ok "rollback: exit $rc" -- test "$rc" = 0
check rollback-live-vfs "sriov_numvfs=$(cat /sys/bus/pci/devices/$pf/sriov_numvfs) right after rollback" -- test "$(cat /sys/bus/pci/devices/$pf/sriov_numvfs)" = 0
check initrd-clean "the guest's update-initramfs left the script out of the initrd" -- sh -c '! lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q pve-passthrough-vfio'
