// The node as a staged plan would leave it, after the commit and the reboot it asks for: a copy
// of the snapshot with the plan's file edits, its VM config changes (a running VM's [PENDING]
// values as they are at its next start), its VF counts and the drivers its reservations give
// at boot. Pure: the same checks then run on it (checkPlan), so a plan that would leave a VM
// unable to start is seen before it is committed. What the checks do not read stays as on the
// node now (devices' usedBy, host uses, the IOMMU state: groups only appear after a real boot).
import { predictVfAddresses } from './address.ts';
import { checkHost, type Finding, type VmLine } from './checks.ts';
import { parseModprobe, parseModulesLoad } from './modprobe.ts';
import { OWN, parseInitTop } from './plan/files.ts';
import { planChanges } from './plan/index.ts';
import { bootVfioIds } from './plan/reserve.ts';
import type { HostSnapshot, HostpciEntry, Intent, PciDevice, Plan, VmConfig } from './types.ts';
import { getKey, hostpciEntries, parseVmConf } from './vmconf.ts';

const idOf = (d: PciDevice) => `${d.vendorId}:${d.deviceId}`;

/** A VM as its config `text` says it runs next: [PENDING] values over the others, pending deletions gone. */
export function vmAtNextStart(vm: VmConfig, text: string): VmConfig {
  const { doc } = parseVmConf(text, vm.path);
  const key = (k: string) => getKey(doc, k, 'PENDING') ?? getKey(doc, k);
  const deleted = new Set((getKey(doc, 'delete', 'PENDING') ?? '').split(',').filter(Boolean));
  const byIndex = new Map<number, HostpciEntry>();
  for (const h of hostpciEntries(doc)) if (!deleted.has(`hostpci${h.index}`)) byIndex.set(h.index, h);
  for (const h of hostpciEntries(doc, 'PENDING')) byIndex.set(h.index, h);
  const gone = (k: string) => deleted.has(k);
  return {
    ...vm,
    name: key('name') ?? null,
    machine: gone('machine') ? null : (key('machine') ?? null),
    bios: gone('bios') ? null : (key('bios') ?? null),
    hasEfidisk: !gone('efidisk0') && key('efidisk0') !== undefined,
    onboot: !gone('onboot') && key('onboot') === '1',
    hostpci: [...byIndex.values()].sort((a, b) => a.index - b.index),
  };
}

/** The count each PF gets from the plan's sysfs writes (the last write wins). */
function vfCounts(plan: Plan): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of plan.steps) {
    const m = s.kind === 'sysfs' ? /^sys\/bus\/pci\/devices\/([^/]+)\/sriov_numvfs$/.exec(s.path) : null;
    if (m && s.kind === 'sysfs') out.set(m[1]!, Number(s.value));
  }
  return out;
}

