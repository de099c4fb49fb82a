// The tree as the operator sees it, flattened into rows: group -> devices -> virtual functions.
// VFs sit under their physical function even when the kernel gives each VF a group of its own
// (groups holding only such VFs are not listed again at the top). Devices first: groups that hold
// only bridges are folded into one line at the end (unfolded while filtering). Each device row
// carries its marks (staged changes, VMs), so the tree pane only draws. Pure, memoised.
import type { HostSnapshot, Intent, Isolation, PciDevice } from '../model/types.ts';
import { slotOf } from '../model/address.ts';
import { deviceIndex } from './device-index.ts';

export type Row =
  | {
      kind: 'group';
      id: string;
      groupId: number | null;
      isolation: Isolation;
      depth: 0;
      count: number;
      expanded: boolean;
      /** The first non-bridge device (names the group when collapsed); null: bridges only. */
      lead: string | null;
      /** Non-bridge devices in other slots than the lead's (shown as "+N"). */
      others: number;
    }
  | {
      kind: 'device';
      id: string;
      address: string;
      depth: 1 | 2;
      isolation: Isolation;
      expandable: boolean;
      expanded: boolean;
      /** What the tree shows after the driver: bound to vfio-pci, staged changes, VMs using it. */
      marks: string[];
    }
  /** One line at the end for the groups that hold only bridges (nothing to pass through); opens to list them. */
  | { kind: 'fold'; id: string; depth: 0; isolation: Isolation; count: number; groupIds: number[]; expanded: boolean };

export const FOLD_ID = 'fold:bridges';

export const groupRowId = (g: number | null) => `g:${g ?? 'none'}`;
export const deviceRowId = (a: string) => `d:${a}`;

/**
 * A device's marks, in order: `vfio` (bound to vfio-pci now), then what is staged for it
 * (`+vfio` reserve, `-vfio` release, `VFs=N`, `+VMid` assigned, by address or with its whole
 * card), then the VMs whose config has it.
 */
export function deviceMarks(d: PciDevice, intents: readonly Intent[]): string[] {
  const m: string[] = [];
  if (d.driver === 'vfio-pci') m.push('vfio');
  for (const i of intents) {
    if (i.kind === 'reserve' && i.address === d.address) m.push('+vfio');
    if (i.kind === 'release' && i.address === d.address) m.push('-vfio');
    if (i.kind === 'vfs' && i.address === d.address) m.push(`VFs=${i.count}`);
    if (i.kind === 'vf-settings' && i.address === d.address) m.push(`+vf${i.vf}`);
    if (i.kind === 'mapping' && i.devices.some((x) => x.node === null && x.address === d.address))
      m.push(`+map:${i.name}`);
    if (
      i.kind === 'assign' &&
      (i.address === d.address || (i.options.allFunctions && slotOf(i.address) === slotOf(d.address)))
    )
      m.push(`+VM${i.vmid}`);
  }
  if (d.usedBy.length) m.push(d.usedBy.map((u) => `VM${u.vmid}`).join(','));
  return m;
}

export function buildRows(
  s: HostSnapshot,
  expanded: ReadonlySet<string>,
  filter: string,
  intents: readonly Intent[] = [],
): Row[] {
  const { byAddr, search } = deviceIndex(s);
  const q = filter.toLowerCase();
  // Address, vendor:device, names and driver, matched as one lower-cased string per device.
  const matchesFilter = (d: PciDevice, f: string) => !f || search.get(d.address)!.includes(q);
  const verdictOf = new Map<string, Isolation>();
  for (const g of s.groups) for (const a of g.devices) verdictOf.set(a, g.isolation);
  const isNestedVf = (d: PciDevice) => d.physfn !== null && byAddr.has(d.physfn);
  const rows: Row[] = [];
  const groups: Array<{ id: number | null; isolation: Isolation; members: string[] }> = s.groups.map((g) => ({
    id: g.id,
    isolation: g.isolation,
    members: g.devices,
  }));
  const grouped = new Set(s.groups.flatMap((g) => g.devices));
  const rest = s.devices.filter((d) => !grouped.has(d.address)).map((d) => d.address);
  if (rest.length) groups.push({ id: null, isolation: 'no-iommu', members: rest });

  const bridgesOnly: typeof groups = [];
  const emit = (g: (typeof groups)[number]) => {
    const top = g.members.filter((a) => !isNestedVf(byAddr.get(a)!));
    if (!top.length) return; // only VFs: shown under their PF
    const visible = (a: string) => {
      const d = byAddr.get(a)!;
      return (
        matchesFilter(d, filter) || d.virtfns.some((vf) => byAddr.has(vf) && matchesFilter(byAddr.get(vf)!, filter))
      );
    };
    const shown = top.filter(visible);
    if (filter && !shown.length) return;
    const gid = groupRowId(g.id);
    const open = filter ? true : expanded.has(gid);
    const endpoints = top.filter((a) => !byAddr.get(a)!.isBridge);
    const lead = endpoints[0] ?? null;
    const others = lead ? endpoints.filter((a) => slotOf(a) !== slotOf(lead)).length : 0;
    rows.push({
      kind: 'group',
      id: gid,
      groupId: g.id,
      isolation: g.isolation,
      depth: 0,
      count: top.length,
      expanded: open,
      lead,
      others,
    });
    if (!open) return;
    for (const a of shown) {
      const d = byAddr.get(a)!;
      const vfs = d.virtfns.filter((vf) => byAddr.has(vf));
      const did = deviceRowId(a);
      const devOpen = vfs.length > 0 && (filter ? true : expanded.has(did));
      rows.push({
        kind: 'device',
        id: did,
        address: a,
        depth: 1,
        isolation: g.isolation,
        expandable: vfs.length > 0,
        expanded: devOpen,
        marks: deviceMarks(d, intents),
      });
      if (!devOpen) continue;
      for (const vf of vfs) {
        const v = byAddr.get(vf)!;
        if (filter && !matchesFilter(v, filter) && !matchesFilter(d, filter)) continue;
        rows.push({
          kind: 'device',
          id: deviceRowId(vf),
          address: vf,
          depth: 2,
          isolation: verdictOf.get(vf) ?? (s.iommu.enabled ? g.isolation : 'no-iommu'),
          expandable: false,
          expanded: false,
          marks: deviceMarks(v, intents),
        });
      }
    }
  };
  for (const g of groups) {
    const onlyBridges = g.id !== null && g.members.length > 0 && g.members.every((a) => byAddr.get(a)!.isBridge);
    if (onlyBridges && !filter) bridgesOnly.push(g);
    else emit(g);
  }
  if (bridgesOnly.length) {
    const open = expanded.has(FOLD_ID);
    rows.push({
      kind: 'fold',
      id: FOLD_ID,
      depth: 0,
      isolation: 'isolated',
      count: bridgesOnly.length,
      groupIds: bridgesOnly.map((g) => g.id!),
      expanded: open,
    });
    if (open) bridgesOnly.forEach(emit);
  }
  return rows;
}

/** Groups open at start: every group that holds something passable (not bridges only). */
export function defaultExpanded(s: HostSnapshot): Set<string> {
  const out = new Set<string>();
  const byAddr = new Map(s.devices.map((d) => [d.address, d]));
  for (const g of s.groups) if (g.devices.some((a) => !byAddr.get(a)?.isBridge)) out.add(groupRowId(g.id));
  if (!s.iommu.enabled) out.add(groupRowId(null));
  return out;
}
