// vfio-pci reservations: by vendor:device only when every card with that id goes to vfio-pci,
// otherwise by address through our init-top script. By id there is one list (modprobe keeps
// only the last ids=): it is edited where it lives, an admin's vfio.conf line or the kernel
// command line included, and any ids= line it overrides is retired with a note.
import type { HostSnapshot, Intent, PciDevice } from '../types.ts';
import {
  describeSource,
  effectiveVfioIds,
  nextBootCmdline,
  retireIdsLine,
  setCmdlineIds,
  setIdsOnLine,
} from '../vfio-ids.ts';
import type { PlanBuilder } from './builder.ts';
import { OWN, initTopText, modprobeText, parseInitTop } from './files.ts';
import { hostInterfacesGoing } from './sriov.ts';

const idOf = (d: PciDevice) => `${d.vendorId}:${d.deviceId}`;

const bootIds = new WeakMap<HostSnapshot, string[]>();

/** The ids= list vfio-pci gets at the next boot (see vfio-ids.ts), once per snapshot. */
export function bootVfioIds(snap: HostSnapshot): string[] {
  let ids = bootIds.get(snap);
  if (!ids) {
    const { kind, path } = snap.bootloader;
    ids = effectiveVfioIds(
      snap.files,
      nextBootCmdline(path ? (snap.files[path] ?? null) : null, kind, snap.iommu.cmdline),
    ).ids;
    bootIds.set(snap, ids);
  }
  return ids;
}

/**
 * Is this device reserved at boot now (by id in the one list modprobe really passes, or by our
 * address list)? An id in an ids= line that a later one overrides does not count: it never
 * reaches the module.
 */
