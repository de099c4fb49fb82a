// Reads a node (or a fixture tree) rooted at a directory into one HostSnapshot: one pass over
// sysfs, the config files the planner may edit, VMs and mappings. Never throws on bad input:
// what is wrong becomes a Notice saying what and where.
import { describeInterrupted, findInterrupted } from './state.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareAddress, idMatches, normalizeAddress } from '../model/address.ts';
import { groupVerdict } from '../model/isolation.ts';
import { parseModprobe, parseModulesLoad } from '../model/modprobe.ts';
import { createPciNames } from '../model/pci-ids.ts';
import { parsePciMappings } from '../model/pci-mapping.ts';
import type { BootFacts, BootloaderKind, HostSnapshot, Notice, PciDevice, VmConfig } from '../model/types.ts';
import { getKey, hostpciEntries, parseVmConf } from '../model/vmconf.ts';
import { listDir, readBytes, readText, readTextOrError, readTrimmed } from './fsread.ts';
import { PVS, readHostUses, ZPOOL_STATUS } from './host-uses.ts';
import type { CommandRunner, RunResult } from './runner.ts';
import { startClusterRead } from './cluster.ts';
import { readPciDetails, readPciFunctions } from './sysfs.ts';
import { readVfInfo } from './vf-info.ts';

/** Config files of ours that the planner reads back to stay idempotent. */
export const OWN_FILES = [
  'etc/kernel/cmdline',
  'etc/default/grub',
  'etc/modules',
  'etc/initramfs-tools/modules',
  'etc/pve-passthrough/vfio-pci.addresses',
  'etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio',
  'etc/udev/rules.d/70-pve-passthrough-sriov.rules',
  'etc/grub.d/42_pve-passthrough-recovery',
  'etc/kernel/postinst.d/zz-pve-passthrough-recovery',
  'etc/kernel/postrm.d/zz-pve-passthrough-recovery',
  'etc/pve/mapping/pci.cfg',
  // The trial boot (src/model/plan/trial.ts): its files, and the boot loader's settings.
  'etc/systemd/system/pve-passthrough-trial.service',
  'etc/pve-passthrough/trial-confirm',
  'etc/pve-passthrough/trial.env',
  'boot/grub/grubenv',
  'etc/kernel/proxmox-boot-pin',
  'etc/kernel/next-boot-pin',
];

/** Where Debian (pciutils) and hwdata keep pci.ids, relative to a root. */
export const PCI_IDS_PATHS = ['usr/share/misc/pci.ids', 'usr/share/hwdata/pci.ids'];

/**
 * The running system's pci.ids, for a root tree that has none of its own (a copy of a node's
 * sysfs on a workstation). PVE_PASSTHROUGH_SYSTEM_PCI_IDS (colon-separated paths, empty: none)
 * overrides it, so tests read the same names on every machine.
 */
export function systemPciIdsPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const o = env.PVE_PASSTHROUGH_SYSTEM_PCI_IDS;
  return o === undefined ? PCI_IDS_PATHS.map((p) => `/${p}`) : o.split(':').filter(Boolean);
}

/** The root's own pci.ids (on a node, root `/`: the system's), else the first system file found. */
export function readPciIds(root: string, systemPaths: readonly string[]): Buffer | null {
  for (const rel of PCI_IDS_PATHS) {
    const t = readBytes(join(root, rel));
    if (t !== null) return t;
  }
  for (const p of systemPaths) {
    const t = readBytes(p);
    if (t !== null) return t;
  }
  return null;
}

export interface ReadOptions {
  /** Absolute paths of pci.ids files to use when the root has none (default: systemPciIdsPaths()). */
  systemPciIds?: readonly string[];
  /** Ends the second pass's commands (pvesh, ip) still running: the TUI has quit. */
  signal?: AbortSignal;
}

/** Everything in one go: what `list`, `check`, `plan` and `apply` read. */
export async function readHost(root: string, runner: CommandRunner, opts: ReadOptions = {}): Promise<HostSnapshot> {
  return (await read(root, runner, opts, false)).snapshot;
}

