# Scenario 3, after the reboot: the udev rule brought the VFs back.
pf="$(sriov_pfs | head -n1)"
n="$(cat /sys/bus/pci/devices/$pf/sriov_numvfs)"
check vfs-back "$pf sriov_numvfs=$n after reboot (driver $(driver_of "$pf"))" -- test "$n" = 2
vfs="$(for v in /sys/bus/pci/devices/$pf/virtfn*; do [ -e "$v" ] && basename "$(readlink "$v")"; done | paste -sd' ' -)"
check vf-links "virtfn links: ${vfs:-none}" -- test "$(echo $vfs | wc -w)" = 2
dump rule cat /etc/udev/rules.d/70-pve-passthrough-sriov.rules
dump udev-pf udevadm info "/sys/bus/pci/devices/$pf"
dump kmsg kmsg
