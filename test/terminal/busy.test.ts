// A signal during an apply does not cut it off half-way: the session waits for it (the apply
// rolls itself back on failure), then exits with the signal's code.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const child = join(import.meta.dirname, 'busy-child.ts');
const run = (signals: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', child], {
    encoding: 'utf8',
    env: { ...process.env, SIGNALS: signals },
    timeout: 10_000,
  });

describe('signals while an apply runs', () => {
  it('SIGTERM: says so, waits for the apply, exits 143', () => {
    const r = run('SIGTERM');
    expect(r.status).toBe(143);
    expect(r.stdout).toBe(
      'stderr: pve-passthrough: SIGTERM: waiting for the apply in progress to finish (it rolls back on failure)...\nstill running\napply finished\n',
    );
  });

  it('SIGHUP, repeated by the shell: waits quietly, exits 129', () => {
    const r = run('SIGHUP,SIGHUP');
    expect(r.status).toBe(129);
    expect(r.stdout).toBe('still running\napply finished\n');
  });

  it('a second SIGINT: the operator insists, exit at once', () => {
    const r = run('SIGINT,SIGINT');
    expect(r.status).toBe(130);
    expect(r.stdout).not.toContain('apply finished');
  });
});