export interface TwoPassRead {
  /**
   * Everything but the attributes only the details pane shows (PciDetails: null in every
   * device); IOMMU group members from the devices' own links (the groups' lists: in details()).
   */
  snapshot: HostSnapshot;
  /**
   * The second pass: reads the details and returns a new snapshot equal to what readHost gives
   * (new device objects and notices; `snapshot` itself is left as it was). Never rejects.
   */
  details(): Promise<HostSnapshot>;
}

/**
 * The TUI's read: its first frame needs no details, and on a 2,000-function host they are about
 * a third of the sysfs reads; nor the check of each IOMMU group's own device list against the
 * devices' links (1,700 folder listings there), which only a broken tree fails; nor the VFs'
 * live settings (`ip`), nor the other cluster nodes' devices (`pvesh`, hundreds of ms a node:
 * the mapping dialog and the details pane show them). The second pass reuses the first pass's
 * folder listings; the pvesh calls start with the first.
 */
export function readHostInTwo(root: string, runner: CommandRunner, opts: ReadOptions = {}): Promise<TwoPassRead> {
  return read(root, runner, opts, true);
}

const DMESG = ['dmesg'] as const;

/** Devices (or IOMMU groups) the second pass reads between two turns of the event loop. */
export const DETAILS_SLICE = 200;
const turn = () => new Promise((res) => setImmediate(res));

