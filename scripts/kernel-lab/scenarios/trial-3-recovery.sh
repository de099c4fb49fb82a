# Trial boot, boot 3: not confirmed, so systemd-boot took the default: the recovery entry, with
# the kill switch. The confirmation script refuses there (exit 3, default unchanged);
# `pve-passthrough confirm` refuses too; `confirm --force` puts the normal default back.
efi_up
kver="$(uname -r)"
a="$(cat /etc/lab-trial-nic)"
check boot3-entry "LoaderEntrySelected=$(efi_var LoaderEntrySelected)" -- test "$(efi_var LoaderEntrySelected)" = "pve-passthrough-recovery-$kver.conf"
check boot3-kill-switch "$(cat /proc/cmdline)" -- has_kill_switch
check boot3-host-driver "$a driver=$(driver_of "$a")" -- test "$(driver_of "$a")" = e1000e
/etc/pve-passthrough/trial-confirm >/tmp/confirm.txt 2>&1; rc=$?
dump trial-confirm cat /tmp/confirm.txt
check boot3-script-refuses "trial-confirm: exit $rc" -- test "$rc" = 3
check boot3-script-kept-default "LoaderEntryDefault=$(efi_var LoaderEntryDefault)" -- test "$(efi_var LoaderEntryDefault)" = "pve-passthrough-recovery-$kver.conf"
pvept status --json >/tmp/status.txt 2>&1; rc=$?; st="$(jq -r .state /tmp/status.txt)"
dump status cat /tmp/status.txt
check boot3-status-recovered "status: exit $rc, state $st" -- test "$st" = recovered
pvept confirm >/tmp/c1.txt 2>&1; rc=$?
dump confirm cat /tmp/c1.txt
check boot3-confirm-refused "confirm: exit $rc" -- test "$rc" = 4
pvept confirm --force >/tmp/c2.txt 2>&1; rc=$?
dump confirm-force cat /tmp/c2.txt
check boot3-confirm-force "confirm --force: exit $rc" -- test "$rc" = 0
check boot3-default-restored "LoaderEntryDefault=$(efi_var LoaderEntryDefault) (loader.conf's default proxmox-* again)" -- test "$(efi_var LoaderEntryDefault)" = unset
check boot3-oneshot-unset "LoaderEntryOneShot=$(efi_var LoaderEntryOneShot)" -- test "$(efi_var LoaderEntryOneShot)" = unset
