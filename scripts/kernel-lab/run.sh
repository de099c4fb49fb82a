#!/bin/sh
# Kernel-lab boot sequence, on the payload disk as /lab/run (lab-init execs it). Does what
# systemd's early boot would for this test: systemd-modules-load, then udev coldplug with
# Debian's systemd-udevd, then the scenario's step (/lab/step.sh), then powers off.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH HOME=/root LANG=C.UTF-8
echo "LAB-BOOT userspace at $(cut -d' ' -f1 /proc/uptime)s"
/lib/systemd/systemd-modules-load
/lib/systemd/systemd-udevd --daemon
udevadm trigger --type=subsystems --action=add
udevadm trigger --type=devices --action=add
udevadm settle --timeout=120
echo "LAB-UP udev settled at $(cut -d' ' -f1 /proc/uptime)s"
. /lab/lib.sh
( . /lab/step.sh ) </dev/null 2>&1
echo "LAB-STEP done at $(cut -d' ' -f1 /proc/uptime)s"
udevadm control --exit 2>/dev/null
sync
umount /lab
mount -o remount,ro /
sync
echo "LAB-END"
echo o >/proc/sysrq-trigger
sleep 30
