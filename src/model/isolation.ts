// Group verdicts: how safely a group can be handed to a VM. Proxmox binds every non-bridge
// member of a group to vfio-pci at VM start, so the verdict is about all of them.
import { slotOf } from './address.ts';
import type { IommuGroup, Isolation, PciDevice } from './types.ts';

/** A function's "device": its own slot, or its physical function's slot for a VF. */
function familyOf(d: PciDevice): string {
  return slotOf(d.physfn ?? d.address);
}

export function groupVerdict(id: number, members: PciDevice[]): IommuGroup {
  const devices = members.map((d) => d.address).sort();
  const endpoints = members.filter((d) => !d.isBridge);
  const reasons: string[] = [];
  let isolation: Isolation = 'isolated';

  const critical = endpoints.filter((d) => d.hostUses.length > 0);
  if (critical.length) {
    isolation = 'host-critical';
    for (const d of critical) for (const u of d.hostUses) reasons.push(`${d.address} ${d.name}: ${u}`);
  }
  const families = new Set(endpoints.map(familyOf));
  if (families.size > 1) {
    if (isolation === 'isolated') isolation = 'shared';
    reasons.push(
      `${families.size} devices share this group; all of them go to the VM together: ${[...families].join(', ')}`,
    );
  }
  if (isolation === 'isolated') {
    reasons.push(
      endpoints.length
        ? `only ${[...families][0]} (${endpoints.length} function${endpoints.length > 1 ? 's' : ''}) in this group${members.length > endpoints.length ? '; bridges ignored' : ''}`
        : 'bridges only: nothing to pass through',
    );
  }
  return { id, devices, isolation, reasons };
}
