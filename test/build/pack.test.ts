// What an npm user gets: `npm pack` (its prepack builds the bundle), then `npm install -g` of the
// tarball into a fresh prefix, offline. The installed commands must run the prebuilt bundle with
// plain node: no build step, no TypeScript loader, no node_modules of their own.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEAVE } from '../../src/entry/terminal/session.ts';
import { runInPty } from '../helpers/pty.ts';
import { FIXTURES, removeTree, tempDir } from '../helpers/tree.ts';

const ROOT = join(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

/** The environment for the npm children: none of the outer `npm test`'s npm_* settings. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

function du(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? du(p) : e.isSymbolicLink() ? 0 : statSync(p).size;
  }
  return n;
}

let pack: PackResult;
let tarball: string;
let prefix: string;
let bin: string;
let tmp: string;

beforeAll(() => {
  const dest = tempDir('pvept-pack-');
  prefix = tempDir('pvept-prefix-');
  tmp = tempDir('pvept-tmp-');
  trash.push(dest, prefix, tmp);
  // The prepack script's own output (the build's size line) comes before npm's JSON on stdout.
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], {
    cwd: ROOT,
    env: npmEnv(),
    encoding: 'utf8',
    stdio: 'pipe',
  });
  const json = out.slice(out.search(/^\[/m));
  [pack] = JSON.parse(json) as [PackResult];
  tarball = join(dest, pack.filename);
  const t0 = performance.now();
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {
    cwd: dest,
    env: npmEnv(),
    stdio: 'pipe',
  });
  const installMs = performance.now() - t0;
  bin = join(prefix, 'bin/pve-passthrough');
  const installed = join(prefix, 'lib/node_modules/pve-passthrough');
  console.log(
    `npm pack: ${pack.entryCount} files, tarball ${(pack.size / 1024).toFixed(0)} KiB, unpacked ${(pack.unpackedSize / 1024).toFixed(0)} KiB; ` +
      `npm install -g (offline): ${installMs.toFixed(0)} ms, ${(du(prefix) / 1024).toFixed(0)} KiB under the prefix`,
  );
  expect(existsSync(installed)).toBe(true);
}, 180_000);

describe('npm package', () => {
  it('holds the bundle, the man page, README and package.json: no sources, tests or fixtures', () => {
    const paths = pack.files.map((f) => f.path).sort();
    expect(paths).toEqual(['README.md', 'dist/pve-passthrough.mjs', 'man/pve-passthrough.1', 'package.json']);
    expect(paths.filter((p) => /^(src|test|bench|scripts|snapshots|bin)\/|fixtures|\.test\.|\.tsx?$/.test(p))).toEqual(
      [],
    );
    expect(pack.entryCount).toBe(4);
    expect(pack.size, 'tarball bytes').toBeLessThan(1024 * 1024);
    expect(pack.unpackedSize, 'unpacked bytes').toBeLessThan(2 * 1024 * 1024);
    expect(statSync(tarball).size).toBe(pack.size);
  });

  it('installs with no dependencies: nothing but the package under the prefix', () => {
    const installed = join(prefix, 'lib/node_modules/pve-passthrough');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: object };
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    expect(readdirSync(join(prefix, 'lib/node_modules'))).toEqual(['pve-passthrough']);
    expect(du(prefix)).toBeLessThan(3 * 1024 * 1024);
    // Both commands are links to the prebuilt bundle, and the man page is installed.
    for (const name of ['pve-passthrough', 'pvept']) {
      expect(relative(installed, realpathSync(join(prefix, 'bin', name)))).toBe('dist/pve-passthrough.mjs');
    }
    expect(existsSync(join(prefix, 'share/man/man1/pve-passthrough.1'))).toBe(true);
  });

  it('the installed command runs --version and list --root with plain node', () => {
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    expect(v.stderr).toBe('');
    expect(v.stdout).toBe(`pve-passthrough ${version}\n`);
    const l = spawnSync(bin, ['list', '--root', join(FIXTURES, 'guide')], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
    });
    expect(l.status).toBe(0);
    expect(l.stdout).toContain('Node pve1: IOMMU on, 29 PCI functions, 19 groups');
    const j = spawnSync(bin, ['list', '--root', join(FIXTURES, 'guide'), '--json'], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
    });
    expect(JSON.parse(j.stdout).groups.length).toBe(19);
    // Nothing was built or cached at run time: the install folder is as npm left it.
    expect(readdirSync(join(prefix, 'lib/node_modules/pve-passthrough')).sort()).toEqual([
      'README.md',
      'dist',
      'man',
      'package.json',
    ]);
    expect(readdirSync(join(prefix, 'lib/node_modules/pve-passthrough/dist'))).toEqual(['pve-passthrough.mjs']);
  });

  it('the installed command opens the TUI on the guide host in a pty and quits with q', async () => {
    const t0 = performance.now();
    const run = runInPty(['--root', join(FIXTURES, 'guide')], { command: bin, env: { TMPDIR: tmp } });
    const first = await run.waitFor('IOMMU groups');
    console.log(
      `installed pve-passthrough: first frame (guide host, 80x24) after ${(performance.now() - t0).toFixed(0)} ms`,
    );
    expect(first).toContain('pve1');
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
    expect(run.output()).toContain(LEAVE);
    expect(readdirSync(tmp), 'left behind in TMPDIR').toEqual([]);
  }, 30_000);
});
