// Store side of resource mappings: the mapping dialog's actions (create / extend from the
// selected device, pick the matching devices of other cluster nodes, assign a mapping to a VM).
import { MAPPING_NAME_RE, mapEntryFor } from '../model/mapping-config.ts';
import { clusterNodes, functionPath, mappingKind, nodeDevices, sameKind } from '../model/mapping-nodes.ts';
import type { HostSnapshot, Intent, PciDevice, PciMapping } from '../model/types.ts';
import { mappingUsers } from '../model/plan/mapping.ts';
import { describeIntent, intentKey, withIntents } from '../model/staging.ts';
import { confirmAssign as confirmAddressAssign, currentDevice, flash, openDialog } from './actions.ts';
import type { AppStore } from './app-store.ts';

type MappingDialog = { kind: 'mapping'; address: string; name: string; cursor: number; picked: string[] };

export interface MappingCandidate {
  key: string;
  node: string;
  address: string;
  name: string;
  /** Already in the mapping named in the dialog (cannot be unticked here). */
  inMapping: boolean;
}

const kindOf = (d: PciDevice) => {
  const sub = d.subsystemVendorId && d.subsystemDeviceId ? `${d.subsystemVendorId}:${d.subsystemDeviceId}` : null;
  return { id: `${d.vendorId}:${d.deviceId}`, subsystemId: sub };
};

/** Mappings as the staged intents leave them: the snapshot's, plus the devices staged for each. */
function namesFor(snap: HostSnapshot, d: PciDevice): string[] {
  const kind = kindOf(d);
  const same = snap.mappings.filter((m) => {
    const k = mappingKind(m);
    return k && k.id === kind.id;
  });
  // The mapping this device is in first, then the others of its kind.
  const holds = (m: PciMapping) =>
    m.maps.some((e) => e.node === snap.nodeName && e.path.map(functionPath).includes(d.address));
  return [...same.filter(holds), ...same.filter((m) => !holds(m))].map((m) => m.id);
}

/** A name Proxmox accepts, from the device: its vendor:device. */
export const suggestedName = (d: PciDevice) => `pci-${d.vendorId}-${d.deviceId}${d.physfn ? '-vf' : ''}`;

/** Every device of the selected one's kind on each node, ticked when already in the mapping. */
export function mappingCandidates(snap: HostSnapshot, address: string, name: string): MappingCandidate[] {
  const d = snap.devices.find((x) => x.address === address);
  if (!d) return [];
  const kind = kindOf(d);
  const m = snap.mappings.find((x) => x.id === name);
  const inIt = new Set((m?.maps ?? []).flatMap((e) => e.path.map((p) => `${e.node}/${functionPath(p)}`)));
  return clusterNodes(snap).flatMap((node) =>
    (nodeDevices(snap, node) ?? [])
      .filter((x) => sameKind(x, kind) && !x.classId.startsWith('0604') && !x.classId.startsWith('0600'))
      .map((x) => ({
        key: `${node}/${x.address}`,
        node,
        address: x.address,
        name: x.name,
        inMapping: inIt.has(`${node}/${x.address}`),
      })),
  );
}

export function openMappingDialog(store: AppStore) {
  const st = store.getState();
  const d = currentDevice(store);
  if (!d) return flash(store, 'Select a device or VF to put it in a resource mapping.');
  if (d.isBridge) return flash(store, 'A bridge cannot be passed through, so it cannot be mapped.');
  const name = namesFor(st.snapshot, d)[0] ?? suggestedName(d);
  // A staged mapping of this name reopens with its devices ticked.
  const staged = st.intents.find((i) => i.kind === 'mapping' && i.name === name);
  const picked =
    staged?.kind === 'mapping'
      ? staged.devices.map((x) => `${x.node ?? st.snapshot.nodeName}/${x.address}`)
      : [`${st.snapshot.nodeName}/${d.address}`];
  const cursor = Math.max(
    0,
    mappingCandidates(st.snapshot, d.address, name).findIndex(
      (c) => c.node === st.snapshot.nodeName && c.address === d.address,
    ),
  );
  openDialog(store, { kind: 'mapping', address: d.address, name, cursor, picked });
}

const dialog = (store: AppStore) => {
  const d = store.getState().dialog;
  return d?.kind === 'mapping' ? (d as MappingDialog) : null;
};

export function moveMappingCursor(store: AppStore, delta: number) {
  const d = dialog(store);
  if (!d) return;
  const n = mappingCandidates(store.getState().snapshot, d.address, d.name).length;
  if (n) store.setState({ dialog: { ...d, cursor: (d.cursor + delta + n) % n } });
}

export function toggleMappingPick(store: AppStore) {
  const d = dialog(store);
  if (!d) return;
  const c = mappingCandidates(store.getState().snapshot, d.address, d.name)[d.cursor];
  if (!c) return;
  if (c.inMapping)
    return flash(store, `${c.key} is already in '${d.name}' (removing entries: Datacenter > Resource Mappings).`);
  const picked = d.picked.includes(c.key) ? d.picked.filter((k) => k !== c.key) : [...d.picked, c.key];
  store.setState({ dialog: { ...d, picked }, flash: null });
}