/** The snapshot as `plan` leaves the node once committed and, if it asks for one, rebooted. */
export function plannedSnapshot(snap: HostSnapshot, plan: Plan): HostSnapshot {
  const files = { ...snap.files };
  for (const e of plan.edits) {
    if (e.after === null) delete files[e.path];
    else files[e.path] = e.after;
  }
  const edited = new Map(plan.edits.map((e) => [e.path, e.after]));

  const vms = snap.vms.map((vm) => {
    const after = edited.get(vm.path);
    return after === undefined || after === null ? vm : vmAtNextStart(vm, after);
  });

  // VF counts: VFs beyond the new count go (with their groups); new ones appear where the PF's
  // offset and stride put them, without a group yet (the kernel gives it at creation).
  let devices = snap.devices.map((d) => ({ ...d }));
  let groups = snap.groups;
  for (const [pfAddr, count] of vfCounts(plan)) {
    const pf = devices.find((d) => d.address === pfAddr);
    if (!pf?.sriov) continue;
    const want = predictVfAddresses(pf, count) ?? pf.virtfns.slice(0, count);
    const going = new Set(pf.virtfns.filter((a) => !want.includes(a)));
    const template = devices.find((d) => d.physfn === pf.address);
    devices = devices.filter((d) => !going.has(d.address));
    for (const a of want) {
      if (devices.some((d) => d.address === a)) continue;
      devices.push({
        ...(template ?? pf),
        address: a,
        deviceId: pf.sriov.vfDeviceId ?? template?.deviceId ?? pf.deviceId,
        physfn: pf.address,
        virtfns: [],
        sriov: null,
        driver: template?.driver ?? null,
        iommuGroup: null,
        netInterfaces: [],
        hostUses: [],
        usedBy: [],
      });
    }
    pf.virtfns = want;
    pf.sriov = { ...pf.sriov, numVfs: count };
    groups = groups
      .map((g) => ({ ...g, devices: g.devices.filter((a) => !going.has(a)) }))
      .filter((g) => g.devices.length);
  }
  devices.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

  const modprobe = Object.entries(files)
    .filter(([p]) => p.startsWith('etc/modprobe.d/'))
    .map(([, t]) => parseModprobe(t));
  const softdeps = modprobe.flatMap((m) => m.softdeps);
  const planned: HostSnapshot = {
    ...snap,
    files,
    vms,
    devices,
    groups,
    vfio: {
      ...snap.vfio,
      modulesAtBoot: [
        ...new Set(
          Object.entries(files)
            .filter(([p]) => p.startsWith('etc/modules-load.d/') || p === 'etc/modules')
            .flatMap(([, t]) => parseModulesLoad(t)),
        ),
      ],
      ids: [...new Set(modprobe.flatMap((m) => m.ids))],
      softdeps,
      blacklist: modprobe.flatMap((m) => m.blacklist),
    },
  };

  // Drivers after the boot: a device reserved for vfio-pci gets it when the rebuilt initramfs
  // binds it first: by address (our init-top script, guarded by vendor:device), or by id with a
  // softdep that loads vfio-pci before its host driver. Otherwise the host driver still wins.
  const rebuilt = plan.steps.some((s) => s.kind === 'command' && s.argv[0] === 'update-initramfs');
  if (rebuilt) {
    const ids = new Set(bootVfioIds(planned));
    const byAddress = new Map(parseInitTop(files[OWN.initTop] ?? null).map((e) => [e.address, e.id]));
    for (const d of devices) {
      if (!d.driver || d.driver === 'vfio-pci') continue;
      const pinned = byAddress.get(d.address) === idOf(d);
      const first =
        ids.has(idOf(d)) &&
        softdeps.some(
          (s) =>
            s.module.replace(/-/g, '_') === d.driver!.replace(/-/g, '_') &&
            s.pre.some((m) => m.replace(/-/g, '_') === 'vfio_pci'),
        );
      if (pinned || first) d.driver = 'vfio-pci';
    }
  }
  return planned;
}

const findingKey = (f: Finding) => `${f.severity}\u0000${f.where}\u0000${f.message}`;

export interface PlanCheck {
  plan: Plan;
  /**
   * The checks on the node as the plan leaves it, then those the plan resolves: `plan: 'new'`
   * marks what only the plan brings, `plan: 'resolved'` what it takes away (not counted as a
   * problem by findingsSummary).
   */
  findings: Finding[];
}

/** The pre-flight checks on the node as `intents` would leave it, marked against the node as it is. */
export function checkPlan(
  snap: HostSnapshot,
  intents: Intent[],
  plan: Plan = planChanges(snap, intents),
  now: Finding[] = checkHost(snap),
): PlanCheck {
  const after = checkHost(plannedSnapshot(snap, plan));
  // A line the plan itself adds is not there to remove yet: dropping the staged change fixes it.
  const exists = (l: VmLine) =>
    snap.vms.some((v) => v.vmid === l.vmid && v.hostpci.some((h) => `hostpci${h.index}` === l.slot));
  const fresh = (f: Finding): Finding =>
    f.line && !exists(f.line)
      ? {
          ...f,
          line: null,
          fix: `${f.fix} (${f.line.slot} comes from the staged changes: dropping that change also fixes it)`,
          plan: 'new',
        }
      : { ...f, plan: 'new' };
  // The same finding: same text; or, left over on both sides, the same kind at the same place
  // (e.g. 'IOMMU is off, yet 2 VMs ...' becoming '3 VMs'): changed wording, not new and not fixed.
  const place = (f: Finding) =>
    `${f.severity}\u0000${f.where}\u0000${f.line ? `${f.line.vmid}/${f.line.slot}` : ''}\u0000${f.addresses.join(',')}\u0000${f.message.split(/[\s:,]/)[0]}`;
  const unmatchedNow = new Map<string, Finding[]>();
  const afterKeys = new Set(after.map(findingKey));
  for (const f of now)
    if (!afterKeys.has(findingKey(f))) unmatchedNow.set(place(f), [...(unmatchedNow.get(place(f)) ?? []), f]);
  const before = new Set(now.map(findingKey));
  const findings: Finding[] = [];
  for (const f of after) {
    if (before.has(findingKey(f))) findings.push(f);
    else if (unmatchedNow.get(place(f))?.length) {
      unmatchedNow.get(place(f))!.shift();
      findings.push(f);
    } else findings.push(fresh(f));
  }
  for (const list of unmatchedNow.values()) for (const f of list) findings.push({ ...f, plan: 'resolved' });
  return { plan, findings };
}
