// Every command that documents --json prints only JSON on stdout: on success, on a blocked plan,
// on a refused or unconfirmed apply, and after a real apply (progress goes to stderr).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STATE_DIR, takeLock } from '../../src/host/state.ts';
import { runCli } from '../helpers/cli.ts';
import { copyFixture, FIXTURES, fingerprint, removeTree } from '../helpers/tree.ts';

const GUIDE = join(FIXTURES, 'guide');
const good = ['--reserve', '03:00.0', '--vfs', '04:00.1=2'];
const blocked = ['--vfs', '04:00.0=99'];

const parse = (stdout: string) => {
  expect(stdout.endsWith('}\n'), stdout.slice(0, 80)).toBe(true);
  return JSON.parse(stdout) as Record<string, unknown>;
};

describe('--json: stdout is one JSON document on every path', () => {
  const root = copyFixture('guide');
  afterAll(() => removeTree(root));

  it.each<[string, string[], number]>([
    ['list', ['list', '--root', GUIDE, '--json'], 0],
    ['check (an error: the hand-made mapping)', ['check', '--root', GUIDE, '--json'], 3],
    ['plan', ['plan', '--root', GUIDE, ...good, '--json'], 0],
    ['a blocked plan', ['plan', '--root', GUIDE, ...blocked, '--json'], 3],
  ])('%s', async (_what, args, code) => {
    const r = await runCli(args);
    expect(r.code).toBe(code);
    parse(r.stdout);
  });

  it('plan --json of a blocked plan carries the errors', async () => {
    const j = parse((await runCli(['plan', '--root', GUIDE, ...blocked, '--json'])).stdout) as {
      errors: Array<{ message: string }>;
    };
    expect(j.errors.map((e) => e.message).join()).toMatch(/out of range: 0\.\.32/);
  });

  it('apply --json: dry run, not confirmed (refused, exit 3) and blocked print the plan as JSON and change nothing', async () => {
    const before = fingerprint(root, [STATE_DIR]);
    const dry = await runCli(['apply', '--root', root, ...good, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(parse(dry.stdout)).toMatchObject({
      status: 'dry-run',
      applied: false,
      result: null,
      progress: [],
      plan: { rebootRequired: true },
    });

    const no = await runCli(['apply', '--root', root, ...good, '--json']);
    expect(no.code).toBe(3);
    expect(parse(no.stdout)).toMatchObject({ status: 'not-confirmed', applied: false, result: null });
    expect(no.stderr).toMatch(/add --yes/);

    const bad = await runCli(['apply', '--root', root, ...blocked, '--yes', '--json']);
    expect(bad.code).toBe(3);
    const j = parse(bad.stdout) as { status: string; plan: { errors: Array<{ message: string }> } };
    expect(j.status).toBe('blocked');
    expect(j.plan.errors[0]!.message).toMatch(/out of range/);
    expect(bad.stderr).toMatch(/blocking errors/);
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });

  it('apply --json --yes refused (another apply holds the lock, exit 4): the result as JSON, the reason on stderr', async () => {
    const before = fingerprint(root, [STATE_DIR]);
    const release = await takeLock(root);
    try {
      const r = await runCli(['apply', '--root', root, ...good, '--yes', '--json']);
      expect(r.code).toBe(4);
      const j = parse(r.stdout) as { status: string; applied: boolean; result: { ok: boolean; message: string } };
      expect(j).toMatchObject({ status: 'refused', applied: false, result: { ok: false } });
      expect(j.result.message).toMatch(/another pve-passthrough/);
      expect(r.stderr).toMatch(/^pve-passthrough: .*another pve-passthrough/);
    } finally {
      await release();
    }
    expect(fingerprint(root, [STATE_DIR])).toEqual(before);
  });

  it('apply --json --yes: the result and each step in the JSON, progress lines on stderr only', async () => {
    const r = await runCli(['apply', '--root', root, ...good, '--yes', '--json']);
    expect(r.code).toBe(0);
    const j = parse(r.stdout) as {
      status: string;
      applied: boolean;
      progress: Array<{ step: number; status: string }>;
      result: { ok: boolean; backupDir: string };
    };
    expect(j.status).toBe('applied');
    expect(j.applied).toBe(true);
    expect(j.result.ok).toBe(true);
    expect(j.result.backupDir).toContain('backups');
    expect(j.progress.length).toBeGreaterThan(0);
    expect(j.progress.filter((p) => p.status === 'done').length).toBe(
      j.progress.filter((p) => p.status === 'running').length,
    );
    expect(r.stderr).toMatch(/^\[1\/\d+\] running: /);
  });

  it('apply --json --yes that stops on an error (a folder on its path is a file): still one JSON answer, status failed, exit 1', async () => {
    const broken = copyFixture('guide');
    try {
      rmSync(join(broken, 'etc/initramfs-tools'), { recursive: true, force: true });
      writeFileSync(join(broken, 'etc/initramfs-tools'), 'not a folder\n');
      const r = await runCli(['apply', '--root', broken, '--reserve', '03:00.0', '--yes', '--json']);
      expect(r.code).toBe(1);
      const j = parse(r.stdout) as {
        status: string;
        applied: boolean;
        error: string | null;
        result: { message: string } | null;
      };
      expect(j.status).toBe('failed');
      expect(j.applied).toBe(false);
      expect(j.error ?? j.result?.message).toMatch(
        /etc\/initramfs-tools\/scripts\/init-top\/pve-passthrough-vfio: not a directory \(ENOTDIR\)/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      removeTree(broken);
    }
  });

  it('bad usage with --json prints nothing on stdout', async () => {
    for (const cmd of ['list', 'check', 'plan', 'apply']) {
      const r = await runCli([cmd, '--root', GUIDE, '--json', '-x']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('--yes and --dry-run exclude each other', async () => {
    const r = await runCli(['apply', '--root', root, ...good, '--yes', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes and --dry-run exclude each other/);
  });
});
