# Trial boot, boot 1 (through OVMF and systemd-boot, loader.conf's `default proxmox-*`): the node
# is set up as proxmox-boot-tool leaves it (/etc/kernel/cmdline, the ESP's UUID in
# /etc/kernel/proxmox-boot-uuids), then `apply --trial` reserves one twin NIC by address. The
# program's own steps write the recovery entry on the ESP (its hook mounts the ESP by UUID) and
# run bootctl set-default / set-oneshot; the EFI variables are read back here.
efi_up
kver="$(uname -r)"
loader="$(efi_var LoaderInfo)"
check efi-booted "LoaderInfo=$loader" -- test "${loader#systemd-boot }" != "$loader"
check boot1-entry "normal entry: $(efi_var LoaderEntrySelected)" -- test "$(efi_var LoaderEntrySelected)" = "proxmox-$kver.conf"
check boot1-no-kill-switch "$(cat /proc/cmdline)" -- no_kill_switch
sed -e 's/^BOOT_IMAGE=[^ ]* //' -e 's/ *initrd=[^ ]*//g' /proc/cmdline >/etc/kernel/cmdline
echo 5CE5-0001 >/etc/kernel/proxmox-boot-uuids
check esp-by-uuid "udev: /dev/disk/by-uuid/5CE5-0001 -> $(readlink /dev/disk/by-uuid/5CE5-0001)" -- test -e /dev/disk/by-uuid/5CE5-0001
set -- $(by_id 8086:10d3)
a="$1"
echo "$a" >/etc/lab-trial-nic
pvept apply --reserve "$a" --trial --yes >/tmp/apply.txt 2>&1; rc=$?
dump apply cat /tmp/apply.txt
check trial-apply-ok "apply --reserve $a --trial --yes: exit $rc" -- test "$rc" = 0
check default-is-recovery "LoaderEntryDefault=$(efi_var LoaderEntryDefault)" -- test "$(efi_var LoaderEntryDefault)" = "pve-passthrough-recovery-$kver.conf"
check oneshot-is-normal "LoaderEntryOneShot=$(efi_var LoaderEntryOneShot)" -- test "$(efi_var LoaderEntryOneShot)" = "proxmox-$kver.conf"
mkdir -p /mnt/esp && mount -o ro /dev/disk/by-uuid/5CE5-0001 /mnt/esp
# bootctl list reads the ESP; this one is a FAT image without a partition table (a "superfloppy"),
# which bootctl accepts only with its checks relaxed. The EFI variables need no ESP.
SYSTEMD_RELAX_ESP_CHECKS=1 bootctl --esp-path=/mnt/esp --no-pager list >/tmp/list.txt 2>&1
dump bootctl-list cat /tmp/list.txt
# bootctl marks "(default)" the entry that boots next: the one-shot before LoaderEntryDefault.
check bootctl-next-normal "bootctl list: proxmox-$kver.conf (default)" -- sh -c "grep -B2 'id: proxmox-$kver.conf' /tmp/list.txt | grep -q '(default)'"
dump bootctl-status env SYSTEMD_RELAX_ESP_CHECKS=1 bootctl --esp-path=/mnt/esp --no-pager status
dump recovery-entry cat "/mnt/esp/loader/entries/pve-passthrough-recovery-$kver.conf"
check recovery-entry-on-esp "the program's hook wrote it, with the kill switch" -- grep -q '^options.* pve-passthrough=off module_blacklist=vfio_pci$' "/mnt/esp/loader/entries/pve-passthrough-recovery-$kver.conf"
umount /mnt/esp
pvept status --json >/tmp/status.txt 2>&1; rc=$?; st="$(jq -r .state /tmp/status.txt)"
dump status cat /tmp/status.txt
check status-armed "status: exit $rc, state $st" -- test "$st" = armed
check initrd-has-script "update-initramfs put the script in the initrd" -- initrd_has_script
