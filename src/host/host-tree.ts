// Writes a host root tree from a readable spec, laid out the way the kernel lays out sysfs:
// real device directories under sys/devices, symlinks for sys/bus/pci/devices, iommu_group,
// driver, physfn/virtfnN, net and block; plus proc/ and etc/ files. Used for the fixture hosts,
// the large generated ones and the built-in demo host (so it must stay bundle-safe: node:fs only).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { vfAddresses } from '../model/address.ts';

export interface DeviceSpec {
  addr: string;
  vendor: string;
  device: string;
  /** 6 hex digits: class, subclass, prog-if. */
  cls: string;
  sub?: [string, string];
  rev?: string;
  driver?: string | null;
  /** IOMMU group; omitted when the host has IOMMU off. */
  group?: number;
  /** Address of the upstream bridge, for a realistic sys/devices path. */
  parent?: string;
  numa?: number;
  reset?: string;
  link?: [string, string];
  bootVga?: boolean;
  net?: string[];
  /** The MAC of each interface in `net` (same order); default: one derived from its name. */
  macs?: string[];
  /** Link speed of its network interfaces in Mb/s, as sys/class/net/<if>/speed shows it (default 1000). */
  speed?: number;
  /** Disks behind this controller: names like sda or nvme0n1. */
  disks?: string[];
  sriov?: {
    total: number;
    num: number;
    vfDevice: string;
    vfDriver?: string | null;
    offset?: number;
    stride?: number;
    firstGroup?: number;
    vfNet?: Array<string | null>;
    vfMacs?: Array<string | null>;
  };
}

export interface HostSpec {
  hostname: string;
  cpu: 'intel' | 'amd';
  cmdline: string;
  devices: DeviceSpec[];
  /** Extra files, path relative to the root -> content. */
  files: Record<string, string>;
  /** vmid -> config text. */
  vms: Record<number, string>;
  running: number[];
  /** Canned command answers for the fixture runner (see src/host/fixture-runner.ts). */
  commands: Record<string, { stdout?: string; stderr?: string; exitCode?: number }>;
  /** Optional pci.ids content to place at usr/share/misc/pci.ids. */
  pciIds?: string;
  /**
   * The IOMMU unit as the kernel shows it in sys/class/iommu (`dmar0`, `ivhd0`): on the PCI
   * function `pciAddr` (AMD's IOMMU is one) or virtual; its devices/ links every grouped
   * function the tree starts with.
   */
  iommuUnit?: { name: string; pciAddr?: string };
}

/** Per SR-IOV PF, its spec: what VFs the simulated kernel makes (fixture and demo trees only). */
export const SRIOV_SPECS = '.fixture/sriov.json';

/** The statistics/ files of a network interface the monitor reads (a real one has more). */
export const NET_COUNTER_FILES = [
  'rx_bytes',
  'tx_bytes',
  'rx_packets',
  'tx_packets',
  'rx_errors',
  'tx_errors',
  'rx_dropped',
  'tx_dropped',
] as const;

const hex4 = (s: string) => `0x${s.toLowerCase().padStart(4, '0')}\n`;

/** The 64-byte standard config header, consistent with the ids and class (little endian). */
export function configSpace(d: {
  vendor: string;
  device: string;
  cls: string;
  rev?: string;
  sub?: [string, string];
  bridge?: boolean;
}): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt16LE(parseInt(d.vendor, 16), 0);
  b.writeUInt16LE(parseInt(d.device, 16), 2);
  b.writeUInt16LE(0x0406, 4); // memory + bus master + INTx disable
  b.writeUInt16LE(0x0010, 6); // capabilities list present
  b.writeUInt8(parseInt(d.rev ?? '00', 16), 8);
  b.writeUInt8(parseInt(d.cls.slice(4, 6), 16), 9);
  b.writeUInt8(parseInt(d.cls.slice(2, 4), 16), 10);
  b.writeUInt8(parseInt(d.cls.slice(0, 2), 16), 11);
  b.writeUInt8(d.bridge ? 1 : 0, 14);
  if (!d.bridge && d.sub) {
    b.writeUInt16LE(parseInt(d.sub[0], 16), 0x2c);
    b.writeUInt16LE(parseInt(d.sub[1], 16), 0x2e);
  }
  return b;
}

/** The live VFs of a PF spec as devices of their own (what the kernel creates for sriov_numvfs). */
export function vfSpecs(d: DeviceSpec): Array<DeviceSpec & { physfn: string }> {
  if (!d.sriov) return [];
  const sr = d.sriov;
  return vfAddresses(d.addr, sr.num, sr.offset, sr.stride).map((vf, i) => ({
    addr: vf,
    vendor: d.vendor,
    device: sr.vfDevice,
    cls: d.cls,
    sub: d.sub,
    rev: d.rev,
    driver: sr.vfDriver === undefined ? null : sr.vfDriver,
    parent: d.parent,
    numa: d.numa,
    reset: 'flr',
    physfn: d.addr,
    ...(sr.vfNet?.[i] ? { net: [sr.vfNet[i]!], ...(sr.vfMacs?.[i] ? { macs: [sr.vfMacs[i]!] } : {}) } : {}),
    group: d.group === undefined ? undefined : (sr.firstGroup ?? 1000) + i,
  }));
}

