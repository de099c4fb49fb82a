# Scenario 3, first boot: set the SR-IOV PF's VF count with the program.
pf="$(sriov_pfs | head -n1)"
check pf "SR-IOV PF $pf, sriov_totalvfs=$(cat /sys/bus/pci/devices/$pf/sriov_totalvfs), driver=$(driver_of "$pf")" -- test -n "$pf"
pvept apply --vfs "$pf=2" --yes >/tmp/apply.txt 2>&1; rc=$?
dump apply cat /tmp/apply.txt
check apply-ok "apply --vfs $pf=2 --yes: exit $rc" -- test "$rc" = 0
check live-vfs "sriov_numvfs=$(cat /sys/bus/pci/devices/$pf/sriov_numvfs) now" -- test "$(cat /sys/bus/pci/devices/$pf/sriov_numvfs)" = 2
dump rule cat /etc/udev/rules.d/70-pve-passthrough-sriov.rules
