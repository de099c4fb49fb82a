// Reads one PCI function from sys/bus/pci/devices/<addr> in a single pass, tolerating missing
// and garbled attributes: what is known is kept, what is wrong becomes a notice.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Notice, PciDevice } from '../model/types.ts';
import { baseName, listDir, readAttr, readLink } from './fsread.ts';

const HEX = /^(?:0x)?([0-9a-fA-F]+)$/;

/** The device folder's listing: attributes not in it are not opened at all (a failed open costs as much as a read). */
type Present = Set<string>;

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

/** A device read without its details, and what reading them later needs (its folder's listing). */
export interface PciCore {
  device: PciDevice;
  has: Present;
}

/** One function's details; `core` is its first pass (the folder's listing is reused). */
export function readPciDetails(devicesDir: string, core: PciCore, notices: Notice[]): PciDetails {
  const addr = core.device.address;
  const dir = join(devicesDir, addr);
  const { has } = core;
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

/** One function without its details (PciDetails stay null until readPciDetails). */
export function readPciCore(devicesDir: string, addr: string, notices: Notice[]): PciCore {
  const dir = join(devicesDir, addr);
  const where = addr;
  const entries = listDir(dir);
  if (!entries.length && !existsSync(dir))
    notices.push({
      where,
      message: `device directory unreadable (dangling link ${join('sys/bus/pci/devices', addr)})`,
    });
  const has: Present = new Set(entries);
  const link = (name: string) => (has.has(name) ? readLink(`${dir}/${name}`) : null);
  const vendorId = hexAttr(dir, has, 'vendor', 4, where, notices, true) ?? UNKNOWN_ID;
  const deviceId = hexAttr(dir, has, 'device', 4, where, notices, true) ?? UNKNOWN_ID;
  const cls = hexAttr(dir, has, 'class', 6, where, notices, true);
  const total = intAttr(dir, has, 'sriov_totalvfs', where, notices);
  const num = intAttr(dir, has, 'sriov_numvfs', where, notices);
  const virtfns = entries
    .filter((e) => /^virtfn\d+$/.test(e))
    .sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
    .map((e) => readLink(`${dir}/${e}`))
    .filter((l): l is string => l !== null)
    .map(baseName);
  const group = link('iommu_group');
  const groupId = group === null ? null : Number(baseName(group));
  const driver = link('driver');
  const physfn = link('physfn');
  const bootVga = intAttr(dir, has, 'boot_vga', where, notices);
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
    driver: driver === null ? null : baseName(driver),
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
    physfn: physfn === null ? null : baseName(physfn),
    virtfns,
    bootVga: bootVga === null ? null : bootVga === 1,
    numaNode: null,
    resetMethods: null,
    link: null,
    netInterfaces: [],
    hostUses: [],
    usedBy: [],
  };
  return { device, has };
}
