// Store side of resource mappings: how a mapping intent is keyed and described in the pending
// list, and the mapping dialog's actions (create / extend from the selected device, pick the
// matching devices of other cluster nodes, assign a mapping to a VM).
import type { Intent } from '../model/types.ts';

type MappingIntent = Extract<Intent, { kind: 'mapping' | 'unmap' | 'assign-mapping' }>;

/** One staged intent per mapping (its devices merged) and per mapping+VM. */
export function mappingIntentKey(i: MappingIntent): string {
  switch (i.kind) {
    case 'mapping':
      return `mapping:${i.name}`;
    case 'unmap':
      return `mapping:${i.name}`; // deleting replaces extending, and the other way round
    case 'assign-mapping':
      return `assign-mapping:${i.name}:${i.vmid}`;
  }
}

export function describeMappingIntent(i: MappingIntent): string {
  switch (i.kind) {
    case 'mapping':
      return `map ${i.devices.map((d) => (d.node ? `${d.node}/${d.address}` : d.address)).join(' + ')} as '${i.name}'`;
    case 'unmap':
      return `delete mapping '${i.name}'`;
    case 'assign-mapping':
      return `assign mapping '${i.name}' to VM ${i.vmid}${i.options.pcie ? ', pcie' : ''}${i.options.xVga ? ', x-vga' : ''}${i.options.rombar ? '' : ', rombar=0'}`;
  }
}
