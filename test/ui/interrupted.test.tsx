// The full-screen program opens with the interrupted apply when one was killed part-way: what it
// was doing, where it stopped, and "Roll it back now", which puts the host back as it was.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { STATE_DIR } from '../../src/host/state.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import { renderFixture, type Harness } from '../helpers/app.tsx';
import { readAt } from '../helpers/snapshots.ts';
import { fingerprint, removeTree, tempDir } from '../helpers/tree.ts';
import { KEY } from '../helpers/keys.ts';

const SNAP = (name: string) => `../../snapshots/${name}.txt`;
const hs: Harness[] = [];
const dirs: string[] = [];
afterEach(() => {
  hs.splice(0).forEach((h) => (h.unmount(), removeTree(h.root)));
  dirs.splice(0).forEach(removeTree);
});

/** Kills an apply (reserve + assign) with SIGKILL as update-initramfs starts; returns the tree before. */
async function killApply(root: string): Promise<Record<string, string>> {
  const before = fingerprint(root, [STATE_DIR]);
  const plan = planChanges(await readAt(root), [
    { kind: 'reserve', address: '0000:03:00.0' },
    {
      kind: 'assign',
      address: '0000:07:00.0',
      vmid: 102,
      options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
    },
  ]);
  const dir = tempDir();
  dirs.push(dir);
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  const at = plan.steps.findIndex((s) => s.kind === 'command' && s.argv[0] === 'update-initramfs');
  const child = join(import.meta.dirname, '../host/apply-child.ts');
  const signal = await promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    child,
    root,
    join(dir, 'plan.json'),
    'apply',
    'step',
    String(at),
  ]).then(
    () => null,
    (e: { signal?: string }) => e.signal,
  );
  expect(signal).toBe('SIGKILL');
  return before;
}

describe('interrupted apply at start', () => {
  it(
    'opens with what was applied and where it stopped; Roll it back now restores the host',
    { timeout: 60_000 },
    async () => {
      let before: Record<string, string> = {};
      const h = await renderFixture('guide', { prepare: async (root) => void (before = await killApply(root)) });
      hs.push(h);
      expect(fingerprint(h.root, [STATE_DIR])).not.toEqual(before);
      const f = await h.waitFor((x) => x.includes('An apply was interrupted'), 'the interrupted dialog');
      expect(f).toMatch(/done {4}1\. create/);
      expect(f).toContain('/etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio');
      expect(f).toMatch(/STOPPED \d+\. update-initramfs -u -k all/);
      await expect(f.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')).toMatchFileSnapshot(SNAP('interrupted-80x24'));
      await h.press(KEY.ENTER);
      const done = await h.waitFor((x) => x.includes('Rolled back the interrupted apply'), 'the rollback result');
      expect(done).toMatch(/Rebuilt the boot files/);
      expect(fingerprint(h.root, [STATE_DIR])).toEqual(before);
      expect(h.store.getState().snapshot.interruptedApply).toBeNull();
    },
  );

  it('Later closes it and changes nothing; a commit is then refused with the reason', { timeout: 60_000 }, async () => {
    const h = await renderFixture('guide', { prepare: async (root) => void (await killApply(root)) });
    hs.push(h);
    await h.waitFor((x) => x.includes('An apply was interrupted'));
    const killed = fingerprint(h.root, [STATE_DIR]);
    await h.press(KEY.RIGHT, KEY.ENTER);
    await h.waitFor((x) => !x.includes('An apply was interrupted'), 'the dialog to close');
    expect(fingerprint(h.root, [STATE_DIR])).toEqual(killed);
    expect(h.store.getState().dialog).toBeNull();
  });
});
