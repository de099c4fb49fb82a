// The reader starts its host commands (zpool, pvs, dmesg) before it reads sysfs, so on a node
// they run while it reads, instead of one after the other after the sysfs pass.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHost, readHostInTwo } from '../../src/host/reader.ts';
import type { CommandRunner, RunResult } from '../../src/host/runner.ts';
import { FIXTURES } from '../helpers/tree.ts';

const HELD = new Set(['zpool', 'pvs', 'dmesg']);

/**
 * Answers zpool, pvs and dmesg only when the test says so, and records them; any other command
 * (the VF settings' `ip`) fails at once, as where it is not installed.
 */
function heldRunner() {
  const calls: string[] = [];
  const pending = new Map<string, { resolve: (r: RunResult) => void; reject: (e: Error) => void }>();
  const runner: CommandRunner = {
    run: (argv) =>
      new Promise<RunResult>((resolve, reject) => {
        if (!HELD.has(argv[0]!)) return resolve({ argv: [...argv], exitCode: 127, stdout: '', stderr: 'not here\n' });
        calls.push(argv.join(' '));
        pending.set(argv[0]!, { resolve, reject });
      }),
  };
  const answer = (cmd: string, stdout = '', exitCode = 0) =>
    pending.get(cmd)!.resolve({ argv: [cmd], exitCode, stdout, stderr: '' });
  return { runner, calls, pending, answer };
}
const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('host commands while sysfs is read', () => {
  it('starts zpool, pvs and dmesg at once, each once, and uses their answers', async () => {
    const h = heldRunner();
    const reading = readHostInTwo(join(FIXTURES, 'guide'), h.runner);
    await ticks();
    // All three asked for before any has answered (they used to run one after the other).
    expect(h.calls).toEqual(['zpool status -P', 'pvs --noheadings -o pv_name,vg_name', 'dmesg']);
    h.answer('zpool', '');
    h.answer('pvs', '');
    h.answer('dmesg', 'DMAR-IR: Enabled IRQ remapping in x2apic mode\n');
    const { snapshot } = await reading;
    expect(snapshot.iommu.interruptRemapping).toBe(true);
    expect(h.calls).toHaveLength(3);
  });

  it('a command that fails fails the read, as before, and is never an unhandled rejection', async () => {
    const h = heldRunner();
    const reading = readHost(join(FIXTURES, 'guide'), h.runner);
    await ticks();
    h.pending.get('pvs')!.reject(new Error('pvs crashed'));
    await ticks(); // vitest fails the run on an unhandled rejection in between
    h.answer('zpool');
    h.answer('dmesg');
    await expect(reading).rejects.toThrow('pvs crashed');
  });
});
