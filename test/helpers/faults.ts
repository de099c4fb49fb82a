// Fault injection through the file-operations seam: every write the apply layer makes (to the
// host and to its own state folder) is counted, and the k-th one (or every one from k on, a disk
// that stays full) fails with an errno, or kills the process for real.
import type { FsOps } from '../../src/host/atomic.ts';

export const WRITE_OPS = ['writeAtomic', 'append', 'remove', 'mkdirp', 'rmdirEmpty', 'writeAttr'] as const;

export interface Faulty {
  fs: FsOps;
  /** Writes attempted so far. */
  count(): number;
  /** Stop failing (space freed). */
  heal(): void;
}

export function withFaults(base: FsOps, at: number, fault: 'ENOSPC' | 'EIO' | 'SIGKILL', persistent = false): Faulty {
  let n = 0;
  let healed = false;
  const fs: FsOps = { ...base };
  for (const op of WRITE_OPS) {
    const real = base[op] as (...a: unknown[]) => unknown;
    (fs as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => {
      const k = n++;
      if (!healed && (k === at || (persistent && k > at))) {
        if (fault === 'SIGKILL') process.kill(process.pid, 'SIGKILL');
        throw Object.assign(
          new Error(`${fault}: ${fault === 'EIO' ? 'i/o error' : 'no space left on device'}, write`),
          { code: fault, syscall: 'write', path: args[0] },
        );
      }
      return real(...args);
    };
  }
  return { fs, count: () => n, heal: () => (healed = true) };
}
