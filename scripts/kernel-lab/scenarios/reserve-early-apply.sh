# Scenario 2 with vfio-pci loaded early: listed in /etc/initramfs-tools/modules (loaded by the
# initramfs), and registered before the init-top script runs (a lab-only init-top script
# ordered before it loads it, as a kernel with vfio-pci built in would have it).
printf 'vfio\nvfio_iommu_type1\nvfio_pci\n' >>/etc/initramfs-tools/modules
cat >/etc/initramfs-tools/scripts/init-top/lab-vfio-early <<'EOS'
#!/bin/sh
PREREQ=""
prereqs() { echo "$PREREQ"; }
case "$1" in prereqs) prereqs; exit 0 ;; esac
modprobe vfio-pci && echo "lab: vfio-pci registered before pve-passthrough-vfio" >/dev/kmsg
exit 0
EOS
chmod 755 /etc/initramfs-tools/scripts/init-top/lab-vfio-early
. /lab/scenarios/reserve-apply.sh
unmkinitramfs "/boot/initrd.img-$(uname -r)" /tmp/ird >/dev/null 2>&1
order="$(grep -ho 'init-top/[a-z_-]*' $(find /tmp/ird -path '*scripts/init-top/ORDER') | sed 's,init-top/,,' | paste -sd' ' -)"
early=false
case "$order" in *lab-vfio-early*pve-passthrough-vfio*) early=true ;; esac
check early-order "init-top runs: $order" -- test "$early" = true
check early-in-initrd "vfio-pci.ko in the initrd" -- sh -c 'find /tmp/ird -name "vfio-pci.ko*" | grep -q .'
