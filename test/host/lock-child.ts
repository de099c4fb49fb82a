// Child process for lock.test.ts. `race ROOT N AT`: N times take the lock (waiting while it is
// held), create a sentinel file that must not exist (O_EXCL), hold a moment, remove it, release;
// counts overlaps (the sentinel already there) and waits; both start at time AT (ms). `die ROOT`: take the lock, SIGKILL itself.
import { closeSync, constants, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockHeld, takeLock } from '../../src/host/state.ts';

const [mode, root, n = '1', at = '0'] = process.argv.slice(2) as [string, string, string?, string?];
if (mode === 'die') {
  await takeLock(root);
  process.stdout.write('locked\n');
  process.kill(process.pid, 'SIGKILL');
}
await sleep(Math.max(0, Number(at) - Date.now()));
let overlaps = 0;
let waits = 0;
for (let i = 0; i < Number(n); i++) {
  let release: (() => Promise<void>) | null = null;
  while (!release) {
    try {
      release = await takeLock(root);
    } catch (e) {
      if (!(e instanceof LockHeld)) throw e;
      waits++;
      await sleep(1);
    }
  }
  const sentinel = join(root, 'holder');
  try {
    closeSync(openSync(sentinel, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY));
  } catch {
    overlaps++;
  }
  await sleep(2);
  try {
    unlinkSync(sentinel);
  } catch {
    overlaps++;
  }
  await release();
}
process.stdout.write(`${overlaps} ${waits}\n`);
