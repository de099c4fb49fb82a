import { describe, expect, it } from 'vitest';
import { ExecaRunner, RecordingRunner } from '../../src/host/runner.ts';

describe('RecordingRunner', () => {
  it('records calls and answers by full command line, then by program name', async () => {
    const r = new RecordingRunner({ 'zpool status -P': { stdout: 'pool: rpool\n' }, pvs: { stdout: 'PV\n' } });
    expect((await r.run(['zpool', 'status', '-P'])).stdout).toBe('pool: rpool\n');
    expect((await r.run(['pvs', '--noheadings'])).stdout).toBe('PV\n');
    const missing = await r.run(['qm', 'list']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not available/);
    expect(r.calls).toEqual([['zpool', 'status', '-P'], ['pvs', '--noheadings'], ['qm', 'list']]);
  });
});

describe('ExecaRunner', () => {
  it('passes arguments as an array, never through a shell', async () => {
    const r = await new ExecaRunner().run(['node', '-e', 'process.stdout.write(process.argv[1])', '$(echo hi); rm -rf /']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('$(echo hi); rm -rf /');
  });
  it('reports a missing program as a failed result instead of throwing', async () => {
    const r = await new ExecaRunner().run(['/nonexistent/program-xyz']);
    expect(r.exitCode).not.toBe(0);
  });
});
