// npm run build, then the bundle alone (in an empty folder, no node_modules) and the standalone
// executable (with no node on PATH) each list a fixture and open the TUI on the demo host.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInPty } from '../helpers/pty.ts';
import { FIXTURES, tempDir } from '../helpers/tree.ts';

const ROOT = join(import.meta.dirname, '../..');
let bundle: string;
const exe = join(ROOT, 'dist/pve-passthrough');

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const empty = tempDir('pvept-bundle-');
  bundle = join(empty, 'pve-passthrough.mjs');
  copyFileSync(join(ROOT, 'dist/pve-passthrough.mjs'), bundle);
}, 120_000);

const NO_NODE = { PATH: '/nonexistent' };

describe('single-file bundle', () => {
  it('runs --version and list --root from an empty folder', () => {
    expect(existsSync(join(bundle, '../node_modules'))).toBe(false);
    const v = spawnSync(process.execPath, [bundle, '--version'], { encoding: 'utf8' });
    expect(v.stdout).toMatch(/^pve-passthrough \d+\.\d+\.\d+\n$/);
    const l = spawnSync(process.execPath, [bundle, 'list', '--root', join(FIXTURES, 'guide'), '--json'], { encoding: 'utf8' });
    expect(l.status).toBe(0);
    expect(JSON.parse(l.stdout).groups.length).toBe(19);
  });

  it('opens the TUI on the demo host and quits with q', async () => {
    const run = runInPty([bundle, '--demo'], { command: process.execPath });
    await run.waitFor('DEMO');
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
  }, 30_000);
});

describe('standalone executable', () => {
  it('runs list --root with no node on PATH', () => {
    const l = spawnSync(exe, ['list', '--root', join(FIXTURES, 'iommu-off')], { encoding: 'utf8', env: NO_NODE });
    expect(l.status).toBe(0);
    expect(l.stdout).toContain('No IOMMU groups (IOMMU is off)');
  });

  it('opens the TUI on the demo host with no node on PATH', async () => {
    const run = runInPty(['--demo'], { command: exe, env: NO_NODE });
    await run.waitFor('DEMO');
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
  }, 30_000);
});
