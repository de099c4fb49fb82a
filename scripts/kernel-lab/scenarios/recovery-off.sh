# Recovery entry, booted with the kill switch (pve-passthrough=off module_blacklist=vfio_pci):
# both devices come up with their host drivers and vfio-pci is never loaded, although the
# modprobe options, the softdep and modules-load.d all ask for it.
set -- $(by_id 8086:10d3)
a="$1"
nv="$(by_id 1b36:0010 | head -n1)"
check off-cmdline "$(cat /proc/cmdline)" -- grep -q 'pve-passthrough=off' /proc/cmdline
check off-twin-host-driver "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = e1000e
check off-nvme-host-driver "$nv driver=$(driver_of "$nv")" -- test "$(driver_of "$nv")" = nvme
check off-no-vfio-pci "/sys/module/vfio_pci absent" -- test ! -e /sys/module/vfio_pci
check off-override-unset "$a driver_override=$(cat "/sys/bus/pci/devices/$a/driver_override")" -- test "$(cat "/sys/bus/pci/devices/$a/driver_override")" = "(null)"
check off-logged "init-top logged the switch" -- sh -c 'dmesg | grep -q "pve-passthrough: pve-passthrough=off on the kernel command line"'
dump kmsg sh -c 'dmesg | grep -i -e vfio -e blacklist -e pve-passthrough'
dump check sh -c '/lab/pve-passthrough check 2>&1 | grep -i -e "passthrough off" -e recovery'