async function read(
  root: string,
  given: CommandRunner,
  opts: ReadOptions,
  deferDetails: boolean,
): Promise<TwoPassRead> {
  // The commands run while sysfs is read: on a node they are processes of their own (pvs alone
  // may take a tenth of a second), and they were run one after the other after the sysfs pass.
  const runner = startEarly(given, [ZPOOL_STATUS, PVS, DMESG]);
  // The other cluster nodes' devices (one pvesh process per node) are asked for now as well.
  const nodeName = (readTrimmed(join(root, 'etc/hostname')) ?? '').split('.')[0] || 'localhost';
  const clusterRead = startClusterRead(root, runner, nodeName, opts.signal);
  await turn(); // lets them spawn (the runner loads execa first)
  const notices: Notice[] = [];
  const files: Record<string, string> = {};
  const keep = (rel: string): string | null => {
    const r = readTextOrError(join(root, rel));
    if (typeof r === 'string') {
      files[rel] = r;
      return r;
    }
    if (r.code !== 'ENOENT' && r.code !== 'ENOTDIR') notices.push({ where: rel, message: `cannot read (${r.code})` });
    return null;
  };
  for (const rel of OWN_FILES) keep(rel);
  for (const dir of ['etc/modprobe.d', 'etc/modules-load.d']) {
    for (const f of listDir(join(root, dir)).sort()) if (f.endsWith('.conf')) keep(`${dir}/${f}`);
  }
  // Other writers of SR-IOV VF counts (admin udev rules, units, post-up lines), which a VF plan
  // adopts, and the host's network set-up on VF interfaces.
  for (const [dir, ext] of [
    ['etc/udev/rules.d', '.rules'],
    ['etc/systemd/system', '.service'],
    ['etc/network/interfaces.d', ''],
  ] as const) {
    for (const f of listDir(join(root, dir)).sort()) if (f.endsWith(ext) && !f.startsWith('.')) keep(`${dir}/${f}`);
  }
  keep('etc/network/interfaces');
  // grub-mkconfig sources these after etc/default/grub (GRUB_DEFAULT for the trial boot).
  for (const f of listDir(join(root, 'etc/default/grub.d')).sort())
    if (f.endsWith('.cfg')) keep(`etc/default/grub.d/${f}`);

  const cmdline = (readText(join(root, 'proc/cmdline')) ?? '').trim();
  const cpuinfo = readText(join(root, 'proc/cpuinfo')) ?? '';
  const cpuVendor = /GenuineIntel/.test(cpuinfo) ? 'intel' : /AuthenticAMD/.test(cpuinfo) ? 'amd' : null;

  // Devices, one pass.
  const devDir = join(root, 'sys/bus/pci/devices');
  if (!existsSync(devDir))
    notices.push({ where: 'sys/bus/pci/devices', message: 'missing: no PCI devices can be listed' });
  const names = createPciNames(readPciIds(root, opts.systemPciIds ?? systemPciIdsPaths()));
  const cores = readPciFunctions(devDir, listDir(devDir).sort(compareAddress), notices);
  const devices: PciDevice[] = cores.map((c) => c.device);
  // The details' notices, then the group lists', sit right after the first pass's device
  // notices, in either mode.
  const detailNoticesAt = notices.length;
  if (!deferDetails) for (const c of cores) Object.assign(c.device, readPciDetails(devDir, c, notices));
  for (const d of devices) {
    d.vendorName = names.vendor(d.vendorId);
    d.deviceName = names.device(d.vendorId, d.deviceId);
    d.className = names.className(d.classId);
    d.name = d.deviceName ?? `${d.className ?? `Class ${d.classId}`} [${d.vendorId}:${d.deviceId}]`;
  }

  // IOMMU groups: the kernel's list of them; members from each device's own link in the first
  // pass, checked against each group's own list of devices in the second (readHost: both now).
  const groupsDir = join(root, 'sys/kernel/iommu_groups');
  const groupNames = listDir(groupsDir).filter((g) => Number.isInteger(Number(g)));
  const groupMembers = deferDetails
    ? membersByLink(groupNames, devices)
    : listedMembers(groupsDir, groupNames, devices, notices);
  // Which IOMMU the firmware has (its ACPI table; the file is root-only, existence is enough)
  // and whether the kernel drives it: not the CPU vendor.
  const tables = join(root, 'sys/firmware/acpi/tables');
  const tableFile = existsSync(join(tables, 'DMAR')) ? 'DMAR' : existsSync(join(tables, 'IVRS')) ? 'IVRS' : null;
  const units = listDir(join(root, 'sys/class/iommu')).sort();
  const iommuEnabled = groupMembers.size > 0 || units.length > 0;

  const uses = await readHostUses(
    root,
    runner,
    cmdline,
    devices.filter((d) => d.bootVga).map((d) => d.address),
  );
  for (const d of devices) {
    d.hostUses = uses.uses.get(d.address) ?? [];
    d.netInterfaces = uses.netByAddress.get(d.address) ?? [];
  }

  // The VF settings' notices sit here in either mode.
  const vfNoticesAt = notices.length;
  const vf = deferDetails ? {} : await readVfInfo(root, runner, devices, notices);

  const mappings =
    files['etc/pve/mapping/pci.cfg'] !== undefined ? parsePciMappings(files['etc/pve/mapping/pci.cfg']!, notices) : [];
  const vms = readVms(root, files, notices);
  linkVmRefs(devices, vms, mappings, nodeName);

  const groups = verdicts(groupMembers);

  // vfio state at boot.
  const modprobe = Object.entries(files)
    .filter(([p]) => p.startsWith('etc/modprobe.d/'))
    .map(([, t]) => parseModprobe(t));
  const modulesAtBoot = Object.entries(files)
    .filter(([p]) => p.startsWith('etc/modules-load.d/') || p === 'etc/modules')
    .flatMap(([, t]) => parseModulesLoad(t));

  // The TUI's first frame takes the membership; the other nodes' devices come with the details.
  const cluster = deferDetails ? clusterRead.members : await clusterRead.full;
  const dmesg = await runner.run(DMESG);
  // A tree without the table files (a partial copy of a node) may still have the kernel log,
  // which lists the ACPI tables at boot: `ACPI: DMAR 0x000000007B7E7000 0000A8 (v01 ...)`.
  const firmware =
    tableFile ??
    (dmesg.exitCode !== 0
      ? null
      : /ACPI: DMAR 0x/.test(dmesg.stdout)
        ? 'DMAR'
        : /ACPI: IVRS 0x/.test(dmesg.stdout)
          ? 'IVRS'
          : null);
  const remap =
    dmesg.exitCode === 0
      ? /IRQ remapping|Interrupt remapping enabled|x2apic enabled|Enabled IRQ remapping/i.test(dmesg.stdout)
      : null;

  const snapshot: HostSnapshot = {
    root,
    nodeName,
    cluster,
    isProxmox: existsSync(join(root, 'etc/pve')),
    cpuVendor,
    iommu: {
      enabled: iommuEnabled,
      firmware,
      units,
      cmdline,
      interruptRemapping: remap,
      acsOverride: /pcie_acs_override=(\S+)/.exec(cmdline)?.[1] ?? null,
    },
    bootloader: { ...detectBootloader(root, files), facts: readBootFacts(root) },
    vfio: {
      moduleLoaded: existsSync(join(root, 'sys/module/vfio_pci')),
      modulesAtBoot: [...new Set(modulesAtBoot)],
      ids: [...new Set(modprobe.flatMap((m) => m.ids))],
      softdeps: modprobe.flatMap((m) => m.softdeps),
      blacklist: modprobe.flatMap((m) => m.blacklist),
    },
    devices,
    groups,
    vms,
    mappings,
    files,
    notices,
    ...vf,
    interruptedApply: interruptedApply(root),
  };
  const details = async (): Promise<HostSnapshot> => {
    if (!deferDetails) return snapshot;
    // The ip processes first, the sysfs reads while they run.
    const vfNotices: Notice[] = [];
    const vfRead = readVfInfo(root, runner, devices, vfNotices, { signal: opts.signal }).catch((e: unknown) => {
      vfNotices.push({ where: 'ip', message: `VF settings not read: ${(e as Error).message}` });
      return {};
    });
    // In slices, with the event loop turned in between: on a 2,000-function host this pass is
    // ~150 ms of reads right after the first frame, and keys pressed then are answered at once.
    const more: Notice[] = [];
    const all: PciDevice[] = [];
    for (let i = 0; i < devices.length; i += DETAILS_SLICE) {
      for (let k = i; k < Math.min(i + DETAILS_SLICE, devices.length); k++)
        all.push({ ...devices[k]!, ...readPciDetails(devDir, cores[k]!, more) });
      await turn();
    }
    const members = new Map<number, PciDevice[]>();
    for (let i = 0; i < groupNames.length; i += DETAILS_SLICE) {
      for (const [id, m] of listedMembers(groupsDir, groupNames.slice(i, i + DETAILS_SLICE), all, more))
        members.set(id, m);
      await turn();
    }
    const groups = verdicts(members);
    const vfLater = await vfRead;
    return {
      ...snapshot,
      ...vfLater,
      cluster: await clusterRead.full,
      devices: all,
      groups,
      notices: [
        ...notices.slice(0, detailNoticesAt),
        ...more,
        ...notices.slice(detailNoticesAt, vfNoticesAt),
        ...vfNotices,
        ...notices.slice(vfNoticesAt),
      ],
    };
  };
  return { snapshot, details };
}