/** Typing edits the name (letters, digits, - and _, as Proxmox allows). */
export function editMappingName(store: AppStore, edit: (name: string) => string) {
  const d = dialog(store);
  if (!d) return;
  store.setState({ dialog: { ...d, name: edit(d.name).slice(0, 40) } });
}

/** Tab: the next existing mapping of this kind, then a new one. */
export function cycleMappingName(store: AppStore) {
  const d = dialog(store);
  if (!d) return;
  const snap = store.getState().snapshot;
  const dev = snap.devices.find((x) => x.address === d.address);
  if (!dev) return;
  const names = [...namesFor(snap, dev), suggestedName(dev)];
  const next = names[(names.indexOf(d.name) + 1) % names.length]!;
  store.setState({ dialog: { ...d, name: next } });
}

export function confirmMapping(store: AppStore) {
  const d = dialog(store);
  if (!d) return;
  const st = store.getState();
  if (!MAPPING_NAME_RE.test(d.name))
    return flash(store, `'${d.name}' is not a name Proxmox accepts: a letter, then letters, digits, - or _.`);
  const inIt = new Set(
    mappingCandidates(st.snapshot, d.address, d.name)
      .filter((c) => c.inMapping)
      .map((c) => c.key),
  );
  const add = d.picked.filter((k) => !inIt.has(k));
  if (!add.length)
    return flash(
      store,
      `Nothing to add: tick devices with space (they are all in '${d.name}' already, or none is ticked).`,
    );
  const devices = add.map((k) => {
    const [node, address] = k.split('/') as [string, string];
    return { node: node === st.snapshot.nodeName ? null : node, address };
  });
  const intent: Intent = { kind: 'mapping', name: d.name, devices };
  openDialog(store, null);
  const key = intentKey(intent);
  store.setState({
    intents: [...st.intents.filter((i) => intentKey(i) !== key), intent],
    flash: `Staged: ${describeIntent(intent)}. p shows pci.cfg as Proxmox will write it.`,
  });
}

/**
 * Ctrl-D: stage deleting the mapping named in the dialog (pvesh delete), refused with the VMs
 * named while any uses it, as --unmap is. A staged extension of it is replaced (one key each).
 */
export function deleteMapping(store: AppStore) {
  const d = dialog(store);
  if (!d) return;
  const st = store.getState();
  if (!st.snapshot.mappings.some((m) => m.id === d.name))
    return flash(store, `'${d.name}' is not an existing mapping: nothing to delete (Tab shows the existing ones).`);
  const users = mappingUsers(st.snapshot, st.intents, d.name);
  if (users.length)
    return flash(
      store,
      `'${d.name}' is still used by ${users.join(', ')}: remove ${users.length > 1 ? 'those lines' : 'that line'} first (the VM would not start without it).`,
    );
  const intent: Intent = { kind: 'unmap', name: d.name };
  openDialog(store, null);
  store.setState({
    intents: withIntents(st.intents, [intent]),
    flash: `Staged: ${describeIntent(intent)} (pvesh delete). p shows pci.cfg as Proxmox will write it.`,
  });
}

/** In the assign options: `m` cycles through the mappings that hold this device (staged ones too), then none. */
export function cycleViaMapping(store: AppStore) {
  const st = store.getState();
  const d = st.dialog;
  if (d?.kind !== 'assign-options') return;
  const names = mappingsHolding(st.snapshot, st.intents, d.address);
  if (!names.length) return flash(store, `${d.address} is in no resource mapping: m in the tree makes one.`);
  const all = [...names, null];
  const next = all[(all.indexOf(d.viaMapping ?? null) + 1) % all.length] ?? null;
  store.setState({ dialog: { ...d, viaMapping: next } });
}

export function mappingsHolding(snap: HostSnapshot, intents: Intent[], address: string): string[] {
  const here = snap.nodeName;
  const existing = snap.mappings
    .filter((m) => m.maps.some((e) => e.node === here && e.path.map(functionPath).includes(address)))
    .map((m) => m.id);
  const staged = intents.flatMap((i) =>
    i.kind === 'mapping' && i.devices.some((x) => (x.node ?? here) === here && x.address === address) ? [i.name] : [],
  );
  return [...new Set([...existing, ...staged])];
}

/** Enter in the assign options: through the chosen mapping, or by address as before. */
export function confirmAssignOptions(store: AppStore) {
  const st = store.getState();
  const d = st.dialog;
  if (d?.kind !== 'assign-options') return;
  if (!d.viaMapping) return confirmAddressAssign(store);
  const intent: Intent = {
    kind: 'assign-mapping',
    name: d.viaMapping,
    vmid: d.vmid,
    options: { ...d.options, allFunctions: false },
  };
  openDialog(store, null);
  const key = intentKey(intent);
  store.setState({
    intents: [...st.intents.filter((i) => intentKey(i) !== key), intent],
    flash: `Staged: ${describeIntent(intent)}.`,
  });
}

/** A map entry as it will be written (shown in the dialog for the device under the cursor). */
export function candidateEntry(snap: HostSnapshot, c: MappingCandidate): string | null {
  const d = nodeDevices(snap, c.node)?.find((x) => x.address === c.address);
  return d ? mapEntryFor(d, c.node) : null;
}
