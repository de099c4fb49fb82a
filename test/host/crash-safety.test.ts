// Fault injection: a representative multi-step plan (reserve by address, a VF count through 0, a
// VM assignment, boot flags) applied on a copy of the guide host, failed at every point there
// is: a failing command at each command step, ENOSPC / EIO at each write through the
// file-operations seam (once, and from there on like a disk that stays full), and a real SIGKILL
// of an apply child process at each step and at each write. After each, either the tree equals
// the original byte for byte, or the next start reports the interrupted apply and its rollback
// makes it equal (and is itself safe to kill and re-run).
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, rollback } from '../../src/host/apply.ts';
import { openHost } from '../../src/host/open.ts';
import { RecordingRunner } from '../../src/host/runner.ts';
import { findInterrupted, listRecords, STATE_DIR } from '../../src/host/state.ts';
import { REFRESH_COMMANDS } from '../../src/model/plan/describe.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import type { Intent, Plan } from '../../src/model/types.ts';
import { withFaults } from '../helpers/faults.ts';
import { readAt } from '../helpers/snapshots.ts';
import { copyFixture, fingerprint, removeTree, tempDir } from '../helpers/tree.ts';

const run = promisify(execFile);

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
const CMDLINE = 'etc/kernel/cmdline';

/** A guide copy whose boot command line lacks the IOMMU flags (the kernel runs with them). */
function prepare(): string {
  const root = copyFixture('guide');
  rmSync(join(root, 'run/qemu-server/100.pid')); // VM 100 runs on a VF of 04:00.0
  writeFileSync(join(root, CMDLINE), 'root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet\n');
  return root;
}

/**
 * The planner's plan plus, where it has none, the boot-flag part it makes on a node whose
 * command line lacks them: the cmdline edit among the writes, `proxmox-boot-tool refresh` last.
 */
async function representativePlan(root: string): Promise<Plan> {
  const plan = planChanges(await readAt(root), INTENTS);
  expect(plan.errors).toEqual([]);
  const before = readFileSync(join(root, CMDLINE), 'utf8');
  const hasCmdline = plan.edits.some((e) => e.path === CMDLINE);
  const edits = hasCmdline
    ? plan.edits
    : [
        ...plan.edits,
        {
          path: CMDLINE,
          before,
          after: before.replace('quiet', 'quiet intel_iommu=on iommu=pt'),
          reason: 'IOMMU on',
          writer: 'direct' as const,
        },
      ];
  const writes = plan.steps.filter((s) => s.kind === 'write');
  const rest = plan.steps.filter((s) => s.kind !== 'write');
  const hasRefresh = rest.some((s) => s.kind === 'command' && s.argv[0] === 'proxmox-boot-tool');
  return {
    ...plan,
    edits,
    steps: [
      ...writes,
      ...(hasCmdline ? [] : [{ kind: 'write' as const, editIndex: edits.length - 1 }]),
      ...rest,
      ...(hasRefresh
        ? []
        : [{ kind: 'command' as const, argv: ['proxmox-boot-tool', 'refresh'], reason: 'boot entries' }]),
    ],
    rebootRequired: true,
  };
}

let template: string;
let plan: Plan;
let original: Record<string, string>;
let planFile: string;
const scratch: string[] = [];

let child: string;

