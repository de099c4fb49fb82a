// `list | head -3` on a large host: the reader closes the pipe early; the program must end
// quietly (no EPIPE stack, no message), in a real child process with a real pipe.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLarge } from '../../scripts/gen-large-fixture.ts';
import { LAUNCHER } from '../helpers/pty.ts';
import { removeTree, tempDir } from '../helpers/tree.ts';

let dir: string;
let root: string;
beforeAll(() => {
  dir = tempDir('pvept-pipe-');
  root = join(dir, 'large');
  generateLarge(root, 400, 60);
});
afterAll(() => removeTree(dir));

/** Runs the launcher with stdout a pipe that the reader closes after `keep` bytes (0: before reading anything). */
function runAndClose(
  args: string[],
  keep: number,
): Promise<{ code: number | null; signal: string | null; stderr: string; got: number }> {
  return new Promise((resolve, reject) => {
    // Source through tsx: the same main() as the bundle, without building one under a busy tree.
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PVE_PASSTHROUGH_TSX: '1', NO_COLOR: '1' },
    });
    let stderr = '';
    let got = 0;
    child.stderr.on('data', (c) => (stderr += c));
    if (keep === 0) child.stdout.destroy();
    else
      child.stdout.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= keep) child.stdout.destroy(); // like head: stop reading, close the pipe
      });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, got }));
  });
}

describe('stdout closed early', () => {
  it.each<[string, string[]]>([
    ['list', ['list']],
    ['list --json', ['list', '--json']],
    ['check', ['check']],
  ])(
    '%s | head: no stack, no message, the command exit code',
    async (_what, args) => {
      for (const keep of [0, 100]) {
        const r = await runAndClose([...args, '--root', root], keep);
        expect(r.stderr, `keep ${keep}`).toBe('');
        expect(r.signal).toBe(null);
        expect(r.code).toBe(0);
      }
    },
    60_000,
  );

  it('the output really is larger than a pipe holds, so the write did meet the closed end', async () => {
    const r = await runAndClose(['list', '--root', root], Number.MAX_SAFE_INTEGER);
    expect(r.code).toBe(0);
    expect(r.got).toBeGreaterThan(65536);
  }, 60_000);
});
