// The source checkout's launcher: it runs a bundle of src/ cached under node_modules/.cache,
// made again when any source changes, and falls back to tsx when no bundle can be made.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without types
import { devBundle, sourceKey } from '../../scripts/dev-bundle.mjs';
import { removeTree, tempDir } from '../helpers/tree.ts';

const ROOT = join(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'bin/pve-passthrough.js');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));

describe('source launcher', () => {
  it('bundles once into the cache folder and reuses the file while nothing changed', async () => {
    const cache = tempDir('pvept-cache-');
    trash.push(cache);
    const first: string = await devBundle(cache);
    expect(first).toMatch(/launcher-[0-9a-f]{16}\.mjs$/);
    const again: string = await devBundle(cache);
    expect(again).toBe(first);
    const r = spawnSync(process.execPath, [first, '--version'], { encoding: 'utf8' });
    expect(r.stdout).toBe(`pve-passthrough ${version}\n`);
  }, 60_000);

  it('keys the bundle on every source file: touching one gives a new key', () => {
    const copy = tempDir('pvept-src-');
    trash.push(copy);
    cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    const before = sourceKey(copy);
    expect(sourceKey(copy)).toBe(before);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(copy, 'src/ui/keymap.ts'), later, later);
    expect(sourceKey(copy)).not.toBe(before);
  });

  it('gives up quietly when the cache cannot be written (the launcher then uses tsx)', async () => {
    const dir = tempDir('pvept-ro-');
    trash.push(dir);
    writeFileSync(join(dir, 'file'), '');
    expect(await devBundle(join(dir, 'file', 'cache'))).toBeNull(); // a folder under a file
    expect(existsSync(join(dir, 'file', 'cache'))).toBe(false);
  });

  it('runs the same program through tsx when asked to (PVE_PASSTHROUGH_TSX=1)', () => {
    const r = spawnSync(process.execPath, [LAUNCHER, '--version'], {
      encoding: 'utf8',
      env: { ...process.env, PVE_PASSTHROUGH_TSX: '1' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`pve-passthrough ${version}\n`);
  }, 30_000);
});
