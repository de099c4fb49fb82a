# Trial boot, boot 4: after the confirmation the normal entry is the default again, with the
# new configuration (the reserved NIC on vfio-pci).
efi_up
kver="$(uname -r)"
a="$(cat /etc/lab-trial-nic)"
check boot4-entry "LoaderEntrySelected=$(efi_var LoaderEntrySelected)" -- test "$(efi_var LoaderEntrySelected)" = "proxmox-$kver.conf"
check boot4-no-kill-switch "$(cat /proc/cmdline)" -- no_kill_switch
check boot4-reserved-vfio "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = vfio-pci
pvept status --json >/tmp/status.txt 2>&1; rc=$?; st="$(jq -r .state /tmp/status.txt)"
dump status cat /tmp/status.txt
check boot4-status-confirmed "status: exit $rc, state $st" -- test "$st" = confirmed
