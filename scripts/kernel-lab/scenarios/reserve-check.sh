# Scenario 2, after the reboot: the reserved NIC is vfio-pci's, its twin kept e1000e.
set -- $(by_id 8086:10d3)
a="$1"; b="$2"
g="$(group_of "$a")"
check reserved-vfio "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = vfio-pci
check vfio-group-node "/dev/vfio/$g" -- test -c "/dev/vfio/$g"
check twin-host-driver "$b driver=$(driver_of "$b")" -- test "$(driver_of "$b")" = e1000e
check override-set "$a driver_override=$(cat "/sys/bus/pci/devices/$a/driver_override")" -- test "$(cat "/sys/bus/pci/devices/$a/driver_override")" = vfio-pci
dump kmsg kmsg
