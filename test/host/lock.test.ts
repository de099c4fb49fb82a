// The lock cannot be taken twice, also by two real processes racing for it many times, and a
// dead holder's lock is free at once (the kernel drops it with the process).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { LockHeld, takeLock } from '../../src/host/state.ts';
import { removeTree, tempDir } from '../helpers/tree.ts';

const run = promisify(execFile);
const child = join(import.meta.dirname, 'lock-child.ts');
const root = tempDir();
afterAll(() => removeTree(root));

describe('lock', () => {
  it(
    'two processes racing 40 times each never hold it together, and both had to wait',
    { timeout: 60_000 },
    async () => {
      // Both start racing at the same moment, however long each took to start.
      const at = String(Date.now() + 4000);
      const [a, b] = await Promise.all(
        [0, 1].map(() => run(process.execPath, ['--import', 'tsx', child, 'race', root, '40', at])),
      );
      const [overA, waitA] = a!.stdout.trim().split(' ').map(Number);
      const [overB, waitB] = b!.stdout.trim().split(' ').map(Number);
      expect([overA, overB]).toEqual([0, 0]);
      expect(waitA! + waitB!).toBeGreaterThan(0); // they did contend: the test can fail
    },
  );

  it('is refused in the same process while held, and free again once released', async () => {
    const release = await takeLock(root);
    await expect(takeLock(root)).rejects.toBeInstanceOf(LockHeld);
    await release();
    await (
      await takeLock(root)
    )();
  });

  it('a holder killed with SIGKILL leaves no lock behind', { timeout: 30_000 }, async () => {
    const died = await run(process.execPath, ['--import', 'tsx', child, 'die', root]).then(
      () => 'exited',
      (e: { signal?: string; stdout?: string }) => `${e.signal} ${e.stdout?.trim()}`,
    );
    expect(died).toBe('SIGKILL locked');
    await (
      await takeLock(root)
    )();
  });
});
