// Resource mappings through Proxmox's own writer: `pvesh create|set|delete /cluster/mapping/pci`
// (argument arrays), never an edit of pci.cfg by us. Each call is a command step with the file
// it changes (the diff shown is what Proxmox writes, see mapping-config.ts) and the call that
// reverses it, which an undo runs before it restores the file from the backup.
import { normalizeAddress } from '../address.ts';
import {
  applyMappingCall,
  deviceKind,
  formatMapEntry,
  mapEntryFor,
  MAPPING_FILE,
  MAPPING_NAME_RE,
  parseMapEntry,
  parseSections,
  pveshArgv,
  subsystemId,
  deviceId,
  type MappableDevice,
  type MappingCall,
} from '../mapping-config.ts';
import { completedEntry, functionPath, matchingElsewhere, nodeDevices } from '../mapping-nodes.ts';
import { parsePciMappings } from '../pci-mapping.ts';
import type { HostSnapshot, Intent, MappingDevice, PciMapping } from '../types.ts';
import type { PlanBuilder, Phase } from './builder.ts';

type MappingIntent = Extract<Intent, { kind: 'mapping' }>;
type UnmapIntent = Extract<Intent, { kind: 'unmap' }>;

/** The mappings as this plan leaves them so far (the assign planner reads them). */
export function plannedMappings(b: PlanBuilder): PciMapping[] {
  return parsePciMappings(b.read(MAPPING_FILE) ?? '');
}

function call(b: PlanBuilder, c: MappingCall, undo: MappingCall, reason: string, phase: Phase): void {
  const before = b.read(MAPPING_FILE) ?? '';
  let after: string;
  try {
    after = applyMappingCall(before, c);
  } catch (e) {
    b.error(`mapping ${c.id}`, (e as Error).message);
    return;
  }
  b.commandEdit(pveshArgv(c), MAPPING_FILE, after, reason, { phase, undoFirst: pveshArgv(undo) });
}

export function planMappings(snap: HostSnapshot, intents: Intent[], b: PlanBuilder): void {
  for (const i of intents) {
    if (i.kind === 'mapping') planMapping(snap, i, b);
    else if (i.kind === 'unmap') planUnmap(snap, intents, i, b);
  }
}

