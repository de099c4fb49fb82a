# Scenario 4, after the reboot: host drivers, no VFs, no files of the program left.
set -- $(by_id 8086:10d3)
a="$1"; b="$2"
pf="$(sriov_pfs | head -n1)"
check host-driver-a "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = e1000e
check host-driver-b "$b driver=$(driver_of "$b")" -- test "$(driver_of "$b")" = e1000e
check no-override "$a driver_override=$(cat "/sys/bus/pci/devices/$a/driver_override")" -- test "$(cat "/sys/bus/pci/devices/$a/driver_override")" = "(null)"
check no-vfs "$pf sriov_numvfs=$(cat /sys/bus/pci/devices/$pf/sriov_numvfs)" -- test "$(cat /sys/bus/pci/devices/$pf/sriov_numvfs)" = 0
left="$(own_files)"
check no-leftovers "program files left: ${left:-none}" -- test -z "$left"
check initrd-clean "no init-top script in the initrd" -- sh -c '! lsinitramfs "/boot/initrd.img-$(uname -r)" | grep -q pve-passthrough-vfio'
check vfio-unused "vfio-pci bound to nothing" -- sh -c '! ls /sys/bus/pci/drivers/vfio-pci/ 2>/dev/null | grep -q "^0000:"'
dump kmsg kmsg
