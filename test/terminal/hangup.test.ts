// The SSH session drops: the terminal goes away under the program. It must exit 129 without a
// crash report and without Node aborting at exit (it asserts when it cannot reset a hung-up
// terminal, nodejs/node#51519), whether SIGHUP arrives first or the dead terminal shows first.
import * as pty from 'node-pty';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAUNCHER } from '../helpers/pty.ts';
import { copyFixture, removeTree, tempDir } from '../helpers/tree.ts';

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));
const keep = (d: string) => (trash.push(d), d);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** node-pty's UnixTerminal closes the master side in destroy(), missing from its typings. */
const hangUp = (p: pty.IPty) => (p as pty.IPty & { destroy(): void }).destroy();

function spawn(file: string, args: string[], state: string) {
  const env = { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', XDG_STATE_HOME: state } as Record<
    string,
    string
  >;
  delete env.CI;
  let out = '';
  const p = pty.spawn(file, args, { name: 'xterm-256color', cols: 80, rows: 24, env });
  p.onData((d) => (out += d));
  const exited = new Promise<{ exitCode: number; signal?: number }>((res) => p.onExit(res));
  const firstFrame = async () => {
    for (let t = 0; t < 300 && !out.includes('IOMMU groups'); t++) await sleep(50);
    expect(out).toContain('IOMMU groups');
  };
  return { p, exited, firstFrame };
}

describe('the terminal hangs up', () => {
  it('program leads the session (it gets SIGHUP at once): exit 129, no crash report', async () => {
    const state = keep(tempDir('pvept-state-'));
    const run = spawn(process.execPath, [LAUNCHER, '--root', keep(copyFixture('guide'))], state);
    await run.firstFrame();
    hangUp(run.p); // close the terminal's master side, as sshd does when the connection drops
    expect((await run.exited).exitCode).toBe(129);
    expect(existsSync(join(state, 'pve-passthrough')) ? readdirSync(join(state, 'pve-passthrough')) : []).toEqual([]);
  }, 30_000);

  it('behind a shell that keeps SIGHUP to itself (the dead terminal shows first): exit 129, no crash report', async () => {
    const state = keep(tempDir('pvept-state-'));
    const codeFile = join(state, 'code');
    const q = (s: string) => `'${s}'`;
    const script = `trap '' HUP; ${q(process.execPath)} ${q(LAUNCHER)} --root ${q(keep(copyFixture('guide')))} 2>${q(join(state, 'stderr'))}; echo $? > ${q(codeFile)}`;
    const run = spawn('/bin/sh', ['-c', script], state);
    await run.firstFrame();
    hangUp(run.p);
    for (let t = 0; t < 200 && !existsSync(codeFile); t++) await sleep(50);
    expect(readFileSync(codeFile, 'utf8').trim()).toBe('129');
    expect(readFileSync(join(state, 'stderr'), 'utf8')).not.toMatch(/Assertion failed|crashed/);
    expect(existsSync(join(state, 'pve-passthrough')) ? readdirSync(join(state, 'pve-passthrough')) : []).toEqual([]);
  }, 30_000);
});
