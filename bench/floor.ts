// The floor for a scan: a bare synchronous loop that only reads the sysfs files and links the
// reader needs (and the VM configs), with no parsing or model building. Our scan is reported as
// a ratio to this.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const ATTRS = [
  'vendor',
  'device',
  'class',
  'subsystem_vendor',
  'subsystem_device',
  'revision',
  'driver_override',
  'sriov_totalvfs',
  'sriov_numvfs',
  'boot_vga',
  'numa_node',
  'reset_method',
  'current_link_speed',
  'current_link_width',
];
const LINKS = ['driver', 'iommu_group', 'physfn'];

function tryRead(p: string): string | null {
  try {
    return readFileSync(p, 'latin1');
  } catch {
    return null;
  }
}
function tryLink(p: string): string | null {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
}

/** Returns a byte count so the work cannot be optimised away. */
export function floorScan(root: string): number {
  let n = 0;
  const devDir = join(root, 'sys/bus/pci/devices');
  for (const addr of readdirSync(devDir)) {
    const d = join(devDir, addr);
    // Like the reader: one readdir, then only the attributes and links that exist.
    const has = new Set(readdirSync(d));
    for (const a of ATTRS) if (has.has(a)) n += tryRead(join(d, a))?.length ?? 0;
    for (const l of LINKS) if (has.has(l)) n += tryLink(join(d, l))?.length ?? 0;
    for (const e of has) if (e.startsWith('virtfn')) n += tryLink(join(d, e))?.length ?? 0;
  }
  const groups = join(root, 'sys/kernel/iommu_groups');
  try {
    for (const g of readdirSync(groups)) n += readdirSync(join(groups, g, 'devices')).length;
  } catch {
    /* IOMMU off */
  }
  const vmDir = join(root, 'etc/pve/qemu-server');
  try {
    for (const f of readdirSync(vmDir)) n += tryRead(join(vmDir, f))?.length ?? 0;
  } catch {
    /* no VMs */
  }
  return n;
}
