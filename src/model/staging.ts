// What staging a change means on this host, decided from the snapshot and what is staged already:
// the store asks, then shows the answer (a dialog, a flash, a staged intent). Pure.
import { describeVfSettings } from './vf-settings.ts';
import { slotOf } from './address.ts';
import { bootCmdline, iommuBootNeed } from './plan/boot.ts';
import { planChanges } from './plan/index.ts';
import { reservedAtBoot } from './plan/reserve.ts';
import type { HostSnapshot, Intent, Plan } from './types.ts';

/** One staged intent per device and kind (a VF count per PF, an assignment per device+VM). */
export function intentKey(i: Intent): string {
  switch (i.kind) {
    case 'reserve':
    case 'release':
      return `vfio:${i.address}`;
    case 'vfs':
      return `vfs:${i.address}`;
    case 'assign':
      return `assign:${i.address}:${i.vmid}`;
    case 'unassign':
      return `unassign:${i.vmid}:${i.slot}`;
    case 'vf-settings':
      return `vf-settings:${i.address}/${i.vf}`;
    case 'mapping':
    case 'unmap':
      return `mapping:${i.name}`; // deleting replaces extending, and the other way round
    case 'assign-mapping':
      return `assign-mapping:${i.name}:${i.vmid}`;
  }
}

/** The staged list with `add` in it: each replaces what was staged under the same key. */
export function withIntents(intents: Intent[], add: Intent[]): Intent[] {
  const keys = new Set(add.map(intentKey));
  return [...intents.filter((i) => !keys.has(intentKey(i))), ...add];
}

export function describeIntent(i: Intent): string {
  switch (i.kind) {
    case 'reserve':
      return `reserve ${i.address} for vfio-pci${i.force ? ' (host-critical override)' : ''}`;
    case 'release':
      return `release ${i.address} to its host driver`;
    case 'vfs':
      return `set ${i.count} VFs on ${i.address}`;
    case 'assign':
      return `assign ${i.options.allFunctions ? slotOf(i.address) : i.address} to VM ${i.vmid}${i.options.pcie ? ', pcie' : ''}${i.options.xVga ? ', x-vga' : ''}${i.options.rombar ? '' : ', rombar=0'}`;
    case 'unassign':
      return `remove ${i.slot} from VM ${i.vmid}`;
    case 'vf-settings':
      return `set VF ${i.vf} of ${i.address}: ${describeVfSettings(i.settings)}`;
    case 'mapping':
      return `map ${i.devices.map((d) => (d.node ? `${d.node}/${d.address}` : d.address)).join(' + ')} as '${i.name}'`;
    case 'unmap':
      return `delete mapping '${i.name}'`;
    case 'assign-mapping':
      return `assign mapping '${i.name}' to VM ${i.vmid}${i.options.pcie ? ', pcie' : ''}${i.options.xVga ? ', x-vga' : ''}${i.options.rombar ? '' : ', rombar=0'}`;
  }
}

/** Changes that mean nothing until the IOMMU is on. */
export const needsIommu = (i: Intent) => i.kind === 'reserve' || i.kind === 'assign' || i.kind === 'vfs';

/** What reserving (or un-reserving) one device means: the store acts on the answer. */
export type ReserveDecision =
  /** Already staged (reserve or release): pressing again takes it back. */
  | { kind: 'unstage'; intent: Intent }
  | { kind: 'refuse'; message: string }
  /** Reserved at boot (by id or by address), not merely bound by a VM start: give it back. */
  | { kind: 'release' }
  /** The host needs something in the group: `lost` says what, asked twice before staging. */
  | { kind: 'critical'; groupId: number; lost: string[]; members: string[] }
  /** vfio needs the whole group: offer it (`members`: this device first, then the others to add). */
  | { kind: 'shared'; groupId: number; members: string[]; isolated: boolean }
  | { kind: 'reserve' };

