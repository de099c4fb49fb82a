// On a fixture or demo tree a commit shows what it would do on a node: writing sriov_numvfs
// makes VFs appear or go (folders, links, groups), and rollback gives the same tree back.
import { readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { openHost } from '../../src/host/open.ts';
import { STATE_DIR } from '../../src/host/state.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import { readAt } from '../helpers/snapshots.ts';
import { copyFixture, fingerprint, removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeTree));

async function applyVfs(root: string, address: string, count: number) {
  const h = openHost({ root });
  const r = await applyPlan(planChanges(await readAt(root), [{ kind: 'vfs', address, count }]), {
    root: h.root,
    runner: h.runner,
    fs: h.fs,
    uid: 0,
  });
  expect(r.ok, r.message).toBe(true);
  return readAt(root);
}

describe('simulated kernel on fixture trees', () => {
  it('a new VF count creates the VFs where the PF says (offset, stride, VF device id), each in its own group', async () => {
    const root = copyFixture('guide');
    roots.push(root);
    const snap = await applyVfs(root, '0000:04:00.1', 3); // had none live
    const pf = snap.devices.find((d) => d.address === '0000:04:00.1')!;
    expect(pf.sriov?.numVfs).toBe(3);
    expect(pf.virtfns).toEqual(['0000:04:0a.0', '0000:04:0a.1', '0000:04:0a.2']);
    const vfs = pf.virtfns.map((a) => snap.devices.find((d) => d.address === a)!);
    expect(vfs.map((v) => [v.physfn, v.deviceId])).toEqual(Array(3).fill(['0000:04:00.1', '154c']));
    expect(new Set(vfs.map((v) => v.iommuGroup)).size).toBe(3);
    expect(readlinkSync(join(root, 'sys/bus/pci/devices/0000:04:0a.0/physfn'))).toBe('../0000:04:00.1');
  });

  it('changing a live count goes through 0 and leaves exactly the new VFs; rollback restores the tree', async () => {
    const root = copyFixture('guide');
    roots.push(root);
    rmSync(join(root, 'run/qemu-server/100.pid')); // VM 100, on a VF of 04:00.0, shut down first
    const before = fingerprint(root, [STATE_DIR]);
    const snap = await applyVfs(root, '0000:04:00.0', 2); // 4 live before
    expect(snap.devices.filter((d) => d.physfn === '0000:04:00.0').map((d) => d.address)).toEqual([
      '0000:04:02.0',
      '0000:04:02.1',
    ]);
    expect(Object.keys(fingerprint(root)).some((p) => p.includes('0000:04:02.3'))).toBe(false);
    const h = openHost({ root });
    expect((await rollback({ root: h.root, runner: h.runner, fs: h.fs, uid: 0 })).ok).toBe(true);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });
});