export function reservedAtBoot(snap: HostSnapshot, d: PciDevice): boolean {
  return (
    bootVfioIds(snap).includes(idOf(d)) ||
    parseInitTop(snap.files[OWN.initTop] ?? null).some((e) => e.address === d.address)
  );
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
    if (d.sriov && d.sriov.numVfs > 0) {
      const ifs = hostInterfacesGoing(snap, d, 0).map(
        (h) => `${h.ifname}${h.uses.length ? ` (${h.uses.join('; ')})` : ''}`,
      );
      b.warn(
        d.address,
        `binding the physical function to vfio-pci removes its ${d.sriov.numVfs} live virtual functions${ifs.length ? `, and the host interfaces on them: ${ifs.join(', ')}` : ''}`,
      );
    }
  }
  for (const r of releases) {
    if (!byAddr.has(r.address)) b.error(r.address, 'no such PCI device on this host');
    desired.delete(r.address);
  }
  // A shared group split once all intents are known (staging the whole group clears it).
  for (const r of reserves) {
    const d = byAddr.get(r.address);
    if (d) sharedSplit(snap, d, desired, r.force === true, b);
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
      const others = ids
        .get(e.id)!
        .filter((d) => !desired.has(d.address))
        .map((d) => d.address);
      b.warn(
        e.address,
        `reserved by address, not by id: ${others.join(', ')} share${others.length === 1 ? 's' : ''} the id ${e.id} and stay${others.length === 1 ? 's' : ''} with the host`,
      );
    }
  }

  // By id: one ids= list, edited where it lives (vfio-ids.ts says how modprobe builds it).
  const boot = snap.bootloader;
  const bootText = boot.path ? b.read(boot.path) : null;
  const eff = effectiveVfioIds(snap.files, nextBootCmdline(bootText, boot.kind, snap.iommu.cmdline));
  // Ids of cards on this host follow the staged set; others (a card not installed now, a
  // subsystem-qualified id) stay as the admin wrote them, in their order.
  const afterIds = [
    ...eff.ids.filter((id) => !ids.has(id) || byId.has(id)),
    ...[...byId].filter((id) => !eff.ids.includes(id)).sort(),
  ];
  const home = eff.source;
  const where = describeSource(home ?? { kind: 'file', path: OWN.modprobe, line: 1 });
  b.vfioIds = { before: eff.ids, after: afterIds, where: home ? where : `/${OWN.modprobe} (new)` };
  const listChanges = afterIds.join(',') !== eff.ids.join(',');

  let changed = false;
  let ownIds: string[] = [];
  if (listChanges) {
    if (home?.kind === 'cmdline' && boot.path) {
      b.write(
        boot.path,
        setCmdlineIds(bootText ?? '', afterIds),
        `vfio-pci.ids on the kernel command line: ${afterIds.join(',') || 'none'}`,
      );
      b.step(
        'boot',
        boot.kind === 'grub'
          ? { kind: 'command', argv: ['update-grub'], reason: 'write the new kernel command line into grub.cfg' }
          : {
              kind: 'command',
              argv: ['proxmox-boot-tool', 'refresh'],
              reason: 'copy the new kernel command line to every ESP',
            },
      );
      changed = true;
    } else if (home?.kind === 'cmdline') {
      b.error(
        'kernel command line',
        'vfio-pci.ids= is on the running kernel command line, but the boot loader config is unknown: change it there by hand',
      );
    } else if (home && home.path !== OWN.modprobe) {
      b.write(
        home.path,
        setIdsOnLine(b.read(home.path) ?? '', home.line, afterIds),
        `the vfio-pci ids= list lives here: ${afterIds.join(',') || 'none left'}`,
      );
      changed = true;
    } else {
      ownIds = afterIds;
    }
    // Every other ids= line is thrown away by modprobe: retire it, saying where the list is.
    const lost = new Set<string>();
    const retire = [...eff.overridden].reverse(); // bottom-up keeps line numbers valid
    for (const l of retire) {
      for (const id of l.ids) if (!afterIds.includes(id)) lost.add(id);
      if (l.path === OWN.modprobe) continue; // ours is written whole below
      const note = `pve-passthrough: overridden, modprobe keeps only the last ids= (the list lives in ${home?.kind === 'file' && home.path === OWN.modprobe ? `/${OWN.modprobe}` : where})`;
      b.write(
        l.path,
        retireIdsLine(b.read(l.path) ?? '', l.line, note),
        'retire an ids= line that a later one overrides',
      );
      changed = true;
    }
    if (lost.size)
      b.warn(
        'vfio-pci ids',
        `${[...lost].join(', ')} ${lost.size === 1 ? 'was' : 'were'} never in effect (an ids= line that a later one overrides) and ${lost.size === 1 ? 'is' : 'are'} not carried over: stage the device to reserve it`,
      );
  } else if (home?.kind === 'file' && home.path === OWN.modprobe) {
    ownIds = eff.ids;
  }

  // softdep <driver> pre: vfio-pci for the host drivers of ids this plan adds (so vfio-pci loads
  // first and wins the card), unless a softdep for that driver exists elsewhere; the ones in our
  // file stay while any id is reserved.
  const ownText = b.read(OWN.modprobe);
  const foreignSoftdeps = new Set(eff.softdeps.filter((s) => s.path !== OWN.modprobe).map((s) => s.module));
  const drivers = new Set<string>(
    afterIds.length ? eff.softdeps.filter((s) => s.path === OWN.modprobe).map((s) => s.module) : [],
  );
  for (const id of afterIds) {
    if (eff.ids.includes(id)) continue;
    for (const d of ids.get(id) ?? [])
      if (d.driver && d.driver !== 'vfio-pci' && !foreignSoftdeps.has(d.driver)) drivers.add(d.driver);
  }
  const before = [ownText, b.read(OWN.initTop)];
  b.write(
    OWN.modprobe,
    modprobeText(
      ownIds,
      [...drivers].sort().map((drv) => [drv, ['vfio-pci']]),
    ),
    'reserve devices for vfio-pci by vendor:device id',
  );
  b.write(
    OWN.initTop,
    initTopText(byAddress.sort((x, y) => (x.address < y.address ? -1 : 1))),
    'reserve single devices for vfio-pci by address, early in boot',
    0o755,
  );
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
  else
    b.error(
      d.address,
      `IOMMU group ${g.id} is host-critical: Proxmox binds every device of the group to vfio-pci at VM start, and the host would lose ${what}. Stage it with an explicit override to do it anyway.`,
    );
}

/**
 * One device of a shared group reserved alone is refused: the VM cannot start while the rest of
 * the group stays with host drivers (vfio needs the whole group), so the reservation would only
 * take a device from the host for nothing. An explicit override (force) makes it a warning.
 */
function sharedSplit(snap: HostSnapshot, d: PciDevice, desired: Set<string>, force: boolean, b: PlanBuilder) {
  const g = snap.groups.find((x) => x.id === d.iommuGroup);
  if (!g || g.isolation !== 'shared') return;
  const missing = snap.devices.filter((x) => g.devices.includes(x.address) && !x.isBridge && !desired.has(x.address));
  if (!missing.length) return;
  const why = `IOMMU group ${g.id} is shared: ${missing.map((x) => x.address).join(', ')} must go with it (vfio needs the whole group: a VM cannot start with part of it)`;
  if (force) b.warn(d.address, `${why}; reserved alone by override`);
  else b.error(d.address, `${why}; stage the whole group (or override explicitly)`);
}
