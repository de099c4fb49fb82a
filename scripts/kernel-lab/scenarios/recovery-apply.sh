# Recovery entry, first boot: reserve one twin NIC by address (init-top script) and the NVMe
# controller by id (options vfio-pci ids= + softdep nvme pre: vfio-pci + vfio_pci in
# modules-load.d): the two ways the kill switch has to undo.
set -- $(by_id 8086:10d3)
a="$1"
nv="$(by_id 1b36:0010 | head -n1)"
check recovery-devices "twin $a, nvme $nv" -- test -n "$a" -a -n "$nv"
pvept apply --reserve "$a" --reserve "$nv" --yes >/tmp/apply.txt 2>&1; rc=$?
dump apply cat /tmp/apply.txt
check recovery-apply-ok "apply --reserve $a --reserve $nv --yes: exit $rc" -- test "$rc" = 0
check recovery-by-address "init-top names $a" -- grep -q "^bind $a 8086:10d3$" /etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio
check recovery-by-id "ids= and softdep for the nvme" -- sh -c 'grep -q "ids=.*1b36:0010" /etc/modprobe.d/*.conf && grep -q "softdep nvme pre: vfio-pci" /etc/modprobe.d/pve-passthrough.conf'
check recovery-entry-file "a recovery entry file exists" -- sh -c 'test -x /etc/grub.d/42_pve-passthrough-recovery || test -x /etc/kernel/postinst.d/zz-pve-passthrough-recovery'
dump own-files own_files
