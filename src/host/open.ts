// Chooses the command side for a root: the real machine's commands for `/`, the fixture
// runner (canned answers + simulated commands on the tree) for any other root.
import { resolve } from 'node:path';
import { realFs, type FsOps } from './atomic.ts';
import { createFixtureRunner } from './fixture-runner.ts';
import { simulatedKernelFs } from './simulated-kernel.ts';
import { ExecaRunner, type CommandRunner } from './runner.ts';

export interface HostHandle {
  root: string;
  runner: CommandRunner;
  /** True for a fixture or demo tree: nothing runs on the machine. */
  fixture: boolean;
  /** File operations for apply and rollback; on a fixture tree sysfs writes act as the kernel would. */
  fs: FsOps;
}

export function openHost(opts: { root: string }): HostHandle {
  const root = resolve(opts.root);
  if (root === '/') return { root, runner: new ExecaRunner(), fixture: false, fs: realFs };
  return { root, runner: createFixtureRunner(root), fixture: true, fs: simulatedKernelFs(root) };
}
