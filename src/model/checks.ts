// Pre-flight checks on the node as it is now: problems Proxmox only finds when a VM starts (or
// never), each with the fix. Pure: runs on the snapshot, no I/O. Used by `check` and the TUI.
import { normalizeAddress, predictVfAddresses, slotOf } from './address.ts';
import type { HostSnapshot, HostpciEntry, IommuGroup, PciDevice, VmConfig } from './types.ts';
import { howToTurnIommuOn } from './plan/boot.ts';
import { KILL_SWITCH_WORD, OWN, parseInitTop } from './plan/files.ts';
import { recoveryState } from './plan/recovery.ts';
import { isQ35 } from './vmconf.ts';
import { MAPPING_FILE, parseSections, pveshArgv, subsystemId } from './mapping-config.ts';
import { completedEntry, entryFault } from './mapping-nodes.ts';

export interface Finding {
  /** error: a VM will not start, or the host is at risk; warning: works, but not as meant. */
  severity: 'error' | 'warning';
  /** `VM 102 hostpci1`, a device address, or `host`. */
  where: string;
  message: string;
  /** What to do about it, one sentence. */
  fix: string;
  /** The devices it is about, so the TUI can show it with them. */
  addresses: string[];
  /** The VM config line it is about, when removing that line is one way to fix it. */
  line: VmLine | null;
  /**
   * Only in checks on a staged plan (model/planned.ts): `new` when only the plan brings it,
   * `resolved` when it is on the node now and the plan takes it away. Absent: there either way.
   */
  plan?: 'new' | 'resolved';
}

/** One hostpci line of one VM config. */
export interface VmLine {
  vmid: number;
  /** `hostpci0` .. `hostpci15` */
  slot: string;
}

const lineName = (l: VmLine) => `VM ${l.vmid} ${l.slot}`;

/** What one hostpci line points at on this node, after following a mapping. */
interface Target {
  vm: VmConfig;
  entry: HostpciEntry;
  at: VmLine;
  devices: PciDevice[];
  /** A mapping with several paths is a pool: several VMs sharing it is intended. */
  pooled: boolean;
}

