// Reads one PCI function from sys/bus/pci/devices/<addr> in a single pass, tolerating missing
// and garbled attributes: what is known is kept, what is wrong becomes a notice.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Notice, PciDevice } from '../model/types.ts';
import { baseName, listDir, readAttr, readLink } from './fsread.ts';

const HEX = /^(?:0x)?([0-9a-fA-F]+)$/;

/**
 * Whether the folder has an attribute: from its listing, or one stat where the folder was not
 * listed. Attributes it lacks are not opened at all (a failed open costs as much as a read).
 */
interface Present {
  has(name: string): boolean;
}

function hexAttr(
  dir: string,
  has: Present,
  name: string,
  digits: number,
  where: string,
  notices: Notice[],
  required: boolean,
): string | null {
  const raw = has.has(name) ? readAttr(`${dir}/${name}`) : null;
  if (raw === null) {
    if (required) notices.push({ where, message: `missing attribute '${name}'` });
    return null;
  }
  const m = HEX.exec(raw);
  if (!m || m[1]!.length > digits) {
    notices.push({ where, message: `garbled attribute '${name}': ${JSON.stringify(raw.slice(0, 20))}` });
    return null;
  }
  return m[1]!.toLowerCase().padStart(digits, '0');
}

function intAttr(dir: string, has: Present, name: string, where: string, notices: Notice[]): number | null {
  const raw = has.has(name) ? readAttr(`${dir}/${name}`) : null;
  if (raw === null) return null;
  if (!/^-?\d+$/.test(raw)) {
    notices.push({ where, message: `garbled attribute '${name}': ${JSON.stringify(raw.slice(0, 20))}` });
    return null;
  }
  return Number(raw);
}

/** What a PCI function's uevent says (the kernel's pci_uevent and dev_uevent). */
export interface PciUevent {
  vendor: string;
  device: string;
  /** Class, subclass and prog-if: six hex digits. */
  cls: string;
  /** The bound driver's name (DRIVER=, present only while one is bound). */
  driver: string | null;
}

/**
 * `PCI_ID=8086:10FB`, `PCI_CLASS=20000` (printed with %X: no leading zeros), `DRIVER=ixgbe`: the
 * same fields of the kernel's struct pci_dev as the vendor, device and class attributes and the
 * driver link. Null unless both the ids and the class are there and well formed.
 */
export function parseUevent(text: string | null): PciUevent | null {
  if (text === null) return null;
  const ids = /^PCI_ID=([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})$/m.exec(text);
  const cls = /^PCI_CLASS=([0-9A-Fa-f]{1,6})$/m.exec(text);
  if (!ids || !cls) return null;
  return {
    vendor: ids[1]!.toLowerCase(),
    device: ids[2]!.toLowerCase(),
    cls: cls[1]!.toLowerCase().padStart(6, '0'),
    driver: /^DRIVER=(\S+)$/m.exec(text)?.[1] ?? null,
  };
}

/**
 * Every function of `addrs` (in address order), first pass. Each VF's PF comes from the PFs'
 * virtfn links, read anyway: no physfn link read per VF (1,400 on the 2,000-function bench
 * host), and no SR-IOV check for a function a PF already named (a PF comes before its VFs in
 * address order). A VF that no PF names reads its own link.
 */
export function readPciFunctions(devicesDir: string, addrs: readonly string[], notices: Notice[]): PciCore[] {
  const pfOf = new Map<string, string>();
  const cores = addrs.map((addr) => {
    const c = readPciCore(devicesDir, addr, notices, pfOf.has(addr));
    for (const v of c.device.virtfns) pfOf.set(v, addr);
    return c;
  });
  for (const c of cores) {
    const addr = c.device.address;
    const link = join(devicesDir, addr, 'physfn');
    const own = pfOf.get(addr) ?? ((c.listed ? c.listed.has('physfn') : existsSync(link)) ? readLink(link) : null);
    c.device.physfn = own === null ? null : baseName(own);
  }
  return cores;
}

/** Unreadable ids are reported as this, so JSON consumers always get 4 characters. */
export const UNKNOWN_ID = '????';

/**
 * What only the details pane shows (subsystem ids, revision, NUMA node, link speed and width,
 * reset methods, driver_override): the TUI reads these after its first frame (reader.ts,
 * readHostInTwo). No verdict, row or plan depends on them; checks.ts looks at reset methods
 * (an empty list), and the store computes its findings again when the details arrive.
 */
export type PciDetails = Pick<
  PciDevice,
  'subsystemVendorId' | 'subsystemDeviceId' | 'revision' | 'numaNode' | 'link' | 'resetMethods' | 'driverOverride'
>;

/** A device read without its details, and what reading them later needs (its folder's listing, if read). */
export interface PciCore {
  device: PciDevice;
  listed: Set<string> | null;
}

