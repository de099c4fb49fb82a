// npm run build, then what the operator copies to a node: the bundle alone in an empty folder
// (no node_modules anywhere above it) and the standalone executable with no node on PATH. Each
// lists a fixture and opens the TUI on the demo host.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAVE } from '../../src/entry/terminal/session.ts';
import { runInPty } from '../helpers/pty.ts';
import { FIXTURES, removeTree, tempDir } from '../helpers/tree.ts';

const ROOT = join(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const trash: string[] = [];
let out: string; // the build's output folder
let bundle: string; // the bundle, copied alone into an empty folder
let exe: string;
let tmp: string; // TMPDIR for the programs under test: whatever they leave behind shows here
let tmpPreload: string;

beforeAll(() => {
  out = tempDir('pvept-dist-');
  tmp = tempDir('pvept-tmp-');
  const empty = tempDir('pvept-bundle-');
  tmpPreload = tempDir('pvept-preload-');
  trash.push(out, tmp, empty, tmpPreload);
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--out', out], { cwd: ROOT, stdio: 'pipe' });
  bundle = join(empty, 'pve-passthrough.mjs');
  copyFileSync(join(out, 'pve-passthrough.mjs'), bundle);
  exe = join(out, 'pve-passthrough');
}, 120_000);
afterAll(() => trash.forEach(removeTree));

/** A machine without Node: nothing on PATH at all. */
const NO_NODE = { PATH: '/nonexistent' };

async function openDemoAndQuit(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const run = runInPty(args, { command, env: { TMPDIR: tmp, ...env } });
  const first = await run.waitFor('IOMMU groups');
  expect(first.split('\n')[0]).toContain('DEMO');
  run.write('q');
  expect((await run.exited).exitCode).toBe(0);
  expect(run.output()).toContain(LEAVE);
  expect(readdirSync(tmp), 'left behind in TMPDIR').toEqual([]);
}

describe('single-file bundle', () => {
  it('is one executable file with a node shebang, well under 2 MiB', () => {
    expect(readFileSync(bundle, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bundle).mode & 0o111).not.toBe(0);
    expect(statSync(bundle).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('on Node 18 (Debian 12) it says what to do instead of failing somewhere inside', () => {
    const fake18 = join(tmpPreload, 'node18.cjs');
    writeFileSync(
      fake18,
      "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '18.19.0' } });\n",
    );
    const r = spawnSync(process.execPath, ['-r', fake18, bundle, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs Node\.js >= 20 .*standalone executable/);
  });

  it('runs --version and list --root from an empty folder', () => {
    expect(existsSync(join(bundle, '../node_modules'))).toBe(false);
    const v = spawnSync(process.execPath, [bundle, '--version'], { encoding: 'utf8' });
    expect(v.stdout).toBe(`pve-passthrough ${version}\n`);
    const l = spawnSync(process.execPath, [bundle, 'list', '--root', join(FIXTURES, 'guide'), '--json'], {
      encoding: 'utf8',
    });
    expect(l.status).toBe(0);
    expect(JSON.parse(l.stdout).groups.length).toBe(19);
  });

  it('opens the TUI on the demo host (this machine is no Proxmox node) and quits with q', async () => {
    await openDemoAndQuit(process.execPath, [bundle], {});
  }, 30_000);

  it('does not trip over DEV=true in the environment (Ink would look for devtools)', async () => {
    await openDemoAndQuit(process.execPath, [bundle, '--demo'], { DEV: 'true' });
  }, 30_000);
});

describe('standalone executable', () => {
  it('runs --version and list --root with no node on PATH', () => {
    const v = spawnSync(exe, ['--version'], { encoding: 'utf8', env: { ...NO_NODE, TMPDIR: tmp } });
    expect(v.stdout).toBe(`pve-passthrough ${version}\n`);
    const l = spawnSync(exe, ['list', '--root', join(FIXTURES, 'iommu-off')], {
      encoding: 'utf8',
      env: { ...NO_NODE, TMPDIR: tmp },
    });
    expect(l.status).toBe(0);
    expect(l.stdout).toContain('No IOMMU groups (IOMMU is off)');
    expect(readdirSync(tmp), 'the unpacked program is removed').toEqual([]);
  });

  it('opens the TUI on the demo host with no node on PATH, and leaves nothing in TMPDIR', async () => {
    await openDemoAndQuit(exe, [], NO_NODE);
  }, 30_000);
});