/**
 * A runner whose answers to `argvs` are on their way already: each command is started now and
 * its result handed to the first run() that asks for it (same argv, no options); anything else
 * runs as usual.
 */
function startEarly(runner: CommandRunner, argvs: ReadonlyArray<readonly string[]>): CommandRunner {
  const started = new Map<string, Promise<RunResult>>();
  for (const argv of argvs) {
    let p: Promise<RunResult>;
    try {
      p = runner.run(argv);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.catch(() => {}); // awaited where it is used; until then a failure is not "unhandled"
    started.set(argv.join('\0'), p);
  }
  return {
    run(argv, opts) {
      const key = argv.join('\0');
      const p = opts === undefined ? started.get(key) : undefined;
      if (p) started.delete(key);
      return p ?? runner.run(argv, opts);
    },
  };
}

const verdicts = (members: Map<number, PciDevice[]>) =>
  [...members.entries()].sort((a, b) => a[0] - b[0]).map(([id, m]) => groupVerdict(id, m));

/**
 * Each listed group's members as the devices' iommu_group links name them: no folder listing per
 * group (1,700 of them on a 2,000-function host). What the listings would give on any node whose
 * kernel is consistent; listedMembers checks that after the first frame.
 */
function membersByLink(groupNames: string[], devices: PciDevice[]): Map<number, PciDevice[]> {
  const members = new Map<number, PciDevice[]>(groupNames.map((g) => [Number(g), []]));
  for (const d of devices) if (d.iommuGroup !== null) members.get(d.iommuGroup)?.push(d);
  return members;
}

/**
 * Each group's members as the group's own folder lists them (sys/kernel/iommu_groups/N/devices);
 * the device's own link must agree, and what does not is a notice. Members in device order (the
 * folder's order is the file system's), as membersByLink gives them.
 */
function listedMembers(
  groupsDir: string,
  groupNames: string[],
  devices: PciDevice[],
  notices: Notice[],
): Map<number, PciDevice[]> {
  const at = new Map(devices.map((d, i) => [d.address, i]));
  const members = new Map<number, PciDevice[]>();
  for (const g of groupNames) {
    const id = Number(g);
    const listed: PciDevice[] = [];
    for (const addr of listDir(join(groupsDir, g, 'devices'))) {
      const i = at.get(addr);
      if (i === undefined) {
        notices.push({
          where: `sys/kernel/iommu_groups/${g}/devices/${addr}`,
          message: 'group lists a device that sys/bus/pci/devices does not have',
        });
        continue;
      }
      const d = devices[i]!;
      if (d.iommuGroup !== null && d.iommuGroup !== id)
        notices.push({ where: addr, message: `iommu_group link says ${d.iommuGroup}, group ${id} lists it` });
      d.iommuGroup = id;
      listed.push(d);
    }
    members.set(
      id,
      listed.sort((a, b) => at.get(a.address)! - at.get(b.address)!),
    );
  }
  return members;
}

/** An apply killed part-way (power cut, kill -9) on this root, found from its marker. */
function interruptedApply(root: string): HostSnapshot['interruptedApply'] {
  try {
    const i = findInterrupted(root);
    if (!i) return null;
    const m = i.record?.manifest;
    return {
      message: describeInterrupted(i),
      running: i.running,
      time: m?.time ?? i.marker.started,
      summary: m?.summary ?? '',
      steps: m?.steps ?? [],
      lastStep: i.record?.lastStep ?? -1,
    };
  } catch {
    return null; // an unreadable state folder must not stop the reader
  }
}

function detectBootloader(root: string, files: Record<string, string>): { kind: BootloaderKind; path: string | null } {
  // proxmox-boot-tool keeps the ESPs it manages here; those boot from etc/kernel/cmdline even
  // with GRUB (legacy BIOS on ZFS), so it wins over etc/default/grub.
  if (existsSync(join(root, 'etc/kernel/proxmox-boot-uuids')) && files['etc/kernel/cmdline'] !== undefined) {
    return { kind: 'systemd-boot', path: 'etc/kernel/cmdline' };
  }
  if (files['etc/default/grub'] !== undefined) return { kind: 'grub', path: 'etc/default/grub' };
  if (files['etc/kernel/cmdline'] !== undefined) return { kind: 'systemd-boot', path: 'etc/kernel/cmdline' };
  return { kind: 'unknown', path: null };
}

/** The systemd-boot vendor GUID of the Boot Loader Interface's EFI variables. */
const LOADER_GUID = '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f';

/** An EFI variable from efivarfs: 4 bytes of attributes, then a NUL-terminated UTF-16LE string. */
export function readEfiString(root: string, name: string): string | null {
  let b: Buffer;
  try {
    b = readFileSync(join(root, 'sys/firmware/efi/efivars', `${name}-${LOADER_GUID}`));
  } catch {
    return null;
  }
  if (b.length < 4) return null;
  return b.subarray(4).toString('utf16le').replace(/\0+$/, '');
}

/** Newest first: numeric parts compared as numbers (6.8.12-10-pve after 6.8.12-4-pve). */
export function compareKernels(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return ny - nx;
    return y < x ? -1 : 1;
  }
  return 0;
}

