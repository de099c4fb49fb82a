# Recovery entry, the normal boot after it: the same files bind both devices to vfio-pci (so the
# host drivers in the previous boot came from the kill switch, not from a reservation that failed).
set -- $(by_id 8086:10d3)
a="$1"
nv="$(by_id 1b36:0010 | head -n1)"
check normal-twin-vfio "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = vfio-pci
check normal-nvme-vfio "$nv driver=$(driver_of "$nv")" -- test "$(driver_of "$nv")" = vfio-pci