export function checkHost(s: HostSnapshot): Finding[] {
  const out: Finding[] = [];
  const add: Add = (severity, where, message, fix, addresses = []) =>
    out.push(
      typeof where === 'string'
        ? { severity, where, message, fix, addresses, line: null }
        : { severity, where: lineName(where), message, fix, addresses, line: where },
    );
  const byAddr = new Map(s.devices.map((d) => [d.address, d]));
  const groups = new Map(s.groups.map((g) => [g.id, g]));
  const targets: Target[] = [];

  if (s.interruptedApply) {
    if (s.interruptedApply.running)
      add('warning', 'host', s.interruptedApply.message, 'Wait for it to finish; check again afterwards.');
    else
      add(
        'error',
        'host',
        s.interruptedApply.message,
        "Run 'pve-passthrough rollback': it puts back what the interrupted apply changed (see rollback --list).",
      );
  }

  for (const vm of s.vms) {
    for (const entry of vm.hostpci) {
      const t = resolve(s, vm, entry, { vmid: vm.vmid, slot: `hostpci${entry.index}` }, byAddr, add);
      if (t) targets.push(t);
    }
  }

  checkUnusedMappings(s, byAddr, add);
  for (const t of targets) checkEntry(t, groups, byAddr, add);
  checkTwiceInVm(targets, add);
  checkSharing(targets, groups, add);

  for (const vm of s.vms) {
    if (vm.hostpci.length && vm.bios === 'ovmf' && !vm.hasEfidisk) {
      add(
        'warning',
        `VM ${vm.vmid}`,
        'OVMF without an efidisk0: UEFI settings (boot order, GOP) are lost at every start',
        `add an EFI disk: qm set ${vm.vmid} --efidisk0 <storage>:1,efitype=4m`,
      );
    }
  }

  const passing = s.vms.filter((v) => v.hostpci.length);
  if (passing.length && !s.iommu.enabled) {
    add(
      'error',
      'host',
      `IOMMU is off, yet ${passing.length} VM${passing.length > 1 ? 's have' : ' has'} PCI devices (${passing.map((v) => v.vmid).join(', ')}): none of them can start`,
      howToTurnIommuOn(s),
    );
  }
  if (passing.length && s.iommu.enabled && s.iommu.interruptRemapping === false) {
    add(
      'warning',
      'host',
      'interrupt remapping is not enabled: vfio refuses assignment unless unsafe interrupts are allowed',
      'enable x2APIC / interrupt remapping in the firmware; allow_unsafe_interrupts=1 works but lets a guest inject interrupts into the host',
    );
  }
  checkVfioIds(s, add);
  checkAddressReservations(s, byAddr, add);
  checkRecovery(s, add);
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/** `2 errors, 1 warning` / `no problems found` (findings a staged plan resolves do not count). */
export function findingsSummary(all: Finding[]): string {
  const findings = all.filter((f) => f.plan !== 'resolved');
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (!findings.length) return 'no problems found';
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  return [errors && n(errors, 'error'), warnings && n(warnings, 'warning')].filter(Boolean).join(', ');
}

/** `where`: a place named in words, or the VM line the finding is about. */
/** Functions by slot (`dddd:bb:ss`), so 500 VMs x 2,000 functions stay cheap. */
const slots = new WeakMap<HostSnapshot, Map<string, PciDevice[]>>();
function slotIndex(s: HostSnapshot): Map<string, PciDevice[]> {
  let m = slots.get(s);
  if (!m) {
    m = new Map();
    for (const d of s.devices) {
      const k = slotOf(d.address);
      const list = m.get(k);
      if (list) list.push(d);
      else m.set(k, [d]);
    }
    slots.set(s, m);
  }
  return m;
}

type Add = (
  severity: Finding['severity'],
  where: string | VmLine,
  message: string,
  fix: string,
  addresses?: string[],
) => void;

function resolve(
  s: HostSnapshot,
  vm: VmConfig,
  entry: HostpciEntry,
  at: VmLine,
  byAddr: Map<string, PciDevice>,
  add: Add,
): Target | null {
  if (!entry.mapping) {
    const devices: PciDevice[] = [];
    for (const id of entry.hosts) {
      const n = normalizeAddress(id);
      if (!n) continue; // the VM config reader already warned about the malformed value
      const found = n.includes('.') ? (byAddr.has(n) ? [byAddr.get(n)!] : []) : (slotIndex(s).get(n) ?? []);
      if (found.length) devices.push(...found);
      else add('error', at, `no device at ${n} on this node: the VM will not start`, staleFix(s, n, vm, entry), [n]);
    }
    return { vm, entry, at, devices, pooled: false };
  }
  const m = s.mappings.find((x) => x.id === entry.mapping);
  if (!m) {
    add(
      'error',
      at,
      `mapping '${entry.mapping}' is not defined in /etc/pve/mapping/pci.cfg: the VM will not start`,
      'create the mapping (Datacenter > Resource Mappings) or point this hostpci line at the device address',
    );
    return null;
  }
  const mine = m.maps.filter((x) => x.node === s.nodeName);
  if (!mine.length) {
    add(
      'error',
      at,
      `mapping '${m.id}' has no entry for node ${s.nodeName}: the VM cannot start here`,
      `add a map for ${s.nodeName} to the mapping (Datacenter > Resource Mappings > ${m.id})`,
    );
    return null;
  }
  const devices: PciDevice[] = [];
  for (const map of mine) {
    // What the entry lacks, said once for the entry (a pool's paths all lack it).
    const lacks = new Map<string, { message: string; addresses: string[] }>();
    map.path.forEach((p, pathIndex) => {
      const n = normalizeAddress(p);
      const d = n ? byAddr.get(n) : undefined;
      if (!d) {
        add(
          'error',
          at,
          `mapping '${m.id}' points at ${p}, which is not on this node`,
          staleFix(s, n ?? p, vm, entry),
          [n ?? p],
        );
        return;
      }
      devices.push(d);
      // The same rule as the mapping dialog's per-node resolution (Proxmox's assert_valid).
      const fault = entryFault(map, d, d.address, pathIndex === 0);
      if (!fault) return;
      const id = `${d.vendorId}:${d.deviceId}`;
      if (fault.kind === 'id')
        add(
          'error',
          at,
          `mapping '${m.id}' expects ${map.id} at ${d.address}, but ${id} (${d.name}) is there: Proxmox refuses to start the VM`,
          'the card changed or moved: edit the mapping to the new device, or put the old card back',
          [d.address],
        );
      else if (fault.kind === 'iommugroup')
        add(
          'error',
          at,
          `mapping '${m.id}' expects IOMMU group ${map.iommugroup} for ${d.address}, now it is group ${d.iommuGroup}: Proxmox refuses to start the VM`,
          'groups change with firmware, slots and kernel flags: re-save the mapping so it records the current group',
          [d.address],
        );
      else if (fault.kind === 'subsystem')
        add(
          'error',
          at,
          `mapping '${m.id}' expects subsystem ${map.subsystemId} for ${d.address}, but it has ${subsystemId(d)} (${d.name}): Proxmox refuses to start the VM`,
          'a card of another make is there: edit the mapping to the card now in the slot, or put the old card back',
          [d.address],
        );
      else {
        const l = lacks.get(fault.kind);
        if (l) l.addresses.push(d.address);
        else lacks.set(fault.kind, { message: fault.message, addresses: [d.address] });
      }
    });
    for (const { message, addresses } of lacks.values())
      add(
        'error',
        at,
        `mapping '${m.id}': ${message.replace(/^the entry for \S+/, `its entry for ${addresses.join(', ')}`)}, so the VM will not start`,
        completeFix(s, m.id, addresses[0]!),
        addresses,
      );
  }
  return { vm, entry, at, devices, pooled: mine.reduce((n, x) => n + x.path.length, 0) > 1 };
}

/**
 * A mapping no VM here uses yet, whose entries for this node Proxmox would refuse (the same rule,
 * entryFault): a warning, since nothing fails until a VM is given it.
 */
function checkUnusedMappings(s: HostSnapshot, byAddr: Map<string, PciDevice>, add: Add) {
  const used = new Set(s.vms.flatMap((vm) => vm.hostpci.flatMap((h) => (h.mapping ? [h.mapping] : []))));
  for (const m of s.mappings) {
    if (used.has(m.id)) continue;
    for (const map of m.maps.filter((x) => x.node === s.nodeName)) {
      map.path.forEach((p, pathIndex) => {
        const n = normalizeAddress(p) ?? p;
        const fault = entryFault(map, byAddr.get(n), n, pathIndex === 0);
        if (!fault) return;
        const lacks = fault.kind === 'no-subsystem' || fault.kind === 'no-iommugroup';
        add(
          'warning',
          `mapping ${m.id}`,
          `${fault.message.replace(/^the entry/, 'its entry')}: a VM given mapping '${m.id}' will not start on this node`,
          lacks
            ? completeFix(s, m.id, n)
            : `edit the mapping to the device now there (Datacenter > Resource Mappings), or delete it (--unmap ${m.id})`,
          [n],
        );
      });
    }
  }
}

/**
 * How to fill in what a mapping's entries lack: our own --mapping naming a device already in it
 * (the planner completes the entries it keeps), or Proxmox's writer with every entry (PUT
 * replaces the whole `map` list).
 */
function completeFix(s: HostSnapshot, name: string, address: string): string {
  const section = parseSections(s.files[MAPPING_FILE] ?? '').find((x) => x.id === name);
  const argv = section
    ? pveshArgv({ op: 'set', id: name, map: section.map.map((e) => completedEntry(s, e).entry) })
    : null;
  const short = address.replace(/^0000:/, '');
  return `pve-passthrough apply --mapping ${name}=${short} fills it in${argv ? `, or: ${argv.join(' ')}` : ''}`;
}

/** A missing address that is a VF of a PF with too few VFs: say which count brings it back. */
function staleFix(s: HostSnapshot, addr: string, vm: VmConfig, entry: HostpciEntry): string {
  for (const pf of s.devices) {
    if (!pf.sriov) continue;
    const i = (predictVfAddresses(pf, pf.sriov.totalVfs) ?? []).indexOf(addr);
    if (i >= 0)
      return `${addr} is VF ${i} of ${pf.address}, which has ${pf.sriov.numVfs} VFs now: set its VF count to at least ${i + 1} (v on that device) and keep it across reboots`;
  }
  return `the card moved or is gone: find it in the tree and assign it again, or remove hostpci${entry.index} (qm set ${vm.vmid} --delete hostpci${entry.index})`;
}

function checkEntry(t: Target, groups: Map<number, IommuGroup>, byAddr: Map<string, PciDevice>, add: Add) {
  const { vm, entry, at } = t;
  if (entry.options.pcie === '1' && !isQ35(vm)) {
    add(
      'error',
      at,
      `pcie=1 needs the q35 machine type, this VM is ${vm.machine ?? 'i440fx (default)'}: Proxmox refuses to start it`,
      `qm set ${vm.vmid} --machine q35 (the guest sees new hardware), or drop pcie=1`,
      t.devices.map((d) => d.address),
    );
  }
  const seen = new Set<number>();
  for (const d of t.devices) {
    const g = d.iommuGroup !== null ? groups.get(d.iommuGroup) : undefined;
    if (g?.isolation === 'host-critical' && !seen.has(g.id)) {
      seen.add(g.id);
      const loses = g.devices.flatMap((a) => (byAddr.get(a)?.hostUses ?? []).map((u) => `${a}: ${u}`)).join('; ');
      if (vm.onboot) {
        add(
          'error',
          at,
          `starts at boot (onboot=1) with ${d.address}, whose IOMMU group ${g.id} holds what the host needs (${loses}): every boot takes it from the host`,
          `turn off start at boot (qm set ${vm.vmid} --onboot 0) and move the device to an isolated slot, or take it out of this VM`,
          [d.address],
        );
      } else {
        add(
          'warning',
          at,
          `${d.address} is in IOMMU group ${g.id}, which holds what the host needs (${loses}): starting the VM takes it from the host`,
          'move the card to a slot with its own group, or take it out of this VM',
          [d.address],
        );
      }
    }
    if (d.resetMethods && d.resetMethods.length === 0) {
      add(
        'warning',
        at,
        `${d.address} (${d.name}) offers no reset method: after the VM stops once it may not work again until the host reboots`,
        'check for a vendor-reset module for this card, or plan on rebooting the host between VM runs',
        [d.address],
      );
    }
  }
}

/** The same function in several VMs, and one IOMMU group split across VMs. */
function checkSharing(targets: Target[], groups: Map<number, IommuGroup>, add: Add) {
  const byDevice = new Map<string, Target[]>();
  const byGroup = new Map<number, Target[]>();
  for (const t of targets) {
    if (t.pooled) continue;
    for (const d of t.devices) {
      byDevice.set(d.address, [...(byDevice.get(d.address) ?? []), t]);
      if (d.iommuGroup !== null && groups.has(d.iommuGroup)) {
        const list = byGroup.get(d.iommuGroup) ?? [];
        if (!list.includes(t)) byGroup.set(d.iommuGroup, [...list, t]);
      }
    }
  }
  const vmsOf = (ts: Target[]) => [...new Map(ts.map((t) => [t.vm.vmid, t.vm])).values()];
  const reported = new Set<string>();
  for (const [addr, ts] of byDevice) {
    const vms = vmsOf(ts);
    if (vms.length < 2) continue;
    const key = vms.map((v) => v.vmid).join(',');
    reported.add(key);
    const atBoot = vms.filter((v) => v.onboot);
    add(
      atBoot.length > 1 ? 'error' : 'warning',
      addr,
      `used by ${vms.length} VMs (${ts.map((t) => lineName(t.at)).join(', ')}): only one of them can run at a time${atBoot.length > 1 ? `, and ${atBoot.map((v) => v.vmid).join(' and ')} all start at boot: all but the first fail` : ''}`,
      atBoot.length > 1
        ? 'keep start at boot on one of them only, or give each VM its own device'
        : 'fine if they never run together; otherwise give each VM its own device',
      [addr],
    );
  }
  for (const [id, ts] of byGroup) {
    const vms = vmsOf(ts);
    const key = vms.map((v) => v.vmid).join(',');
    if (vms.length < 2 || reported.has(key)) continue;
    const atBoot = vms.filter((v) => v.onboot);
    const addrs = [...new Set(ts.flatMap((t) => t.devices.filter((d) => d.iommuGroup === id).map((d) => d.address)))];
    add(
      atBoot.length > 1 ? 'error' : 'warning',
      `IOMMU group ${id}`,
      `split across VMs ${vms.map((v) => v.vmid).join(', ')} (${addrs.join(', ')}): a group goes to one VM as a whole, so they cannot run at the same time`,
      'give these devices to one VM, or move a card to a slot with its own group',
      addrs,
    );
  }
}

/** One function in two hostpci lines of the same VM: QEMU refuses to start it. */
function checkTwiceInVm(targets: Target[], add: Add) {
  const byVm = new Map<number, Target[]>();
  for (const t of targets) byVm.set(t.vm.vmid, [...(byVm.get(t.vm.vmid) ?? []), t]);
  for (const ts of byVm.values()) {
    const seen = new Map<string, Target>();
    const reported = new Set<string>();
    for (const t of ts) {
      for (const d of t.devices) {
        const first = seen.get(d.address);
        if (!first) {
          seen.set(d.address, t);
          continue;
        }
        if (first === t || reported.has(`${first.at.slot}/${t.at.slot}`)) continue;
        reported.add(`${first.at.slot}/${t.at.slot}`);
        add(
          'error',
          t.at,
          `${d.address} is already in this VM as ${first.at.slot} (${first.entry.raw}): a device twice in one VM, so it will not start`,
          `remove ${t.at.slot} (qm set ${t.vm.vmid} --delete ${t.at.slot}) and set the options you need on ${first.at.slot}`,
          [d.address],
        );
      }
    }
  }
}

/**
 * Reservations by address (our init-top script pins `bind ADDR vendor:device`) that do not hold:
 * no device there any more, another card there (the script leaves it), or the host driver has it.
 */
/** The way back from a bad boot: booted through it, or reservations without it. */
function checkRecovery(s: HostSnapshot, add: Add) {
  const r = recoveryState(s);
  if (r.bootedWithSwitch) {
    add(
      'warning',
      'host',
      `this boot runs with passthrough off (${KILL_SWITCH_WORD}: the recovery boot entry): no device was bound to vfio-pci, so VMs with passthrough devices will not start`,
      'find the reservation that kept the node from booting (manual: When the node does not come back), release it (pve-passthrough apply --release ADDR), then reboot into the normal entry',
    );
  }
  if (r.reservations && r.missing.length) {
    add(
      'warning',
      'host',
      `devices are reserved for vfio-pci but the recovery boot entry is missing (${r.missing.map((p) => `/${p}`).join(', ')}): a bad reservation would leave no way back but a rescue system`,
      'release and reserve one device again with this version (it writes the entry), or add a boot entry by hand with pve-passthrough=off module_blacklist=vfio_pci',
    );
  }
}

function checkAddressReservations(s: HostSnapshot, byAddr: Map<string, PciDevice>, add: Add) {
  const where = `/${OWN.initTop}`;
  for (const e of parseInitTop(s.files[OWN.initTop] ?? null)) {
    const d = byAddr.get(e.address);
    if (!d) {
      add(
        'warning',
        e.address,
        `reserved for vfio-pci by address (${where}), but no device is at ${e.address}: a leftover`,
        `staging any reservation or release here rewrites the script without it (or remove its 'bind ${e.address}' line by hand and run update-initramfs -u -k all)`,
        [e.address],
      );
    } else if (`${d.vendorId}:${d.deviceId}` !== e.id) {
      add(
        'warning',
        d.address,
        `reserved by address for ${e.id}, but ${d.vendorId}:${d.deviceId} (${d.name}) is there now: the boot script leaves it with its host driver`,
        `the card changed: release this reservation and reserve the card you mean`,
        [d.address],
      );
    } else if (d.driver && d.driver !== 'vfio-pci') {
      add(
        'warning',
        d.address,
        `reserved for vfio-pci by address (${where}), but the host driver ${d.driver} has it: no reboot since, or the initramfs predates the script`,
        'reboot (after update-initramfs -u -k all if nothing ran it since the script was written)',
        [d.address],
      );
    }
  }
}

/** Reservations by id that match nothing any more, or that the host driver won anyway. */
function checkVfioIds(s: HostSnapshot, add: Add) {
  const where =
    Object.keys(s.files).find(
      (p) => p.startsWith('etc/modprobe.d/') && /options\s+vfio[-_]pci\s+.*ids=/.test(s.files[p]!),
    ) ?? 'etc/modprobe.d';
  for (const id of s.vfio.ids) {
    const [vendor, device] = id.toLowerCase().split(':');
    const matching = s.devices.filter((d) => d.vendorId === vendor && d.deviceId === device);
    if (!matching.length) {
      add(
        'warning',
        where,
        `vfio-pci ids= lists ${id}, which matches no device on this node: a leftover`,
        `remove ${id} from the ids= line (then update-initramfs -u -k all)`,
      );
      continue;
    }
    for (const d of matching) {
      if (d.driver && d.driver !== 'vfio-pci') {
        const dep = s.vfio.softdeps.some((x) => x.module === d.driver && x.pre.includes('vfio-pci'));
        add(
          'warning',
          d.address,
          `reserved for vfio-pci by id ${id}, but the host driver ${d.driver} has it: ${dep ? 'the initramfs may predate the reservation' : `no 'softdep ${d.driver} pre: vfio-pci', so ${d.driver} wins the race at boot`}`,
          dep
            ? 'run update-initramfs -u -k all and reboot'
            : `add 'softdep ${d.driver} pre: vfio-pci' to /${where === 'etc/modprobe.d' ? 'etc/modprobe.d/vfio.conf' : where}, then update-initramfs -u -k all and reboot`,
          [d.address],
        );
      }
    }
  }
}