function planMapping(snap: HostSnapshot, i: MappingIntent, b: PlanBuilder): void {
  const where = `mapping ${i.name}`;
  if (!MAPPING_NAME_RE.test(i.name)) {
    b.error(
      where,
      `'${i.name}' is not a valid mapping name: a letter, then letters, digits, '-' or '_' (at least 2 characters), as Proxmox requires`,
    );
    return;
  }
  const section = parseSections(b.read(MAPPING_FILE) ?? '').find((s) => s.id === i.name);
  const existing = section?.map ?? [];
  const found: Array<{ node: string; d: MappableDevice }> = [];
  for (const want of i.devices) {
    const r = findDevice(snap, want);
    if (typeof r === 'string') b.error(where, r);
    else found.push(r);
  }
  if (found.length !== i.devices.length) return;
  // One kind of device per mapping: Proxmox checks each entry's id (and subsystem id) against the
  // card when a VM starts, and a pool is only useful when any member will do.
  const firstOld = existing.map(parseMapEntry).find((e) => e.id);
  const kind = firstOld
    ? {
        id: firstOld.id!.toLowerCase(),
        sub: firstOld['subsystem-id']?.toLowerCase() ?? null,
        from: `the mapping's ${firstOld.node ?? ''} ${firstOld.path ?? ''}`.replace(/\s+/g, ' '),
      }
    : found[0]
      ? { id: deviceId(found[0].d), sub: subsystemId(found[0].d), from: `${found[0].node}/${found[0].d.address}` }
      : null;
  let bad = false;
  for (const { node, d } of found) {
    if (!kind) break;
    const sub = subsystemId(d);
    if (deviceId(d) !== kind.id || (kind.sub && sub && sub !== kind.sub)) {
      b.error(
        where,
        `${node}/${d.address} is ${deviceKind(d)}, but ${kind.from} is ${kind.id}${kind.sub ? ` (subsystem ${kind.sub})` : ''}: a mapping names one kind of device (a pool of VFs or of identical cards)`,
      );
      bad = true;
    }
  }
  if (bad) return;
  const taken = new Set(
    existing.map(parseMapEntry).flatMap((e) =>
      (e.path ?? '')
        .split(';')
        .filter(Boolean)
        .map((p) => `${e.node}/${functionPath(p)}`),
    ),
  );
  const added: string[] = [];
  for (const { node, d } of found) {
    if (taken.has(`${node}/${d.address}`)) continue; // already in the mapping
    taken.add(`${node}/${d.address}`);
    added.push(mapEntryFor(d, node));
    for (const s of parseSections(b.read(MAPPING_FILE) ?? '').filter((x) => x.id !== i.name)) {
      if (
        s.map
          .map(parseMapEntry)
          .some((e) => e.node === node && (e.path ?? '').split(';').some((p) => functionPath(p) === d.address))
      ) {
        b.warn(`${node}/${d.address}`, `also in mapping '${s.id}': VMs using both compete for this device`);
      }
    }
  }
  if (
    section &&
    i.description !== undefined &&
    section.props.find(([k]) => k === 'description')?.[1] !== i.description
  ) {
    b.warn(
      where,
      'the mapping exists: its description is kept as it is (a description is only given to a new mapping here; Datacenter > Resource Mappings edits it)',
    );
  }
  if (!added.length && (section || !found.length)) {
    if (!section) b.error(where, 'no devices given for a new mapping');
    // Naming devices already in it still fills in what its entries lack (check's fix says so).
    const kept = existing.map((e) => completeEntry(snap, e, b, where));
    if (kept.some((e, n) => e !== existing[n]))
      call(
        b,
        { op: 'set', id: i.name, map: kept },
        { op: 'set', id: i.name, map: existing },
        `complete the entries of resource mapping '${i.name}' (what Proxmox checks when a VM starts)`,
        'mapping',
      );
    return;
  }
  const names = added.map((e) => `${parseMapEntry(e).node}/${parseMapEntry(e).path}`).join(', ');
  if (!section) {
    const c: MappingCall = {
      op: 'create',
      id: i.name,
      map: added,
      ...(i.description ? { description: i.description } : {}),
    };
    call(b, c, { op: 'delete', id: i.name }, `create resource mapping '${i.name}' (${names})`, 'mapping');
  } else {
    const kept = existing.map((e) => completeEntry(snap, e, b, where));
    call(
      b,
      { op: 'set', id: i.name, map: [...kept, ...added] },
      { op: 'set', id: i.name, map: existing },
      `add ${names} to resource mapping '${i.name}'`,
      'mapping',
    );
  }
  offerOtherNodes(snap, i.name, b);
}

/** Nodes where the mapping (as planned) names nothing yet but a device of its kind exists. */
function offerOtherNodes(snap: HostSnapshot, name: string, b: PlanBuilder): void {
  const m = plannedMappings(b).find((x) => x.id === name);
  if (!m) return;
  for (const { node, devices } of matchingElsewhere(snap, m)) {
    if (m.maps.some((e) => e.node === node)) continue; // the node has its entries: more are a choice, not a gap
    const short = devices.map((d) => `${node}/${d.address.replace(/^0000:/, '')}`);
    b.warn(
      `mapping ${name}`,
      `no device on ${node}, which has ${devices.length} of this kind (${short.join(', ')}): a VM with this mapping cannot start or migrate there. Add with --mapping ${name}=${short.join('+')}`,
    );
  }
}