function putFile(root: string, rel: string, content: string | Buffer): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

/** A relative symlink at `rel` to `targetRel`, as the kernel makes them (both root-relative). */
function putLink(root: string, rel: string, targetRel: string): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(relative(dirname(p), join(root, targetRel)), p);
}

/** A spec written into a fresh folder under the system's temporary one (the demo host: committing there is safe). */
export function writeTempHost(spec: HostSpec, prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  writeHostTree(root, spec);
  return root;
}

export function writeHostTree(root: string, spec: HostSpec): void {
  const put = (rel: string, content: string | Buffer) => putFile(root, rel, content);

  // Expand SR-IOV VFs into devices of their own.
  const all: Array<DeviceSpec & { physfn?: string; vfs?: string[] }> = [];
  for (const d of spec.devices) {
    const vfs = vfSpecs(d);
    all.push(d.sriov ? { ...d, vfs: vfs.map((v) => v.addr) } : d, ...vfs);
  }

  const paths = new Map<string, string>();
  const pathOf = (d: DeviceSpec): string => {
    const known = paths.get(d.addr);
    if (known) return known;
    const parent = d.parent ? all.find((p) => p.addr === d.parent) : undefined;
    const base = parent ? pathOf(parent) : `sys/devices/pci${d.addr.slice(0, 4)}:${d.addr.slice(5, 7)}`;
    const p = `${base}/${d.addr}`;
    paths.set(d.addr, p);
    return p;
  };

  for (const d of all)
    writeDevice(root, pathOf(d), d, d.physfn ? pathOf(all.find((p) => p.addr === d.physfn)!) : undefined);
  // What the kernel would create when sriov_numvfs changes (src/host/simulated-kernel.ts).
  const pfs = spec.devices.filter((d) => d.sriov);
  if (pfs.length) put(SRIOV_SPECS, `${JSON.stringify(Object.fromEntries(pfs.map((d) => [d.addr, d])), null, 2)}\n`);
  if (!all.some((d) => d.group !== undefined)) mkdirSync(join(root, 'sys/kernel/iommu_groups'), { recursive: true });
  if (spec.iommuUnit) {
    const u = spec.iommuUnit;
    const owner = u.pciAddr ? spec.devices.find((d) => d.addr === u.pciAddr) : undefined;
    const unitDir = owner ? `${pathOf(owner)}/iommu/${u.name}` : `sys/devices/virtual/iommu/${u.name}`;
    put(`${unitDir}/uevent`, '');
    putLink(root, `sys/class/iommu/${u.name}`, unitDir);
    for (const d of spec.devices) if (d.group !== undefined) putLink(root, `${unitDir}/devices/${d.addr}`, pathOf(d));
  }

  put('proc/cmdline', `${spec.cmdline}\n`);
  put(
    'proc/cpuinfo',
    `processor\t: 0\nvendor_id\t: ${spec.cpu === 'intel' ? 'GenuineIntel' : 'AuthenticAMD'}\nmodel name\t: ${spec.cpu === 'intel' ? 'Intel(R) Xeon(R) CPU' : 'AMD Ryzen 9 5950X 16-Core Processor'}\n`,
  );
  put('etc/hostname', `${spec.hostname}\n`);
  for (const [rel, text] of Object.entries(spec.files)) put(rel, text);
  mkdirSync(join(root, 'etc/pve/qemu-server'), { recursive: true });
  for (const [vmid, text] of Object.entries(spec.vms)) put(`etc/pve/qemu-server/${vmid}.conf`, text);
  spec.running.forEach((vmid, i) => {
    const pid = 4000 + i * 17;
    put(`run/qemu-server/${vmid}.pid`, `${pid}\n`);
    put(`proc/${pid}/cmdline`, `/usr/bin/kvm\0-id\0${vmid}\0`);
  });
  put('.fixture/commands.json', `${JSON.stringify(spec.commands, null, 2)}\n`);
  if (spec.pciIds) put('usr/share/misc/pci.ids', spec.pciIds);
}

/** The function's uevent as the kernel prints it (dev_uevent, then pci_uevent: %X, upper case). */
export function pciUevent(d: Pick<DeviceSpec, 'addr' | 'vendor' | 'device' | 'cls' | 'sub' | 'driver'>): string {
  const up = (h: string, n: number) => h.toUpperCase().padStart(n, '0');
  const [sv, sd] = d.sub ?? ['0000', '0000'];
  const cls = d.cls.padEnd(6, '0');
  return [
    ...(d.driver ? [`DRIVER=${d.driver}`] : []),
    `PCI_CLASS=${parseInt(cls, 16).toString(16).toUpperCase()}`,
    `PCI_ID=${up(d.vendor, 4)}:${up(d.device, 4)}`,
    `PCI_SUBSYS_ID=${up(sv, 4)}:${up(sd, 4)}`,
    `PCI_SLOT_NAME=${d.addr}`,
    `MODALIAS=pci:v${up(d.vendor, 8)}d${up(d.device, 8)}sv${up(sv, 8)}sd${up(sd, 8)}bc${up(cls.slice(0, 2), 2)}sc${up(cls.slice(2, 4), 2)}i${up(cls.slice(4, 6), 2)}`,
    '',
  ].join('\n');
}