export function decideReserve(snap: HostSnapshot, intents: Intent[], address: string): ReserveDecision {
  const d = snap.devices.find((x) => x.address === address);
  if (!d) return { kind: 'refuse', message: `${address} is not on this host.` };
  const staged = intents.find((i) => (i.kind === 'reserve' || i.kind === 'release') && i.address === address);
  if (staged) return { kind: 'unstage', intent: staged };
  if (d.isBridge) return { kind: 'refuse', message: 'Bridges stay with the host.' };
  if (reservedAtBoot(snap, d)) return { kind: 'release' };
  const g = snap.groups.find((x) => x.id === d.iommuGroup);
  if (!g) return { kind: 'reserve' };
  const byAddr = new Map(snap.devices.map((x) => [x.address, x]));
  const members = g.devices.filter((a) => !byAddr.get(a)?.isBridge);
  if (g.isolation === 'host-critical') {
    const lost = snap.devices
      .filter((x) => g.devices.includes(x.address))
      .flatMap((x) => x.hostUses.map((u) => `${x.address}: ${u}`));
    return { kind: 'critical', groupId: g.id, lost, members };
  }
  // Proxmox hands the whole group to vfio-pci at VM start: offer the rest of it (other functions
  // of a multi-function card, or other devices) unless already reserved or staged.
  const stagedNow = new Set(intents.flatMap((i) => (i.kind === 'reserve' ? [i.address] : [])));
  const others = members.filter((a) => a !== address && !stagedNow.has(a) && !reservedAtBoot(snap, byAddr.get(a)!));
  if (others.length)
    return { kind: 'shared', groupId: g.id, members: [address, ...others], isolated: g.isolation === 'isolated' };
  return { kind: 'reserve' };
}

/**
 * With the IOMMU off nothing can be passed through: what to tell at the first change that needs
 * it, with what the plan does about it (the boot loader edit and the reboot), in the plan's words.
 */
export function iommuOffExplanation(snap: HostSnapshot, plan: Plan): string[] {
  const boot = snap.bootloader.path ? plan.edits.find((e) => e.path === snap.bootloader.path) : undefined;
  const blocker = iommuBootNeed(snap, bootCmdline(snap)).blocker;
  const lines = [
    'The IOMMU is off on this node: no device can be passed through to a VM until it is on (a VM with a hostpci device will not start).',
  ];
  if (boot) {
    lines.push(`The plan turns it on in /${boot.path}: ${boot.reason}.`);
    const cmdline = plan.rebootReasons.filter((r) => /command line/.test(r));
    lines.push(
      `${cmdline.length ? `The ${cmdline.join('; ')}, in effect` : 'In effect'} after the reboot that follows the commit.`,
    );
  } else if (blocker) lines.push(`The plan cannot turn it on: ${blocker}.`);
  else
    lines.push(
      'The plan does not change the kernel command line: check the firmware setup (VT-d / AMD-Vi) and the boot loader.',
    );
  return lines;
}

/** What staging the assign dialog adds: the assignment, after removing the line it replaces. */
export function assignIntents(candidate: Extract<Intent, { kind: 'assign' }>, replaces?: string): Intent[] {
  return replaces ? [{ kind: 'unassign', vmid: candidate.vmid, slot: replaces }, candidate] : [candidate];
}

/**
 * What the planner itself says about this assignment: its warnings and errors with the
 * assignment staged that it does not give without it (so the dialog never words them again).
 */
export function assignFindings(
  snap: HostSnapshot,
  intents: Intent[],
  candidate: Extract<Intent, { kind: 'assign' }>,
  replaces?: string,
): Array<{ severity: 'warning' | 'error'; where: string; message: string }> {
  const others = intents.filter(
    (i) =>
      !(i.kind === 'assign' && i.address === candidate.address && i.vmid === candidate.vmid) &&
      !(replaces && i.kind === 'unassign' && i.vmid === candidate.vmid && i.slot === replaces),
  );
  const before = planChanges(snap, others);
  const after = planChanges(snap, [...others, ...assignIntents(candidate, replaces)]);
  const key = (x: { where: string; message: string }) => `${x.where}\n${x.message}`;
  const known = new Set([...before.warnings, ...before.errors].map(key));
  return [
    ...after.errors
      .filter((x) => !known.has(key(x)))
      .map((x) => ({ severity: 'error' as const, where: x.where, message: x.message })),
    ...after.warnings
      .filter((x) => !known.has(key(x)))
      .map((x) => ({ severity: 'warning' as const, where: x.where, message: x.message })),
  ];
}