/** One function's details; `core` is its first pass (the folder's listing is reused). */
export function readPciDetails(devicesDir: string, core: PciCore, notices: Notice[]): PciDetails {
  const addr = core.device.address;
  const dir = join(devicesDir, addr);
  const has = core.listed ?? new Set(listDir(dir));
  const speed = has.has('current_link_speed') ? readAttr(`${dir}/current_link_speed`) : null;
  const width = has.has('current_link_width') ? readAttr(`${dir}/current_link_width`) : null;
  const reset = has.has('reset_method') ? readAttr(`${dir}/reset_method`) : null;
  const override = has.has('driver_override') ? readAttr(`${dir}/driver_override`) : null;
  return {
    subsystemVendorId: hexAttr(dir, has, 'subsystem_vendor', 4, addr, notices, false),
    subsystemDeviceId: hexAttr(dir, has, 'subsystem_device', 4, addr, notices, false),
    revision: hexAttr(dir, has, 'revision', 2, addr, notices, false),
    numaNode: intAttr(dir, has, 'numa_node', addr, notices),
    link: speed || width ? { speed, width } : null,
    resetMethods: reset ? reset.split(/\s+/) : null,
    driverOverride: override && override !== '(null)' ? override : null,
  };
}

/**
 * One function without its details (PciDetails stay null until readPciDetails); its physfn is
 * set by readPciFunctions. On a kernel's sysfs the uevent holds the ids, the class and the driver, so
 * the folder is not listed: 5 system calls for most functions instead of 13. A tree without
 * uevents (a copy of a node) is listed and read attribute by attribute, each with its notice.
 */
function readPciCore(devicesDir: string, addr: string, notices: Notice[], knownVf = false): PciCore {
  const dir = join(devicesDir, addr);
  const where = addr;
  const ev = parseUevent(readAttr(`${dir}/uevent`));
  let listed = ev ? null : new Set(listDir(dir));
  if (listed && !listed.size && !existsSync(dir))
    notices.push({
      where,
      message: `device directory unreadable (dangling link ${join('sys/bus/pci/devices', addr)})`,
    });
  const has: Present = { has: (name) => (listed ? listed.has(name) : existsSync(`${dir}/${name}`)) };
  const vendorId = ev?.vendor ?? hexAttr(dir, has, 'vendor', 4, where, notices, true) ?? UNKNOWN_ID;
  const deviceId = ev?.device ?? hexAttr(dir, has, 'device', 4, where, notices, true) ?? UNKNOWN_ID;
  const cls = ev ? ev.cls : hexAttr(dir, has, 'class', 6, where, notices, true);
  // Only an endpoint can have SR-IOV (the kernel's sriov_init): not a VF (`knownVf`: a PF read
  // earlier names it), not a PCI bridge. One stat saved per such function on a uevent tree.
  const total =
    listed || !(knownVf || ev?.cls.startsWith('0604')) ? intAttr(dir, has, 'sriov_totalvfs', where, notices) : null;
  // An SR-IOV PF is listed after all: its virtfn links, and the rest of its SR-IOV attributes.
  if (total !== null) listed ??= new Set(listDir(dir));
  const num = total === null ? null : intAttr(dir, has, 'sriov_numvfs', where, notices);
  const virtfns = !listed
    ? []
    : [...listed]
        .filter((e) => /^virtfn\d+$/.test(e))
        .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
        .map((e) => readLink(`${dir}/${e}`))
        .filter((l): l is string => l !== null)
        .map(baseName);
  const group = !listed || listed.has('iommu_group') ? readLink(`${dir}/iommu_group`) : null;
  const groupId = group === null ? null : Number(baseName(group));
  const driver = ev ? ev.driver : listed!.has('driver') ? readLink(`${dir}/driver`) : null;
  const bootVga = cls?.startsWith('03') || listed ? intAttr(dir, has, 'boot_vga', where, notices) : null;
  const classId = cls ? cls.slice(0, 4) : '0000';
  const device: PciDevice = {
    address: addr,
    vendorId,
    deviceId,
    classId,
    progIf: cls ? cls.slice(4, 6) : null,
    subsystemVendorId: null,
    subsystemDeviceId: null,
    revision: null,
    vendorName: null,
    deviceName: null,
    className: null,
    name: '',
    driver: driver === null ? null : ev ? driver : baseName(driver),
    driverOverride: null,
    iommuGroup: groupId !== null && Number.isFinite(groupId) ? groupId : null,
    isBridge: classId === '0604' || classId === '0600',
    sriov:
      total !== null
        ? {
            totalVfs: total,
            numVfs: num ?? 0,
            offset: intAttr(dir, has, 'sriov_offset', where, notices),
            stride: intAttr(dir, has, 'sriov_stride', where, notices),
            vfDeviceId: hexAttr(dir, has, 'sriov_vf_device', 4, where, notices, false),
          }
        : null,
    physfn: null, // linkPhysfns, once every PF's virtfn links are read
    virtfns,
    bootVga: bootVga === null ? null : bootVga === 1,
    numaNode: null,
    resetMethods: null,
    link: null,
    netInterfaces: [],
    hostUses: [],
    usedBy: [],
  };
  return { device, listed };
}
