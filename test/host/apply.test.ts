import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realFs, type FsOps } from '../../src/host/atomic.ts';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { createFixtureRunner } from '../../src/host/fixture-runner.ts';
import { RecordingRunner } from '../../src/host/runner.ts';
import { STATE_DIR, takeLock } from '../../src/host/state.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import type { Intent } from '../../src/model/types.ts';
import { readAt } from '../helpers/snapshots.ts';
import { copyFixture, fingerprint, removeTree } from '../helpers/tree.ts';

const INTENTS: Intent[] = [
  { kind: 'reserve', address: '0000:03:00.0' },
  { kind: 'reserve', address: '0000:03:00.1' },
  { kind: 'vfs', address: '0000:04:00.0', count: 8 },
  {
    kind: 'assign',
    address: '0000:07:00.0',
    vmid: 102,
    options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
  },
];

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeTree));

async function setup() {
  const root = copyFixture('guide');
  roots.push(root);
  // VM 100 runs on a VF of 04:00.0; the planner wants it shut down before that count changes.
  rmSync(join(root, 'run/qemu-server/100.pid'));
  const snap = await readAt(root);
  return { root, plan: planChanges(snap, INTENTS), before: fingerprint(root, [STATE_DIR]) };
}

/** The fixture runner, but `failOn` exits 1 with some output. */
function failingRunner(root: string, failOn: string) {
  const sim = createFixtureRunner(root);
  const r = new RecordingRunner({
    [failOn]: {
      exitCode: 1,
      stderr: 'update-initramfs: failed for /boot/initrd.img-6.8.12-4-pve: No space left on device',
    },
  });
  return {
    calls: r.calls,
    run: (argv: readonly string[]) => (argv[0] === failOn ? r.run(argv) : sim.run(argv)),
  };
}

describe('apply', () => {
  it('writes every file, runs every step in order, backs up, journals, and rollback restores the tree exactly', async () => {
    const { root, plan, before } = await setup();
    const progress: string[] = [];
    const runner = createFixtureRunner(root);
    const r = await applyPlan(plan, { root, runner, uid: 0, onProgress: (i, s) => progress.push(`${i}:${s}`) });
    expect(r.ok).toBe(true);
    expect(r.rebootRequired).toBe(true);
    expect(progress).toEqual(plan.steps.flatMap((_, i) => [`${i}:running`, `${i}:done`]));
    expect(runner.calls.map((c) => c[0])).toEqual([
      'qm',
      'update-initramfs',
      'proxmox-boot-tool',
      '/etc/kernel/postinst.d/zz-pve-passthrough-recovery',
    ]);
    expect(readFileSync(join(root, 'etc/pve/qemu-server/102.conf'), 'utf8')).toContain(
      'hostpci0: 0000:07:00,pcie=1,x-vga=1',
    );
    expect(readFileSync(join(root, 'sys/bus/pci/devices/0000:04:00.0/sriov_numvfs'), 'utf8')).toBe('8\n');
    expect(readFileSync(join(r.backupDir!, 'files/etc/pve/qemu-server/102.conf'), 'utf8')).toBe(
      plan.edits.find((e) => e.path.endsWith('102.conf'))!.before,
    );
    expect(readFileSync(join(r.backupDir!, 'journal'), 'utf8')).toMatch(/ done\n$/);
    expect(readFileSync(join(root, STATE_DIR, 'history.log'), 'utf8')).toMatch(/\tapply\t.*\tok\n$/);
    expect(planChanges(await readAt(root), INTENTS).steps.filter((s) => s.kind !== 'sysfs')).toEqual([]); // idempotent after apply

    const rb = await rollback({ root, runner, uid: 0 });
    expect(rb.ok).toBe(true);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    expect(readFileSync(join(root, STATE_DIR, 'history.log'), 'utf8')).toMatch(/\trollback\t.*\tok\n$/);
  });

  it('a command failing mid-way puts every file back and names the step and its output', async () => {
    const { root, plan, before } = await setup();
    const r = await applyPlan(plan, { root, runner: failingRunner(root, 'update-initramfs'), uid: 0 });
    expect(r.ok).toBe(false);
    expect(r.failedStep!.description).toBe('update-initramfs -u -k all');
    expect(r.message).toMatch(/Step \d+ of \d+ failed: update-initramfs -u -k all\n.*No space left on device/);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });

  for (const code of ['EACCES', 'ENOSPC']) {
    it(`a write failing with ${code} leaves the files exactly as before`, async () => {
      const { root, plan, before } = await setup();
      let writes = 0;
      const fs: FsOps = {
        ...realFs,
        writeAtomic(path, content, mode) {
          if (++writes === 2) throw Object.assign(new Error(`${code}: simulated, write '${path}'`), { code });
          realFs.writeAtomic(path, content, mode);
        },
      };
      const r = await applyPlan(plan, { root, runner: createFixtureRunner(root), uid: 0, fs });
      expect(r.ok).toBe(false);
      expect(r.message).toContain(code);
      expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    });
  }

  it('refuses while a second instance holds the lock, changing nothing', async () => {
    const { root, plan, before } = await setup();
    const release = await takeLock(root);
    try {
      const r = await applyPlan(plan, { root, runner: createFixtureRunner(root), uid: 0 });
      expect(r.outcome).toBe('refused');
      expect(r.message).toMatch(/another pve-passthrough is applying/);
    } finally {
      await release();
    }
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
    expect((await applyPlan(plan, { root, runner: createFixtureRunner(root), uid: 0 })).ok).toBe(true);
  });

  it('refuses when a VM config changed between plan and apply', async () => {
    const { root, plan } = await setup();
    const conf = join(root, 'etc/pve/qemu-server/102.conf');
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}cores: 16\n`);
    const after = fingerprint(root, [STATE_DIR]);
    const r = await applyPlan(plan, { root, runner: createFixtureRunner(root), uid: 0 });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/102.conf changed since the plan was made; nothing was changed/);
    expect(fingerprint(root, [STATE_DIR])).toEqual(after);
  });

  it('refuses a plan with blocking errors, and non-root on a real node, before anything runs', async () => {
    const { root } = await setup();
    const snap = await readAt(root);
    const blocked = planChanges(snap, [{ kind: 'vfs', address: '0000:04:00.0', count: 99 }]);
    expect((await applyPlan(blocked, { root, runner: createFixtureRunner(root), uid: 0 })).message).toMatch(
      /blocking error/,
    );
    const runner = new RecordingRunner();
    const r = await applyPlan(planChanges(snap, INTENTS), { root: '/', runner, uid: 1000 });
    expect(r.message).toMatch(/not running as root/);
    expect(runner.calls).toEqual([]);
  });

  it('rollback with nothing applied says so', async () => {
    const { root } = await setup();
    const r = await rollback({ root, runner: createFixtureRunner(root), uid: 0 });
    expect(r).toMatchObject({ ok: true, outcome: 'nothing' });
    expect(r.message).toMatch(/^Nothing to roll back: no apply is in effect on this host\.$/);
  });
});