function readBootFacts(root: string): BootFacts {
  let grubMount: BootFacts['grubMount'] = null;
  for (const line of (readText(join(root, 'proc/mounts')) ?? '').split('\n')) {
    const [source, mountPoint, fstype] = line.split(' ');
    if (!source || !mountPoint || !fstype) continue;
    const inside = mountPoint === '/' || '/boot/grub' === mountPoint || '/boot/grub'.startsWith(`${mountPoint}/`);
    if (inside && (!grubMount || mountPoint.length >= grubMount.mountPoint.length))
      grubMount = { source, fstype, mountPoint };
  }
  const kernels = listDir(join(root, 'boot'))
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .sort(compareKernels);
  return {
    grubMount,
    efiLoader: readEfiString(root, 'LoaderInfo'),
    entryDefault: readEfiString(root, 'LoaderEntryDefault'),
    entryOneShot: readEfiString(root, 'LoaderEntryOneShot'),
    kernels,
  };
}

function readVms(root: string, files: Record<string, string>, notices: Notice[]): VmConfig[] {
  const dir = 'etc/pve/qemu-server';
  const vms: VmConfig[] = [];
  // Which VMs have a pid file, from one listing: a failed open per stopped VM cost an exception
  // each (333 of the 500 VMs of the 2,000-function bench host).
  const pidFiles = new Set(listDir(join(root, 'run/qemu-server')));
  for (const f of listDir(join(root, dir))) {
    const m = /^(\d+)\.conf$/.exec(f);
    if (!m) continue;
    const path = `${dir}/${f}`;
    const r = readTextOrError(join(root, path));
    const vmNotices: Notice[] = [];
    let text = '';
    if (typeof r === 'string') {
      text = r;
      files[path] = r;
    } else {
      vmNotices.push({ where: path, message: `cannot read (${r.code}); VM listed without its settings` });
    }
    const { doc, notices: parseNotices } = parseVmConf(text, path);
    vmNotices.push(...parseNotices);
    const vmid = Number(m[1]);
    const pid = pidFiles.has(`${vmid}.pid`) ? readTrimmed(join(root, `run/qemu-server/${vmid}.pid`)) : null;
    const running = pid !== null && /^\d+$/.test(pid) && existsSync(join(root, 'proc', pid));
    const hostpci = hostpciEntries(doc);
    for (const h of hostpci) {
      for (const id of h.hosts) {
        if (!normalizeAddress(id))
          vmNotices.push({ where: path, message: `hostpci${h.index}: '${id}' is not a PCI address` });
      }
    }
    vms.push({
      vmid,
      path,
      name: getKey(doc, 'name') ?? null,
      running,
      machine: getKey(doc, 'machine') ?? null,
      bios: getKey(doc, 'bios') ?? null,
      hasEfidisk: getKey(doc, 'efidisk0') !== undefined,
      onboot: getKey(doc, 'onboot') === '1',
      hostpci,
      notices: vmNotices,
    });
    notices.push(...vmNotices);
  }
  return vms.sort((a, b) => a.vmid - b.vmid);
}

