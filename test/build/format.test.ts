// The formatter's check, run with the tests so CI holds every change to it: each source, test,
// bench and script file is as prettier (with .prettierrc.json) prints it. `npx prettier --write .`
// fixes what this finds. Long strings and comments are left as written (prettier never breaks them).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const DIRS = ['src', 'test', 'bench', 'scripts', 'bin'];
const SOURCE = /\.(ts|tsx|mjs|js)$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'node_modules' ? [] : sources(p);
    return SOURCE.test(e.name) ? [p] : [];
  });
}

describe('formatting', () => {
  it('every source file is formatted as prettier prints it', async () => {
    const files = DIRS.flatMap((d) => sources(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    const unformatted: string[] = [];
    for (const file of files) {
      const options = await prettier.resolveConfig(file);
      const text = readFileSync(file, 'utf8');
      if (!(await prettier.check(text, { ...options, filepath: file }))) unformatted.push(relative(ROOT, file));
    }
    expect(unformatted, `not formatted (run: npx prettier --write ${unformatted.join(' ')})`).toEqual([]);
  }, 120_000);
});
