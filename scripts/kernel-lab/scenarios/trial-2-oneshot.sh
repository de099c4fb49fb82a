# Trial boot, boot 2: systemd-boot took the one-shot (the normal entry, new configuration) and
# cleared it; the default is still the recovery entry. Nothing confirms the trial (no systemd
# here, and the step does not run the confirmation): the node is "power-cycled" at the end.
efi_up
kver="$(uname -r)"
a="$(cat /etc/lab-trial-nic)"
check boot2-entry "LoaderEntrySelected=$(efi_var LoaderEntrySelected)" -- test "$(efi_var LoaderEntrySelected)" = "proxmox-$kver.conf"
check boot2-no-kill-switch "$(cat /proc/cmdline)" -- no_kill_switch
check boot2-oneshot-cleared "LoaderEntryOneShot=$(efi_var LoaderEntryOneShot)" -- test "$(efi_var LoaderEntryOneShot)" = unset
check boot2-default-recovery "LoaderEntryDefault=$(efi_var LoaderEntryDefault)" -- test "$(efi_var LoaderEntryDefault)" = "pve-passthrough-recovery-$kver.conf"
check boot2-reserved-vfio "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = vfio-pci
mkdir -p /mnt/esp && mount -o ro /dev/disk/by-uuid/5CE5-0001 /mnt/esp
SYSTEMD_RELAX_ESP_CHECKS=1 bootctl --esp-path=/mnt/esp --no-pager list >/tmp/list.txt 2>&1
umount /mnt/esp
dump bootctl-list cat /tmp/list.txt
check boot2-bootctl-next-recovery "bootctl list: pve-passthrough-recovery-$kver.conf (default)" -- sh -c "grep -B2 'id: pve-passthrough-recovery-$kver.conf' /tmp/list.txt | grep -q '(default)'"
pvept status --json >/tmp/status.txt 2>&1; rc=$?; st="$(jq -r .state /tmp/status.txt)"
dump status cat /tmp/status.txt
check boot2-status-pending "status: exit $rc, state $st" -- test "$st" = pending
