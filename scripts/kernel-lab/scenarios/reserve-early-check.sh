# Scenario 2 with vfio-pci early, after the reboot: the same checks as without, then the
# mechanism on this kernel, on the twin: with vfio-pci registered, writing driver_override
# alone (what the init-top script did before) leaves a card with no driver; drivers_probe
# (what it does now) binds it. The twin goes back to e1000e afterwards.
. /lab/scenarios/reserve-check.sh
dump kmsg-init-top sh -c 'dmesg | grep -E "pve-passthrough|lab: vfio-pci"'
check script-probed "the init-top script logged its probe" -- sh -c 'dmesg | grep -q "pve-passthrough: $0 probed now: vfio-pci is already registered"' "$a"
dev="/sys/bus/pci/devices/$b"
echo "$b" >"$dev/driver/unbind"
echo vfio-pci >"$dev/driver_override"
sleep 1
check override-alone-no-driver "$b after unbind + driver_override=vfio-pci, vfio-pci registered: driver=$(driver_of "$b")" -- test "$(driver_of "$b")" = none
echo "$b" >/sys/bus/pci/drivers_probe
check drivers-probe-binds "$b after drivers_probe: driver=$(driver_of "$b")" -- test "$(driver_of "$b")" = vfio-pci
echo "$b" >"$dev/driver/unbind"
echo >"$dev/driver_override"
echo "$b" >/sys/bus/pci/drivers_probe
check twin-restored "$b back on $(driver_of "$b")" -- test "$(driver_of "$b")" = e1000e
