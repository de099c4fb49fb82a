// Defaults for the assign dialog, from the device and the VM: no machine type change is ever
// ticked by default, and x-vga only for a GPU that becomes an OVMF VM's display. A device the VM
// already has (model/assigned.ts) opens with that line's options, to edit it.
import { existingAssignment } from './assigned.ts';
import { slotOf } from './address.ts';
import type { AssignOptions, HostSnapshot, PciDevice, VmConfig } from './types.ts';
import { isQ35 } from './vmconf.ts';

export const isGpu = (d: PciDevice) => d.classId.startsWith('03');

/**
 * The VM's line that already has this device (the model's answer: by address, by the card's
 * slot, through a mapping), with the options written on it, so the dialog edits that line
 * instead of adding the device twice.
 */
export function existingLine(
  snap: HostSnapshot,
  d: PciDevice,
  vm: VmConfig,
): { slot: string; raw: string; options: AssignOptions } | null {
  const have = existingAssignment(vm, d.address, {
    allFunctions: !d.physfn,
    mappings: snap.mappings,
    node: snap.nodeName,
  });
  if (!have) return null;
  const o = have.entry.options;
  const on = (v: string | undefined) => v === '1' || v === 'on';
  return {
    slot: have.slot,
    raw: have.entry.raw,
    options: {
      allFunctions: have.entry.hosts.some((h) => !h.includes('.')),
      pcie: on(o.pcie),
      xVga: on(o['x-vga']),
      rombar: o.rombar !== '0' && o.rombar !== 'off',
    },
  };
}

export function assignDefaults(snap: HostSnapshot, d: PciDevice, vm: VmConfig): AssignOptions {
  // A multi-function card (a GPU and its audio) goes whole; a VF is one function on its own.
  const functions = snap.devices.filter((x) => slotOf(x.address) === slotOf(d.address) && !x.physfn).length;
  const hasPrimary = vm.hostpci.some((h) => h.options['x-vga'] === '1' || h.options['x-vga'] === 'on');
  return {
    allFunctions: functions > 1 && !d.physfn,
    // PCI-Express only where the VM already is q35: ticking it on i440fx switches the machine type.
    pcie: isQ35(vm),
    xVga: isGpu(d) && vm.bios === 'ovmf' && !hasPrimary,
    rombar: true,
  };
}
