// Defaults for the assign dialog, from the device and the VM. A local helper until the model has
// its own (issue 10 moves "what does this VM already have" into src/model): no machine type
// change is ever ticked by default, and x-vga only for a GPU that becomes an OVMF VM's display.
import { idMatches, normalizeAddress, slotOf } from '../model/address.ts';
import { planChanges } from '../model/plan/index.ts';
import type { AssignOptions, HostpciEntry, HostSnapshot, Intent, PciDevice, VmConfig } from '../model/types.ts';
import { isQ35 } from '../model/vmconf.ts';

export const isGpu = (d: PciDevice) => d.classId.startsWith('03');

/**
 * The VM's hostpci lines that already pass this device: by its address, its whole slot, or
 * (not for a VF, whose neighbours are other VFs) another function of the same card.
 */
export function existingLines(vm: VmConfig, d: PciDevice): HostpciEntry[] {
  const sameCard = (id: string) => {
    const n = normalizeAddress(id);
    return n !== null && !d.physfn && (n.includes('.') ? slotOf(n) : n) === slotOf(d.address);
  };
  return vm.hostpci.filter((h) => h.hosts.some((id) => idMatches(id, d.address) || sameCard(id)));
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

/**
 * What the planner itself says about this assignment: its warnings and errors with the
 * assignment staged that it does not give without it (so the dialog never words them again).
 */
export function assignFindings(snap: HostSnapshot, intents: Intent[], candidate: Extract<Intent, { kind: 'assign' }>): Array<{ severity: 'warning' | 'error'; where: string; message: string }> {
  const others = intents.filter((i) => !(i.kind === 'assign' && i.address === candidate.address && i.vmid === candidate.vmid));
  const before = planChanges(snap, others);
  const after = planChanges(snap, [...others, candidate]);
  const key = (x: { where: string; message: string }) => `${x.where}\n${x.message}`;
  const known = new Set([...before.warnings, ...before.errors].map(key));
  return [
    ...after.errors.filter((x) => !known.has(key(x))).map((x) => ({ severity: 'error' as const, where: x.where, message: x.message })),
    ...after.warnings.filter((x) => !known.has(key(x))).map((x) => ({ severity: 'warning' as const, where: x.where, message: x.message })),
  ];
}
