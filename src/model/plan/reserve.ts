// vfio-pci reservations: by vendor:device only when every card with that id goes to vfio-pci,
// otherwise by address through our init-top script. Existing setups in other files are kept;
// only ids that must go are removed from them, line by line.
import { parseModprobe, removeVfioIds } from '../modprobe.ts';
import type { HostSnapshot, Intent, PciDevice } from '../types.ts';
import type { PlanBuilder } from './builder.ts';
import { OWN, initTopText, modprobeText, parseInitTop } from './files.ts';

const idOf = (d: PciDevice) => `${d.vendorId}:${d.deviceId}`;

/** Is this device reserved at boot now (by id anywhere, or by our address list)? */
export function reservedAtBoot(snap: HostSnapshot, d: PciDevice): boolean {
  return snap.vfio.ids.includes(idOf(d)) || parseInitTop(snap.files[OWN.initTop] ?? null).some((e) => e.address === d.address);
}

/** Returns true when reservation files change (so modules, flags and initramfs follow). */
export function planReservations(snap: HostSnapshot, intents: Intent[], b: PlanBuilder): boolean {
  const reserves = intents.filter((i): i is Extract<Intent, { kind: 'reserve' }> => i.kind === 'reserve');
  const releases = intents.filter((i): i is Extract<Intent, { kind: 'release' }> => i.kind === 'release');
  if (!reserves.length && !releases.length) return false;
  const byAddr = new Map(snap.devices.map((d) => [d.address, d]));
  const desired = new Set(snap.devices.filter((d) => reservedAtBoot(snap, d)).map((d) => d.address));

  for (const r of reserves) {
    const d = byAddr.get(r.address);
    if (!d) {
      b.error(r.address, 'no such PCI device on this host');
      continue;
    }
    if (d.isBridge) {
      b.error(r.address, 'a bridge stays with the host; reserve the devices behind it');
      continue;
    }
    if (d.vendorId === '????' || d.deviceId === '????') {
      b.error(r.address, 'vendor/device id unreadable: cannot guard a reservation (see notices)');
      continue;
    }
    desired.add(d.address);
    checkGroup(snap, d, r.force === true, b);
    if (d.sriov && d.sriov.numVfs > 0) b.warn(d.address, `binding the physical function to vfio-pci removes its ${d.sriov.numVfs} live virtual functions`);
  }
  for (const r of releases) {
    if (!byAddr.has(r.address)) b.error(r.address, 'no such PCI device on this host');
    desired.delete(r.address);
  }
  // Shared-group warnings once all intents are known (staging the whole group clears them).
  for (const r of reserves) {
    const d = byAddr.get(r.address);
    if (d) sharedWarning(snap, d, desired, b);
  }

  // Decide id vs address per vendor:device.
  const byId = new Set<string>();
  const byAddress: Array<{ address: string; id: string }> = [];
  const ids = new Map<string, PciDevice[]>();
  for (const d of snap.devices) ids.set(idOf(d), [...(ids.get(idOf(d)) ?? []), d]);
  for (const [id, devs] of ids) {
    const want = devs.filter((d) => desired.has(d.address));
    if (!want.length) continue;
    if (want.length === devs.length) byId.add(id);
    else for (const d of want) byAddress.push({ address: d.address, id });
  }
  if (byAddress.length) {
    for (const e of byAddress) {
      const others = ids.get(e.id)!.filter((d) => !desired.has(d.address)).map((d) => d.address);
      b.warn(e.address, `reserved by address, not by id: ${others.join(', ')} share${others.length === 1 ? 's' : ''} the id ${e.id} and stay${others.length === 1 ? 's' : ''} with the host`);
    }
  }

  // Ids that must leave files written by hand (or by other tools).
  let changed = false;
  const foreignIds = new Set<string>();
  for (const [path, text] of Object.entries(snap.files)) {
    if (!path.startsWith('etc/modprobe.d/') || path === OWN.modprobe) continue;
    const have = parseModprobe(text).ids;
    const drop = have.filter((id) => !byId.has(id) && ids.has(id));
    if (drop.length) {
      b.write(path, removeVfioIds(text, drop), `vfio-pci ids ${drop.join(', ')} no longer reserved by id`);
      changed = true;
    }
    for (const id of have) if (!drop.includes(id)) foreignIds.add(id);
  }
  const foreignSoftdeps = new Set(
    Object.entries(snap.files)
      .filter(([p]) => p.startsWith('etc/modprobe.d/') && p !== OWN.modprobe)
      .flatMap(([, t]) => parseModprobe(t).softdeps.filter((s) => s.pre.some((m) => m.replace(/-/g, '_') === 'vfio_pci')).map((s) => s.module)),
  );
  const ourIds = [...byId].filter((id) => !foreignIds.has(id)).sort();
  const drivers = new Set<string>();
  for (const id of ourIds) for (const d of ids.get(id)!) if (d.driver && d.driver !== 'vfio-pci' && !foreignSoftdeps.has(d.driver)) drivers.add(d.driver);
  const before = [b.read(OWN.modprobe), b.read(OWN.initTop)];
  b.write(OWN.modprobe, modprobeText(ourIds, [...drivers].sort().map((drv) => [drv, ['vfio-pci']])), 'reserve devices for vfio-pci by vendor:device id');
  b.write(OWN.initTop, initTopText(byAddress.sort((x, y) => (x.address < y.address ? -1 : 1))), 'reserve single devices for vfio-pci by address, early in boot', 0o755);
  if (before[0] !== b.read(OWN.modprobe) || before[1] !== b.read(OWN.initTop)) changed = true;
  if (changed) b.reboot('vfio-pci reservations take effect at boot');
  return changed;
}

function checkGroup(snap: HostSnapshot, d: PciDevice, force: boolean, b: PlanBuilder) {
  const g = snap.groups.find((x) => x.id === d.iommuGroup);
  if (!g || g.isolation !== 'host-critical') return;
  const lost = snap.devices.filter((x) => g.devices.includes(x.address) && x.hostUses.length);
  const what = lost.map((x) => `${x.address} (${x.hostUses.join('; ')})`).join(', ');
  if (force) b.warn(d.address, `OVERRIDDEN: IOMMU group ${g.id} is host-critical; the host loses ${what}`);
  else b.error(d.address, `IOMMU group ${g.id} is host-critical: Proxmox binds every device of the group to vfio-pci at VM start, and the host would lose ${what}. Stage it with an explicit override to do it anyway.`);
}

function sharedWarning(snap: HostSnapshot, d: PciDevice, desired: Set<string>, b: PlanBuilder) {
  const g = snap.groups.find((x) => x.id === d.iommuGroup);
  if (!g || g.isolation !== 'shared') return;
  const missing = snap.devices.filter((x) => g.devices.includes(x.address) && !x.isBridge && !desired.has(x.address));
  if (missing.length) b.warn(d.address, `IOMMU group ${g.id} is shared: ${missing.map((x) => x.address).join(', ')} must go with it (Proxmox binds the whole group at VM start); stage the whole group`);
}
