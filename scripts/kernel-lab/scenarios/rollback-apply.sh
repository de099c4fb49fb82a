# Scenario 4, first boot: one apply that reserves a NIC by address and sets a VF count.
set -- $(by_id 8086:10d3)
a="$1"
pf="$(sriov_pfs | head -n1)"
pvept apply --reserve "$a" --vfs "$pf=2" --yes >/tmp/apply.txt 2>&1; rc=$?
dump apply cat /tmp/apply.txt
check apply-ok "apply --reserve $a --vfs $pf=2 --yes: exit $rc" -- test "$rc" = 0
check initrd-has-script "script in the initrd" -- initrd_has_script
