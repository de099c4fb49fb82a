# Scenario 2, first boot: reserve the first of the two identical e1000e NICs by address.
set -- $(by_id 8086:10d3)
a="$1"; b="$2"
check twins "e1000e at ${a:-?} and ${b:-?}" -- test -n "$a" -a -n "$b"
check twins-host-driver "$a=$(driver_of "$a") $b=$(driver_of "$b")" -- test "$(driver_of "$a")" = e1000e -a "$(driver_of "$b")" = e1000e
t0="$(cut -d' ' -f1 /proc/uptime)"
pvept apply --reserve "$a" --yes >/tmp/apply.txt 2>&1; rc=$?
t1="$(cut -d' ' -f1 /proc/uptime)"
dump apply cat /tmp/apply.txt
check apply-ok "apply --reserve $a --yes: exit $rc in $(echo "$t1 - $t0" | awk '{print $1 - $3}')s (guest clock, with update-initramfs)" -- test "$rc" = 0
check by-address "the init-top script names $a" -- grep -q "^bind $a 8086:10d3$" /etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio
check not-by-id "no vfio-pci ids= for the twin's id" -- sh -c '! grep -qs "ids=.*8086:10d3" /etc/modprobe.d/pve-passthrough.conf'
check initrd-has-script "the guest's update-initramfs put the script in /boot/initrd.img-$(uname -r)" -- initrd_has_script
dump own-files own_files