/** The device a mapping entry names, on this node or another cluster node (a string: why not). */
function findDevice(snap: HostSnapshot, want: MappingDevice): { node: string; d: MappableDevice } | string {
  const node = want.node ?? snap.nodeName;
  const address = normalizeAddress(want.address) ?? want.address;
  const local = node === snap.nodeName;
  if (!local && !snap.cluster?.nodes.some((n) => n.name === node)) {
    return `node ${node} is not ${snap.cluster ? `in this cluster (${snap.cluster.nodes.map((n) => n.name).join(', ')})` : 'known: this node is not in a cluster'}`;
  }
  const devs = nodeDevices(snap, node);
  if (!devs)
    return `the devices of node ${node} could not be read (${snap.cluster?.notices.find((n) => n.where === node)?.message ?? 'offline?'})`;
  const d = devs.find((x) => x.address === address);
  if (!d) return `no PCI device ${address} on node ${node}`;
  if (d.classId.startsWith('0604') || d.classId.startsWith('0600'))
    return `${node}/${address} is a bridge: it cannot be passed through`;
  return { node, d };
}

/**
 * Who still names a mapping, as the staged intents leave it: hostpci lines of this node's VMs
 * (unless an intent removes the line), of other cluster nodes' VMs, and staged assignments
 * through it. Deleting the mapping is refused while there is any (the TUI's delete key and
 * --unmap alike).
 */
export function mappingUsers(snap: HostSnapshot, intents: Intent[], name: string): string[] {
  const removed = (vmid: number, slot: string) =>
    intents.some((x) => x.kind === 'unassign' && x.vmid === vmid && x.slot === slot);
  const users = snap.vms.flatMap((vm) =>
    vm.hostpci
      .filter((h) => h.mapping === name && !removed(vm.vmid, `hostpci${h.index}`))
      .map((h) => `VM ${vm.vmid}${vm.name ? ` (${vm.name})` : ''} hostpci${h.index}`),
  );
  // Other nodes' VMs (their configs are replicated here): the mapping is the cluster's.
  const elsewhere = (snap.cluster?.mappingUsers ?? [])
    .filter((u) => u.mapping === name)
    .map((u) => `VM ${u.vmid}${u.name ? ` (${u.name})` : ''} ${u.slot} on node ${u.node}`);
  const staged = intents.flatMap((x) =>
    x.kind === 'assign-mapping' && x.name === name ? [`VM ${x.vmid} (staged)`] : [],
  );
  return [...users, ...elsewhere, ...staged];
}

function planUnmap(snap: HostSnapshot, intents: Intent[], i: UnmapIntent, b: PlanBuilder): void {
  const where = `mapping ${i.name}`;
  const section = parseSections(b.read(MAPPING_FILE) ?? '').find((s) => s.id === i.name);
  if (!section) {
    b.error(where, `no mapping '${i.name}' in /${MAPPING_FILE}`);
    return;
  }
  // A VM that still names it would not start: refuse, unless this plan removes that line too.
  const users = mappingUsers(snap, intents, i.name);
  if (users.length) {
    b.error(
      where,
      `still used by ${users.join(', ')}: remove ${users.length > 1 ? 'those lines' : 'that line'} first (the VM would not start without the mapping)`,
    );
    return;
  }
  const desc = section.props.find(([k]) => k === 'description')?.[1];
  call(
    b,
    { op: 'delete', id: i.name },
    { op: 'create', id: i.name, map: section.map, ...(desc ? { description: desc } : {}) },
    `delete resource mapping '${i.name}'`,
    'unmapping',
  );
}

/** An existing entry with what Proxmox requires filled in (completedEntry), said as a warning. */
function completeEntry(snap: HostSnapshot, entry: string, b: PlanBuilder, where: string): string {
  const done = completedEntry(snap, entry);
  if (!done.added.length) return entry;
  const kv = parseMapEntry(entry);
  b.warn(
    where,
    `the existing entry for ${kv.node}/${kv.path} gets ${done.added.join(', ')}: Proxmox refuses an entry without what the device has (assert_valid), so the VMs using it could not start`,
  );
  return done.entry;
}
