import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFixtureRunner } from '../../src/host/fixture-runner.ts';
import { ExecaRunner, RecordingRunner } from '../../src/host/runner.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeTree));

describe('fixture runner', () => {
  it("a fixture's canned answers win over the simulated commands, so a test can make update-grub or qm fail", async () => {
    const root = copyFixture('guide');
    roots.push(root);
    mkdirSync(join(root, '.fixture'), { recursive: true });
    writeFileSync(
      join(root, '.fixture/commands.json'),
      JSON.stringify({
        'update-grub': { exitCode: 1, stderr: 'grub-probe: error' },
        'qm set 102 --delete hostpci0': { exitCode: 255, stderr: 'VM is locked (backup)' },
      }),
    );
    const r = createFixtureRunner(root);
    expect(await r.run(['update-grub'])).toMatchObject({ exitCode: 1, stderr: 'grub-probe: error' });
    expect(await r.run(['qm', 'set', '102', '--delete', 'hostpci0'])).toMatchObject({ exitCode: 255 });
    expect((await r.run(['update-initramfs', '-u', '-k', 'all'])).exitCode).toBe(0); // still simulated
  });
});

describe('RecordingRunner', () => {
  it('records calls and answers by full command line, then by program name', async () => {
    const r = new RecordingRunner({ 'zpool status -P': { stdout: 'pool: rpool\n' }, pvs: { stdout: 'PV\n' } });
    expect((await r.run(['zpool', 'status', '-P'])).stdout).toBe('pool: rpool\n');
    expect((await r.run(['pvs', '--noheadings'])).stdout).toBe('PV\n');
    const missing = await r.run(['qm', 'list']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toMatch(/not available/);
    expect(r.calls).toEqual([
      ['zpool', 'status', '-P'],
      ['pvs', '--noheadings'],
      ['qm', 'list'],
    ]);
  });
});

describe('ExecaRunner', () => {
  it('passes arguments as an array, never through a shell', async () => {
    const r = await new ExecaRunner().run([
      'node',
      '-e',
      'process.stdout.write(process.argv[1])',
      '$(echo hi); rm -rf /',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('$(echo hi); rm -rf /');
  });
  it('an aborted signal ends the command at once, as a failed result', async () => {
    const stop = new AbortController();
    const running = new ExecaRunner().run(['sleep', '30'], { signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    const r = await running; // would take 30 s without the signal (the test's own limit is 5)
    expect(r.exitCode).not.toBe(0);
  });

  it('reports a missing program as a failed result instead of throwing', async () => {
    const r = await new ExecaRunner().run(['/nonexistent/program-xyz']);
    expect(r.exitCode).not.toBe(0);
  });
});
