// Where a resource mapping can be used: for each node of the cluster (or this node alone), do
// its map entries find the device Proxmox expects (the same checks as PVE::Mapping::PCI's
// assert_valid: vendor:device, subsystem id, IOMMU group of the first path)? And which devices
// of each node match the mapping's kind but are not in it yet (to offer adding them).
import { normalizeAddress } from './address.ts';
import { deviceId, formatMapEntry, parseMapEntry, subsystemId, type MappableDevice } from './mapping-config.ts';
import type { HostSnapshot, PciMapping } from './types.ts';

export interface NodeResolution {
  node: string;
  /** ok: every entry resolves; partly: some do; broken: none do; none: no entry for the node; unknown: its devices could not be read. */
  state: 'ok' | 'partly' | 'broken' | 'none' | 'unknown';
  /** Devices of this node that resolve. */
  devices: string[];
  /** Why an entry does not resolve, one line each. */
  problems: string[];
}

/** The cluster's nodes, or this node alone. */
export function clusterNodes(snap: HostSnapshot): string[] {
  return snap.cluster?.nodes.length ? snap.cluster.nodes.map((n) => n.name) : [snap.nodeName];
}

/** A device of any node: what Proxmox checks, with its class and a name to show. */
export type NodeDevice = MappableDevice & { classId: string; name: string };

/** The devices of a node as Proxmox sees them (null: not known). */
export function nodeDevices(snap: HostSnapshot, node: string): NodeDevice[] | null {
  if (node === snap.nodeName) return snap.devices;
  return snap.cluster?.devices[node] ?? null;
}

/** A map path as a function address (a path without a function is the whole device: Proxmox checks its function 0). */
export function functionPath(p: string): string {
  const n = normalizeAddress(p) ?? p.toLowerCase();
  return n.includes('.') ? n : `${n}.0`;
}

/** How a map entry fails Proxmox's assert_valid for a device; each kind has its own fix. */
export type EntryFaultKind = 'absent' | 'id' | 'no-subsystem' | 'subsystem' | 'no-iommugroup' | 'iommugroup';

/** Why a device does not match a map entry, with the kind of fault (null: it does). */
export function entryFault(
  entry: PciMapping['maps'][number],
  d: MappableDevice | undefined,
  path: string,
  first: boolean,
): { kind: EntryFaultKind; message: string } | null {
  if (!d) return { kind: 'absent', message: `${path} is not there` };
  if (entry.id && entry.id.toLowerCase() !== deviceId(d))
    return { kind: 'id', message: `${path} is ${deviceId(d)}, the mapping expects ${entry.id}` };
  const sub = subsystemId(d);
  // assert_valid wants each property exactly when the device has it.
  if (!entry.subsystemId && sub)
    return {
      kind: 'no-subsystem',
      message: `the entry for ${path} has no subsystem-id (the device's is ${sub}): Proxmox refuses it ("no 'subsystem-id'")`,
    };
  if (entry.subsystemId && sub && entry.subsystemId.toLowerCase() !== sub)
    return { kind: 'subsystem', message: `${path} has subsystem ${sub}, the mapping expects ${entry.subsystemId}` };
  if (first && entry.iommugroup === null && d.iommuGroup !== null)
    return {
      kind: 'no-iommugroup',
      message: `the entry for ${path} has no iommugroup (the device is in group ${d.iommuGroup}): Proxmox refuses it ("no 'iommugroup'")`,
    };
  if (first && entry.iommugroup !== null && d.iommuGroup !== null && entry.iommugroup !== d.iommuGroup)
    return {
      kind: 'iommugroup',
      message: `${path} is in IOMMU group ${d.iommuGroup}, the mapping expects ${entry.iommugroup}`,
    };
  return null;
}

/** Why a device does not match a map entry (null: it does). */
export function entryProblem(
  entry: PciMapping['maps'][number],
  d: MappableDevice | undefined,
  path: string,
  first: boolean,
): string | null {
  return entryFault(entry, d, path, first)?.message ?? null;
}

/**
 * A raw map entry (as in pci.cfg) with what assert_valid requires and a hand-written entry may
 * lack (subsystem-id, iommugroup) filled in from the devices, when every path of it is the
 * device the entry names (a pool's paths must then agree on the subsystem; the group is the
 * first path's, the only one Proxmox checks); `added` says what was filled in (empty: the entry
 * is returned as it is).
 */