/** The child bundled once (esbuild): a plain-JS child starts several times faster than through tsx. */
async function bundleChild(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = join(dir, 'apply-child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'apply-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'silent',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return out;
}

const spawnChild = (root: string, action: 'apply' | 'rollback', where: 'step' | 'write', k: number) =>
  run(process.execPath, [child, root, planFile, action, where, String(k)]).then(
    () => 'exited',
    (e: { signal?: string }) => e.signal,
  );

beforeAll(async () => {
  template = prepare();
  plan = await representativePlan(template);
  original = fingerprint(template, [STATE_DIR]);
  const dir = tempDir();
  scratch.push(dir);
  planFile = join(dir, 'plan.json');
  child = await bundleChild(dir);
  writeFileSync(planFile, JSON.stringify(plan));
});
afterAll(() => [template, ...scratch].forEach(removeTree), 120_000);

function fresh(): string {
  const root = prepare();
  scratch.push(root);
  expect(fingerprint(root, [STATE_DIR])).toEqual(original);
  return root;
}

/**
 * Either nothing changed; or the apply reached its commit point (then it is simply applied, and
 * rollback undoes it); or the next start sees the interrupted apply and rollback repairs it.
 */
async function expectWholeOrRecoverable(root: string, label: string): Promise<'untouched' | 'applied' | 'recovered'> {
  try {
    const found = findInterrupted(root);
    if (JSON.stringify(fingerprint(root, [STATE_DIR])) === JSON.stringify(original) && !found) return 'untouched';
    const applied = !found && listRecords(root).at(-1)?.status === 'applied';
    expect(found || applied, `${label}: the host changed but no interrupted apply is reported`).toBeTruthy();
    const h = openHost({ root });
    const r = await rollback({ root: h.root, runner: h.runner, fs: h.fs, uid: 0 });
    expect(r.outcome, `${label}: ${r.message}`).toBe('ok');
    expect(fingerprint(root, [STATE_DIR]), label).toEqual(original);
    expect(findInterrupted(root), label).toBeNull();
    return applied ? 'applied' : 'recovered';
  } finally {
    removeTree(root);
  }
}

/** Long loops of mostly synchronous file work: let the test runner's messages through. */
const yieldToRunner = () => new Promise((r) => setImmediate(r));

function countWrites(): Promise<number> {
  const root = fresh();
  const h = openHost({ root });
  const f = withFaults(h.fs, -1, 'EIO');
  return applyPlan(plan, { root, runner: h.runner, fs: f.fs, uid: 0 }).then((r) => {
    expect(r.outcome).toBe('ok');
    return f.count();
  });
}

describe('crash safety: fault injection at every point of a multi-step apply', () => {
  it('the representative plan has every kind of step', () => {
    const kinds = plan.steps.map((s) => (s.kind === 'command' ? s.argv[0] : s.kind));
    expect(kinds).toEqual(expect.arrayContaining(['write', 'sysfs', 'qm', 'update-initramfs', 'proxmox-boot-tool']));
    expect(kinds.filter((k) => k === 'write').length).toBeGreaterThanOrEqual(3);
    expect(plan.edits.map((e) => e.path)).toContain(CMDLINE);
  });

  it(
    'a failing command at each command step: the tree comes back whole, the boot files are rebuilt',
    { timeout: 60_000 },
    async () => {
      const commandSteps = plan.steps.flatMap((s, i) => (s.kind === 'command' ? [i] : []));
      for (const i of commandSteps) {
        const root = fresh();
        const h = openHost({ root });
        const failOn = (plan.steps[i] as { argv: string[] }).argv.join(' ');
        const runner = new RecordingRunner({ [failOn]: { exitCode: 1, stderr: 'simulated failure' } });
        const calls: string[] = [];
        const r = await applyPlan(plan, {
          root,
          uid: 0,
          fs: h.fs,
          runner: {
            run: (argv, o) => (
              calls.push(argv.join(' ')),
              argv.join(' ') === failOn && calls.filter((c) => c === failOn).length === 1
                ? runner.run(argv, o)
                : h.runner.run(argv, o)
            ),
          },
        });
        expect(r.outcome).toBe('failed');
        expect(fingerprint(root, [STATE_DIR]), failOn).toEqual(original);
        expect(findInterrupted(root)).toBeNull();
        // Refresh commands that had run (or were running) are run again after the restore, in order.
        const refreshBefore = plan.steps
          .slice(0, i + 1)
          .flatMap((s) => (s.kind === 'command' && REFRESH_COMMANDS.has(s.argv[0]!) ? [s.argv.join(' ')] : []));
        // ...between the commands that undo what begun steps did outside the files (ESP entries).
        const begun = plan.steps.slice(0, i + 1).flatMap((s) => (s.kind === 'command' ? [s] : []));
        const first = begun.flatMap((s) => (s.undoFirst ? [s.undoFirst.join(' ')] : [])).reverse();
        const last = begun.flatMap((s) => (s.undoLast ? [s.undoLast.join(' ')] : []));
        expect(calls.slice(calls.indexOf(failOn) + 1), failOn).toEqual([...first, ...refreshBefore, ...last]);
        if (refreshBefore.length) expect(r.message).toMatch(/Rebuilt the boot files from the restored configuration/);
      }
    },
  );

  it('when proxmox-boot-tool fails after update-initramfs ran, both run again and the message says so', async () => {
    const root = fresh();
    const h = openHost({ root });
    let bootTool = 0;
    const calls: string[] = [];
    const r = await applyPlan(plan, {
      root,
      uid: 0,
      fs: h.fs,
      runner: {
        run: async (argv, o) => {
          calls.push(argv.join(' '));
          if (argv[0] === 'proxmox-boot-tool' && bootTool++ === 0)
            return { argv: [...argv], exitCode: 1, stdout: '', stderr: 'E: /dev/sda2: mount failed' };
          return h.runner.run(argv, o);
        },
      },
    });
    expect(r.outcome).toBe('failed');
    expect(calls.slice(-2)).toEqual(['update-initramfs -u -k all', 'proxmox-boot-tool refresh']);
    expect(r.message).toMatch(
      /Rebuilt the boot files from the restored configuration: update-initramfs -u -k all, proxmox-boot-tool refresh\./,
    );
    expect(fingerprint(root, [STATE_DIR])).toEqual(original);
  });

  it('a refresh that fails again is named with what to run by hand; the files are back all the same', async () => {
    const root = fresh();
    const h = openHost({ root });
    const r = await applyPlan(plan, {
      root,
      uid: 0,
      fs: h.fs,
      runner: {
        run: async (argv, o) =>
          argv[0] === 'proxmox-boot-tool'
            ? { argv: [...argv], exitCode: 1, stdout: '', stderr: 'mount failed' }
            : h.runner.run(argv, o),
      },
    });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(
      /The boot files may still hold the new configuration: run by hand: proxmox-boot-tool refresh/,
    );
    expect(r.nextSteps).toContain('Run: proxmox-boot-tool refresh');
    expect(fingerprint(root, [STATE_DIR])).toEqual(original);
  });

  // The errno does not change the path through the code; what matters is once vs. a disk that stays broken.
  for (const [fault, persistent] of [
    ['ENOSPC', false],
    ['EIO', true],
  ] as const) {
    {
      it(
        `${fault} at every write${persistent ? ', and at every write after it until the fault is cleared (a full or failing disk)' : ''}`,
        { timeout: 300_000 },
        async () => {
          const writes = await countWrites();
          expect(writes).toBeGreaterThan(20);
          const outcomes = { untouched: 0, applied: 0, recovered: 0 };
          for (let k = 0; k < writes; k++) {
            await yieldToRunner();
            const root = fresh();
            const h = openHost({ root });
            const f = withFaults(h.fs, k, fault, persistent);
            const r = await applyPlan(plan, { root, runner: h.runner, fs: f.fs, uid: 0 });
            if (r.outcome !== 'ok') {
              expect(r.message, `write ${k}`).toContain(fault);
              expect(r.message, `write ${k}: names the path`).toMatch(/cannot write \/\S+/);
            }
            f.heal();
            // An apply that reached its commit point stays applied (a failed history line is only a note).
            if (r.outcome === 'ok') expect(findInterrupted(root)).toBeNull();
            outcomes[await expectWholeOrRecoverable(root, `${fault} at write ${k}`)]++;
          }
          if (persistent) expect(outcomes.recovered).toBeGreaterThan(0); // a full disk defeats the in-process undo too
        },
      );
    }
  }

  it('a real SIGKILL of the apply process at every step and at every write', { timeout: 300_000 }, async () => {
    const writes = await countWrites();
    const points = [
      ...plan.steps.map((_, i) => ['step', i] as const),
      ...Array.from({ length: writes }, (_, k) => ['write', k] as const),
    ];
    const seen = { untouched: 0, applied: 0, recovered: 0 };
    for (const [where, k] of points) {
      await yieldToRunner();
      const root = fresh();
      expect(await spawnChild(root, 'apply', where, k), `${where} ${k}`).toBe('SIGKILL');
      seen[await expectWholeOrRecoverable(root, `SIGKILL at ${where} ${k}`)]++;
    }
    expect(seen.recovered).toBeGreaterThan(plan.steps.length - 1);
  });

  it('recovery itself can be killed at any write and run again', { timeout: 300_000 }, async () => {
    // Interrupted at the last step: the most to put back.
    const killAt = plan.steps.length - 1;
    const probe = fresh();
    await spawnChild(probe, 'apply', 'step', killAt);
    const h = openHost({ root: probe });
    const f = withFaults(h.fs, -1, 'EIO');
    expect((await rollback({ root: probe, runner: h.runner, fs: f.fs, uid: 0 })).outcome).toBe('ok');
    removeTree(probe);
    for (let k = 0; k < f.count(); k++) {
      const root = fresh();
      expect(await spawnChild(root, 'apply', 'step', killAt)).toBe('SIGKILL');
      expect(await spawnChild(root, 'rollback', 'write', k), `rollback killed at write ${k}`).toBe('SIGKILL');
      await expectWholeOrRecoverable(root, `rollback killed at write ${k}`);
    }
  });
});
