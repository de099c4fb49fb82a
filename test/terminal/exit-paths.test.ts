// Every way out of the full-screen program gives the terminal back: the real launcher in a real
// pseudo-terminal, then q, Ctrl-C, SIGINT, SIGTERM, SIGHUP, a thrown error and an unhandled
// rejection. After the program leaves the alternate screen nothing may draw any more (only
// plain messages, and a cursor-show from Ink's own exit hook).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTER, LEAVE } from '../../src/entry/terminal/session.ts';
import { KEY } from '../helpers/keys.ts';
import { LAUNCHER, runInPty, type PtyRun } from '../helpers/pty.ts';
import { copyFixture, removeTree, tempDir } from '../helpers/tree.ts';

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));
const keep = (d: string) => (trash.push(d), d);

/** What the program wrote after it last left the full screen (cursor-shows dropped); asserts it did leave. */
function afterLeaving(out: string): string {
  const left = out.lastIndexOf(LEAVE);
  expect(left, 'never left the alternate screen').toBeGreaterThan(-1);
  expect(left).toBeGreaterThan(out.lastIndexOf(ENTER));
  const tail = out.slice(left + LEAVE.length).replace(/\x1b\[\?25h/g, '');
  expect(tail, 'something drew after the screen was restored').not.toMatch(/\x1b/);
  return tail;
}

/** Runs the launcher under sh, which prints the exit code and the terminal modes afterwards. */
function runThenStty(args: string[], env: NodeJS.ProcessEnv = {}): PtyRun {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = `${q(process.execPath)} ${q(LAUNCHER)} ${args.map(q).join(' ')}; echo "exit=$?"; stty -a`;
  return runInPty(['-c', cmd], { command: '/bin/sh', env });
}
const sane = (out: string) =>
  /(^|\s)icanon(\s|;)/.test(out) && /(^|\s)echo(\s|;)/.test(out) && !/-icanon|-echo\s/.test(out);

describe('the terminal is restored', () => {
  it('after q: exit 0, cooked mode back (stty), cursor shown', async () => {
    const run = runThenStty(['--root', keep(copyFixture('guide'))]);
    await run.waitFor('IOMMU groups');
    run.write('q');
    await run.exited;
    const out = run.output();
    const tail = afterLeaving(out.slice(0, out.indexOf('exit=')));
    expect(tail.trim()).toBe('');
    expect(out).toMatch(/exit=0\b/);
    expect(sane(out.slice(out.indexOf('exit=')))).toBe(true);
  }, 30_000);

  it('after Ctrl-C (a key in raw mode: quit at once): exit 0', async () => {
    const run = runInPty(['--root', keep(copyFixture('guide'))]);
    await run.waitFor('IOMMU groups');
    run.write(KEY.CTRL_C);
    expect((await run.exited).exitCode).toBe(0);
    afterLeaving(run.output());
  }, 30_000);

  for (const [sig, code, says] of [
    ['SIGINT', 130, true],
    ['SIGTERM', 143, true],
    ['SIGHUP', 129, false], // the SSH session dropped: nobody to tell
  ] as const) {
    it(`after ${sig}: exit ${code}`, async () => {
      const run = runInPty(['--root', keep(copyFixture('guide'))]);
      await run.waitFor('IOMMU groups');
      process.kill(run.pid, sig);
      expect((await run.exited).exitCode).toBe(code);
      const tail = afterLeaving(run.output());
      if (says)
        expect(tail).toContain(
          `pve-passthrough: ${sig}: terminal restored; nothing was applied that was not committed.`,
        );
      else expect(tail.trim()).toBe('');
    }, 30_000);
  }

  for (const how of ['throw', 'reject'] as const) {
    it(`after an uncaught error (${how}): exit 70, cooked mode back, the log's path printed`, async () => {
      const state = keep(tempDir('pvept-state-'));
      const run = runThenStty(['--root', keep(copyFixture('guide'))], {
        PVE_PASSTHROUGH_CRASH_TEST: how,
        XDG_STATE_HOME: state,
      });
      await run.exited;
      const out = run.output();
      expect(out).toMatch(/exit=70\b/);
      const tail = afterLeaving(out.slice(0, out.indexOf('exit=')));
      // The first frame was on screen before the crash.
      expect(out.slice(0, out.lastIndexOf(LEAVE))).toContain('IOMMU groups');
      const log = /Details: (\S+\.log)/.exec(tail)?.[1];
      expect(log).toBe(join(state, 'pve-passthrough', readdirSync(join(state, 'pve-passthrough'))[0]!));
      expect(tail).toContain(`pve-passthrough crashed: crash test (PVE_PASSTHROUGH_CRASH_TEST=${how})`);
      expect(readFileSync(log!, 'utf8')).toMatch(/crashed at .*\n[\s\S]*Error: crash test[\s\S]*\n    at /);
      expect(sane(out.slice(out.indexOf('exit=')))).toBe(true);
    }, 30_000);
  }

  it('on the demo host (not a Proxmox node, no --root): DEMO shown, the temporary copy removed when nothing was committed', async () => {
    const tmp = keep(tempDir('pvept-tmpdir-'));
    const run = runInPty([], { env: { TMPDIR: tmp } });
    const first = await run.waitFor('IOMMU groups');
    expect(first.split('\n')[0]).toContain('DEMO');
    expect(readdirSync(tmp).some((n) => n.startsWith('pve-passthrough-demo-'))).toBe(true);
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
    expect(readdirSync(tmp).filter((n) => n.startsWith('pve-passthrough-demo-'))).toEqual([]);
  }, 30_000);

  it('on the demo host, SIGTERM (process.exit) removes the untouched temporary copy too', async () => {
    const tmp = keep(tempDir('pvept-tmpdir-'));
    const run = runInPty(['--demo'], { env: { TMPDIR: tmp } });
    await run.waitFor('IOMMU groups');
    process.kill(run.pid, 'SIGTERM');
    expect((await run.exited).exitCode).toBe(143);
    expect(readdirSync(tmp).filter((n) => n.startsWith('pve-passthrough-demo-'))).toEqual([]);
  }, 30_000);
});