export function completedEntry(snap: HostSnapshot, entry: string): { entry: string; added: string[] } {
  const kv = parseMapEntry(entry);
  const paths = (kv.path ?? '').split(';').filter(Boolean);
  if (!kv.node || !paths.length || !kv.id) return { entry, added: [] };
  const all = nodeDevices(snap, kv.node);
  const devs = paths.map((p) => all?.find((x) => x.address === functionPath(p)));
  if (devs.some((d) => !d || deviceId(d) !== kv.id!.toLowerCase())) return { entry, added: [] };
  const added: string[] = [];
  const subs = new Set(devs.map((d) => subsystemId(d!)));
  const sub = subsystemId(devs[0]!);
  if (!kv['subsystem-id'] && sub && subs.size === 1) added.push(`subsystem-id=${(kv['subsystem-id'] = sub)}`);
  if (kv.iommugroup === undefined && devs[0]!.iommuGroup !== null)
    added.push(`iommugroup=${(kv.iommugroup = String(devs[0]!.iommuGroup))}`);
  return added.length ? { entry: formatMapEntry(kv), added } : { entry, added };
}

export function resolveMapping(snap: HostSnapshot, m: PciMapping): NodeResolution[] {
  return clusterNodes(snap).map((node): NodeResolution => {
    const entries = m.maps.filter((e) => e.node === node || e.node === null);
    if (!entries.length) return { node, state: 'none', devices: [], problems: [] };
    const devs = nodeDevices(snap, node);
    if (!devs)
      return {
        node,
        state: 'unknown',
        devices: [],
        problems: [snap.cluster?.notices.find((n) => n.where === node)?.message ?? 'its devices could not be read'],
      };
    const ok: string[] = [];
    const problems: string[] = [];
    for (const e of entries) {
      const paths = e.path.map(functionPath);
      const bad = paths.map((p, i) =>
        entryProblem(
          e,
          devs.find((d) => d.address === p),
          p,
          i === 0,
        ),
      );
      const good = paths.filter((_, i) => !bad[i]);
      if (good.length) ok.push(...good);
      else problems.push(...bad.filter((x): x is string => !!x));
    }
    const state = !problems.length ? 'ok' : ok.length ? 'partly' : 'broken';
    return { node, state, devices: ok, problems };
  });
}

/** The kind of device a mapping names, from its first entry that says (null: unknown). */
export function mappingKind(m: PciMapping): { id: string; subsystemId: string | null } | null {
  const e = m.maps.find((x) => x.id);
  return e?.id ? { id: e.id.toLowerCase(), subsystemId: e.subsystemId?.toLowerCase() ?? null } : null;
}

export const sameKind = (d: MappableDevice, kind: { id: string; subsystemId: string | null }) =>
  deviceId(d) === kind.id && (!kind.subsystemId || !subsystemId(d) || subsystemId(d) === kind.subsystemId);

/** Devices of each other node of the same kind as the mapping that it does not name yet. */
export function matchingElsewhere(snap: HostSnapshot, m: PciMapping): Array<{ node: string; devices: NodeDevice[] }> {
  const kind = mappingKind(m);
  if (!kind || !snap.cluster) return [];
  return clusterNodes(snap)
    .filter((n) => n !== snap.nodeName)
    .flatMap((node) => {
      const taken = new Set(m.maps.filter((e) => e.node === node).flatMap((e) => e.path.map(functionPath)));
      const devices = (nodeDevices(snap, node) ?? []).filter((d) => sameKind(d, kind) && !taken.has(d.address));
      return devices.length ? [{ node, devices }] : [];
    });
}

/** One line per node for a mapping: where it resolves and where it does not. */
export function describeResolution(r: NodeResolution): string {
  switch (r.state) {
    case 'ok':
      return `${r.node}: resolves (${r.devices.join(', ')})`;
    case 'partly':
      return `${r.node}: resolves ${r.devices.join(', ')}; not ${r.problems.join('; ')}`;
    case 'broken':
      return `${r.node}: does NOT resolve (${r.problems.join('; ')})`;
    case 'none':
      return `${r.node}: no device mapped (a VM with this mapping cannot start there)`;
    case 'unknown':
      return `${r.node}: unknown (${r.problems.join('; ')})`;
  }
}
