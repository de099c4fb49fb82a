// What the kernel does when a fixture or demo tree's sysfs is written to, so a commit there
// shows its effect as it would on a node: writing sriov_numvfs makes the virtual functions
// appear (or go), with their device folders, virtfnN / physfn links and IOMMU groups, laid out
// exactly as the tree's writer lays out live VFs (so a rollback gives the same tree back).
// Only for fixture roots (openHost picks it); on `/` the real kernel does this.
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { SRIOV_SPECS, vfSpecs, writeDevice, writeVirtfnLinks, type DeviceSpec } from './host-tree.ts';
import { realFs, type FsOps } from './atomic.ts';

// The apply layer writes through the resolved path (sys/devices/.../<addr>/sriov_numvfs).
const NUMVFS = /\/([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\/sriov_numvfs$/;

export function simulatedKernelFs(root: string): FsOps {
  return {
    ...realFs,
    writeAttr(path, value) {
      realFs.writeAttr(path, value);
      const m = NUMVFS.exec(path);
      if (m && path.startsWith(`${root}/`)) setVfCount(root, m[1]!, Number(value.trim()));
    },
  };
}

/** Removes the PF's VFs and makes `count` new ones from the tree's spec of that PF. */
export function setVfCount(root: string, pf: string, count: number): void {
  let specs: Record<string, DeviceSpec>;
  try {
    specs = JSON.parse(readFileSync(join(root, SRIOV_SPECS), 'utf8')) as Record<string, DeviceSpec>;
  } catch {
    return; // a tree not written from a spec: the attribute alone changes
  }
  const spec = specs[pf];
  if (!spec?.sriov || !Number.isInteger(count) || count < 0) return;
  const realRoot = realpathSync(root);
  const pfDir = realpathSync(join(root, 'sys/bus/pci/devices', pf));

  for (const e of readdirSync(pfDir).filter((x) => /^virtfn\d+$/.test(x))) {
    const dir = join(pfDir, readlinkSync(join(pfDir, e)));
    const addr = basename(dir);
    if (existsSync(join(dir, 'iommu_group'))) {
      const group = realpathSync(join(dir, 'iommu_group'));
      rmSync(join(group, 'devices', addr), { force: true });
      removeIfEmpty(join(group, 'devices'));
      removeIfEmpty(group);
    }
    rmSync(join(root, 'sys/bus/pci/devices', addr), { force: true });
    // A VF's host interface goes with it.
    for (const nic of existsSync(join(dir, 'net')) ? readdirSync(join(dir, 'net')) : [])
      rmSync(join(root, 'sys/class/net', nic), { force: true });
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(pfDir, e), { force: true });
  }

  const vfs = vfSpecs({ ...spec, sriov: { ...spec.sriov, num: count } });
  const pfRel = relative(realRoot, pfDir);
  for (const vf of vfs) writeDevice(root, join(dirname(pfRel), vf.addr), vf, pfRel);
  writeVirtfnLinks(
    root,
    pfRel,
    vfs.map((v) => v.addr),
  );
}

function removeIfEmpty(dir: string): void {
  try {
    if (!readdirSync(dir).length) rmdirSync(dir);
  } catch {
    // not there
  }
}