/**
 * One PCI function's folder `dir` (root-relative, under sys/devices) with its attributes and
 * links: bus entry, driver, IOMMU group, physfn (`physfnDir`) and virtfnN (siblings), net, block.
 */
export function writeDevice(root: string, dir: string, d: DeviceSpec & { vfs?: string[] }, physfnDir?: string): void {
  const put = (rel: string, content: string | Buffer) => putFile(root, rel, content);
  const link = (rel: string, targetRel: string) => putLink(root, rel, targetRel);
  const bridge = d.cls.startsWith('0604');
  put(`${dir}/vendor`, hex4(d.vendor));
  put(`${dir}/device`, hex4(d.device));
  put(`${dir}/class`, `0x${d.cls}\n`);
  put(`${dir}/revision`, `0x${d.rev ?? '00'}\n`);
  put(`${dir}/subsystem_vendor`, hex4(d.sub?.[0] ?? '0000'));
  put(`${dir}/subsystem_device`, hex4(d.sub?.[1] ?? '0000'));
  put(`${dir}/driver_override`, '(null)\n');
  put(`${dir}/numa_node`, `${d.numa ?? -1}\n`);
  put(`${dir}/config`, configSpace({ ...d, bridge }));
  put(`${dir}/uevent`, pciUevent(d));
  if (d.reset !== undefined) put(`${dir}/reset_method`, `${d.reset}\n`);
  if (d.link) {
    put(`${dir}/current_link_speed`, `${d.link[0]}\n`);
    put(`${dir}/current_link_width`, `${d.link[1]}\n`);
  }
  if (d.cls.startsWith('03')) put(`${dir}/boot_vga`, d.bootVga ? '1\n' : '0\n');
  // Real files in every folder: git does not keep empty ones, and fixtures live in git.
  if (bridge) put(`${dir}/pci_bus/uevent`, '');
  if (d.sriov) {
    put(`${dir}/sriov_totalvfs`, `${d.sriov.total}\n`);
    put(`${dir}/sriov_numvfs`, `${d.sriov.num}\n`);
    put(`${dir}/sriov_offset`, `${d.sriov.offset ?? 16}\n`);
    put(`${dir}/sriov_stride`, `${d.sriov.stride ?? 1}\n`);
    put(`${dir}/sriov_vf_device`, `${d.sriov.vfDevice}\n`); // the kernel prints it without 0x
  }
  link(`sys/bus/pci/devices/${d.addr}`, dir);
  if (d.driver) {
    put(`sys/bus/pci/drivers/${d.driver}/uevent`, `DRIVER=${d.driver}\n`);
    link(`${dir}/driver`, `sys/bus/pci/drivers/${d.driver}`);
  }
  if (d.group !== undefined) {
    link(`${dir}/iommu_group`, `sys/kernel/iommu_groups/${d.group}`);
    link(`sys/kernel/iommu_groups/${d.group}/devices/${d.addr}`, dir);
  }
  if (physfnDir) link(`${dir}/physfn`, physfnDir);
  writeVirtfnLinks(root, dir, d.vfs ?? []);
  for (const [k, nic] of (d.net ?? []).entries()) {
    put(`${dir}/net/${nic}/address`, `${d.macs?.[k] ?? nameMac(nic)}\n`);
    // Link state and counters as the kernel shows them (the monitor reads them; tests rewrite them).
    put(`${dir}/net/${nic}/operstate`, 'up\n');
    put(`${dir}/net/${nic}/speed`, `${d.speed ?? 1000}\n`);
    for (const c of NET_COUNTER_FILES) put(`${dir}/net/${nic}/statistics/${c}`, '0\n');
    link(`sys/class/net/${nic}`, `${dir}/net/${nic}`);
    link(`${dir}/net/${nic}/device`, dir);
  }
  (d.disks ?? []).forEach((disk, i) => {
    const target = disk.startsWith('nvme')
      ? `${dir}/nvme/nvme${i}/${disk}`
      : `${dir}/ata${i + 1}/host${i}/target${i}:0:0/${i}:0:0:0/block/${disk}`;
    put(`${target}/size`, '1953525168\n');
    link(`sys/block/${disk}`, target);
  });
  if (d.driver === 'vfio-pci') put('sys/module/vfio_pci/refcnt', '1\n');
}

/** A distinct, locally administered MAC per interface name (FNV-1a of the name), for specs that give none. */
export function nameMac(name: string): string {
  let h = 0x811c9dc5;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const b = [(h >>> 24) & 0xff, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  return ['02', 'aa', ...b.map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

/** A PF's virtfnN links to its VFs, which sit beside it under the same parent. */
export function writeVirtfnLinks(root: string, pfDir: string, vfs: string[]): void {
  vfs.forEach((vf, i) => putLink(root, `${pfDir}/virtfn${i}`, `${dirname(pfDir)}/${vf}`));
}