function linkVmRefs(devices: PciDevice[], vms: VmConfig[], mappings: HostSnapshot['mappings'], node: string) {
  const mapPaths = new Map<string, string[]>();
  for (const m of mappings) {
    mapPaths.set(
      m.id,
      m.maps.filter((x) => x.node === null || x.node === node).flatMap((x) => x.path),
    );
  }
  // Index by slot so 60 VMs x 400 functions stays cheap.
  const bySlot = new Map<string, PciDevice[]>();
  for (const d of devices) {
    const s = d.address.replace(/\.[0-7]$/, '');
    bySlot.set(s, [...(bySlot.get(s) ?? []), d]);
  }
  for (const vm of vms) {
    for (const h of vm.hostpci) {
      const ids = h.mapping ? (mapPaths.get(h.mapping) ?? []) : h.hosts;
      for (const id of ids) {
        const n = normalizeAddress(id);
        if (!n) continue;
        for (const d of bySlot.get(n.replace(/\.[0-7]$/, '')) ?? []) {
          if (idMatches(n, d.address) && !d.usedBy.some((u) => u.vmid === vm.vmid && u.slot === `hostpci${h.index}`)) {
            d.usedBy.push({ vmid: vm.vmid, slot: `hostpci${h.index}`, running: vm.running, mapping: h.mapping });
          }
        }
      }
    }
  }
}
