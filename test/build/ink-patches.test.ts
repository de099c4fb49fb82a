// scripts/bundle-options.mjs patches Ink's frame builder (shared blank cell, shared style runs,
// a cache of tokenized lines across frames) to cut garbage per keystroke. The patched bundle
// must draw exactly what stock Ink draws: same frames, byte for byte, colours included.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { build } from 'esbuild';
// @ts-expect-error plain .mjs build script without types
import { bundleOptions } from '../../scripts/bundle-options.mjs';
import { FIXTURES, removeTree, tempDir } from '../helpers/tree.ts';
import { renderFrames } from './frames.tsx';

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));

it('the patched bundle renders the same frames as stock Ink', async () => {
  const dir = tempDir('pvept-frames-');
  trash.push(dir);
  const out = join(dir, 'frames.mjs');
  // Unminified so the patched code can be checked to be in the bundle at all.
  await build({
    ...bundleOptions({ outfile: out, minify: false }),
    entryPoints: [join(import.meta.dirname, 'frame-entry.tsx')],
  });
  const text = (await import('node:fs')).readFileSync(out, 'utf8');
  expect(text).toContain('row.push(BLANK)');
  expect(text).toMatch(/styles: codes\s/);
  const root = join(FIXTURES, 'guide');
  const r = spawnSync(process.execPath, [out, root], { encoding: 'utf8', maxBuffer: 1 << 24 });
  expect(r.stderr).toBe('');
  const patched = JSON.parse(r.stdout) as string[];
  const stock = await renderFrames(root);
  expect(stock.length).toBe(9);
  expect(stock.some((f) => f.includes('\x1b[3'))).toBe(true); // colours are in the comparison
  expect(new Set(stock).size).toBeGreaterThan(5); // the keys changed the screen
  expect(patched).toEqual(stock);
}, 60_000);
