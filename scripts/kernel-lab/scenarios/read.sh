# Scenarios 1 and 5 (one boot, nothing reserved): the program's reading of the machine against
# what this shell reads from /sys, and a plan that would split a shared group.
pf="$(sriov_pfs | head -n1)"
check sriov-pf-present "pf=$pf" -- test -n "$pf"
# Make VFs live first (plain sysfs, not the program) so PF/VF links are there to compare.
echo 2 >"/sys/bus/pci/devices/$pf/sriov_numvfs" && udevadm settle
sys_view() {
	for d in /sys/bus/pci/devices/*; do
		a="$(basename "$d")"
		pf=-; [ -e "$d/physfn" ] && pf="$(basename "$(readlink "$d/physfn")")"
		vfs="$(for v in "$d"/virtfn*; do [ -e "$v" ] && basename "$(readlink "$v")"; done | sort | paste -sd, -)"
		echo "$a driver=$(driver_of "$a") group=$(group_of "$a") physfn=$pf virtfns=${vfs:-}"
	done | sort
}
list_view() {
	jq -r '([.groups[] | .id as $g | .devices[] | {d: ., g: ($g | tostring)}] + [.ungrouped[]? | {d: ., g: "none"}])[]
		| "\(.d.address) driver=\(.d.driver // "none") group=\(.g) physfn=\(.d.physfn // "-") virtfns=\(.d.virtfns | sort | join(","))"' "$1" | sort
}
pvept list --json >/tmp/list.json; rc=$?
check list-json-exit "exit $rc" -- test "$rc" = 0
sys_view >/tmp/sys.txt
list_view /tmp/list.json >/tmp/list.txt
dump sysfs-view cat /tmp/sys.txt
if diff -u /tmp/sys.txt /tmp/list.txt >/tmp/diff.txt; then
	verdict list-matches-sysfs PASS "$(wc -l </tmp/sys.txt) functions: address, driver, group, physfn, virtfns"
else
	dump list-diff cat /tmp/diff.txt
	verdict list-matches-sysfs FAIL "$(grep -c '^[-+]0000' /tmp/diff.txt) differing lines"
fi
vfs="$(jq -r --arg pf "$pf" '[.groups[].devices[] | select(.address == $pf)][0].virtfns | length' /tmp/list.json)"
check list-sees-vfs "list --json shows $vfs VFs under $pf" -- test "$vfs" = 2
# Interrupt remapping: the kernel's own log against the program's reading of it.
kir=false; dmesg | grep -q 'Enabled IRQ remapping' && kir=true
lir="$(jq -r '.iommu.interruptRemapping' /tmp/list.json)"
check iommu-remap-agrees "kernel=$kir list=$lir" -- test "$kir" = "$lir"
check iommu-enabled "groups in /sys/kernel/iommu_groups: $(ls /sys/kernel/iommu_groups | wc -l)" -- test "$(jq -r .iommu.enabled /tmp/list.json)" = true
pvept check --json >/tmp/check.json; rc=$?
dump check-json cat /tmp/check.json
check check-json-clean "exit $rc, errors $(jq -r .errors /tmp/check.json)" -- test "$rc" = 0 -a "$(jq -r .errors /tmp/check.json)" = 0
check check-no-iommu-finding "no IOMMU or remapping finding on a machine that has both" -- \
	sh -c '! jq -r ".findings[] | tostring" /tmp/check.json | grep -Eiq "iommu|remapping"'
echo 0 >"/sys/bus/pci/devices/$pf/sriov_numvfs"

# Scenario 5: one device of the group behind the conventional PCI bridge, alone.
e1000="$(by_id 8086:100e | head -n1)"
g="$(group_of "$e1000")"
members="$(ls "/sys/kernel/iommu_groups/$g/devices" | paste -sd' ' -)"
check shared-group-real "group $g holds: $members" -- test "$(ls "/sys/kernel/iommu_groups/$g/devices" | wc -l)" -ge 3
tree_sum() { find /etc /boot /var/lib/pve-passthrough -xdev -type f 2>/dev/null | sort | xargs md5sum 2>/dev/null | md5sum; }
before="$(tree_sum)"
pvept apply --reserve "$e1000" --yes >/tmp/apply.txt 2>&1; rc=$?
dump shared-apply cat /tmp/apply.txt
after="$(tree_sum)"
check shared-refused "apply --reserve $e1000 exit $rc" -- test "$rc" = 3
check shared-no-write "/etc, /boot (initrd) and /var/lib/pve-passthrough unchanged" -- test "$before" = "$after"
check shared-no-state "no backup taken" -- sh -c '! ls /var/lib/pve-passthrough/backups/* >/dev/null 2>&1'
left="$(own_files)"
check shared-no-own-files "none of the program's files written: ${left:-none}" -- test -z "$left"
