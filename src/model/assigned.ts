// Does a VM already have a device? By its address, by another function of the same slot when
// either line passes the whole slot, through a resource mapping, or inside a `;`-joined list.
// A device in a VM twice makes QEMU refuse to start it, so the planner refuses to add it, and
// the UI offers to edit the existing hostpciN instead.
import { normalizeAddress, slotOf } from './address.ts';
import type { HostpciEntry, PciAddress, PciMapping, VmConfig } from './types.ts';

export interface ExistingAssignment {
  vmid: number;
  /** `hostpci0` .. `hostpci15` */
  slot: string;
  entry: HostpciEntry;
  /** `address`: the same function or slot; `slot`: another function of a slot passed whole; `mapping`: through mapping=<id>. */
  via: 'address' | 'slot' | 'mapping';
  /** The address as the existing line names it (or its mapping's path). */
  id: string;
}

/** Do a line's id `n` (function or slot, normalized) and the new target overlap, and how? */
function overlap(n: string, address: PciAddress, allFunctions: boolean): 'address' | 'slot' | null {
  const lineWhole = !n.includes('.');
  if (!lineWhole && n === address) return 'address';
  if (lineWhole && allFunctions && n === slotOf(address)) return 'address';
  if ((lineWhole || allFunctions) && slotOf(n) === slotOf(address)) return 'slot';
  return null;
}

/** Addresses a mapping stands for on `node` (maps without a node count everywhere). */
export function mappingPaths(mappings: readonly PciMapping[], id: string, node: string): string[] {
  const m = mappings.find((x) => x.id === id);
  return m ? m.maps.filter((x) => x.node === null || x.node === node).flatMap((x) => x.path) : [];
}

/**
 * The first of `entries` that already passes `address` (with `allFunctions`: any function of its
 * slot). Pure; `mappings` and `node` resolve `mapping=` lines.
 */
export function findAssignment(
  vmid: number,
  entries: readonly HostpciEntry[],
  address: PciAddress,
  o: { allFunctions?: boolean; mappings?: readonly PciMapping[]; node?: string } = {},
): ExistingAssignment | null {
  const all = o.allFunctions === true;
  for (const entry of entries) {
    const ids = entry.mapping ? mappingPaths(o.mappings ?? [], entry.mapping, o.node ?? '') : entry.hosts;
    for (const id of ids) {
      const n = normalizeAddress(id);
      if (!n) continue;
      const how = overlap(n, address, all);
      if (how) return { vmid, slot: `hostpci${entry.index}`, entry, via: entry.mapping ? 'mapping' : how, id };
    }
  }
  return null;
}

/**
 * The hostpciN line of `vm` that already has the device at `address` (the UI offers to edit it
 * instead of adding another), or null. `allFunctions`: the new line would pass the whole slot.
 */
export function existingAssignment(
  vm: VmConfig,
  address: PciAddress,
  o: { allFunctions?: boolean; mappings?: readonly PciMapping[]; node?: string } = {},
): ExistingAssignment | null {
  return findAssignment(vm.vmid, vm.hostpci, address, o);
}

/** One sentence for the operator: what the VM already has and how. */
export function describeAssignment(a: ExistingAssignment): string {
  const how =
    a.via === 'mapping'
      ? ` through mapping '${a.entry.mapping}' (${a.id})`
      : a.via === 'slot'
        ? ` (${a.id}: the same card${a.id.includes('.') ? '' : ', all functions'})`
        : '';
  return `VM ${a.vmid} already has it as ${a.slot}: ${a.entry.raw}${how}`;
}
