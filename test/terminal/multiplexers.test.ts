// Keys as tmux and GNU screen deliver them (arrows, PgDn, Esc after tmux's escape-time, keys
// arriving in one chunk), and the screen left clean afterwards. Skipped where the multiplexer is
// not installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAUNCHER } from '../helpers/pty.ts';
import { copyFixture, removeTree, tempDir } from '../helpers/tree.ts';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The program, then its exit code, then a pause so the pane can be read after it ends. */
function script(root: string): string {
  // The test runner forces colour for its own snapshots; a real terminal does not.
  return `unset FORCE_COLOR NO_COLOR CI; cd ${q(process.cwd())} && ${q(process.execPath)} ${q(LAUNCHER)} --root ${q(root)}; echo "EXIT=$?"; sleep 20`;
}

async function until(read: () => string, pred: (s: string) => boolean, what: string, ms = 15_000): Promise<string> {
  const t0 = Date.now();
  let s = '';
  while (Date.now() - t0 < ms) {
    s = read();
    if (pred(s)) return s;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
}
const position = (s: string) => /IOMMU groups \(\d+\)\s+(\d+)\/\d+/.exec(s)?.[1];

describe.skipIf(!has('tmux'))('inside tmux', () => {
  const sock = `pvept-test-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', sock, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  afterAll(() => tmux('kill-server'));

  it('arrows, j, PgDn, g, ?, Esc and q work; the screen is clean afterwards', async () => {
    const root = copyFixture('guide');
    trash.push(root);
    const env = ['-e', 'LANG=C.UTF-8'];
    expect(tmux('new-session', '-d', '-s', 'ship', '-x', '80', '-y', '24', ...env, script(root)).status).toBe(0);
    const pane = () => tmux('capture-pane', '-p', '-t', 'ship').stdout;
    const keys = (...k: string[]) => tmux('send-keys', '-t', 'ship', ...k);
    await until(pane, (s) => position(s) === '1', 'the first frame');
    keys('Down');
    await until(pane, (s) => position(s) === '2', 'Down');
    keys('j');
    await until(pane, (s) => position(s) === '3', 'j');
    keys('NPage');
    await until(pane, (s) => Number(position(s)) > 3, 'PgDn');
    keys('g');
    await until(pane, (s) => position(s) === '1', 'g');
    keys('jjj'); // one chunk
    await until(pane, (s) => position(s) === '4', 'jjj in one chunk');
    keys('?');
    await until(pane, (s) => s.includes('Keys (Esc or ? closes)'), 'the help');
    keys('Escape');
    await until(pane, (s) => !s.includes('Keys (Esc or ? closes)'), 'Esc to close the help');
    keys('q');
    const after = await until(pane, (s) => s.includes('EXIT='), 'the exit');
    expect(after.trim()).toBe('EXIT=0');
  }, 40_000);
});

describe.skipIf(!has('screen'))('inside GNU screen (no altscreen: the last frame must not stay behind)', () => {
  const name = `pvept-test-${process.pid}`;
  const dir = tempDir('pvept-screen-');
  trash.push(dir);
  const rc = join(dir, 'screenrc');
  const hardcopy = join(dir, 'hardcopy');
  afterAll(() => spawnSync('screen', ['-S', name, '-X', 'quit']));

  it('arrows (CSI and SS3), PgDn, g and q work; the screen is clean afterwards', async () => {
    const root = copyFixture('guide');
    trash.push(root);
    spawnSync('sh', ['-c', `printf 'defutf8 on\\n' > ${q(rc)}`]);
    const env = 'LANG=C TERM=screen';
    const start = spawnSync('screen', [
      '-c',
      rc,
      '-dmS',
      name,
      'sh',
      '-c',
      `stty cols 80 rows 24; export ${env}; ${script(root)}`,
    ]);
    expect(start.status).toBe(0);
    const read = () => {
      spawnSync('screen', ['-S', name, '-X', 'hardcopy', hardcopy]);
      try {
        return readFileSync(hardcopy, 'latin1');
      } catch {
        return '';
      }
    };
    const stuff = (k: string) => spawnSync('screen', ['-S', name, '-X', 'stuff', k]);
    await until(read, (s) => position(s) === '1', 'the first frame');
    stuff('\x1b[B');
    await until(read, (s) => position(s) === '2', 'Down (CSI B)');
    stuff('\x1bOB');
    await until(read, (s) => position(s) === '3', 'Down (SS3 B, application cursor keys)');
    stuff('\x1b[6~');
    await until(read, (s) => Number(position(s)) > 3, 'PgDn');
    stuff('g');
    await until(read, (s) => position(s) === '1', 'g');
    stuff('q');
    const after = await until(read, (s) => s.includes('EXIT='), 'the exit');
    expect(after.trim()).toBe('EXIT=0');
  }, 40_000);
});
