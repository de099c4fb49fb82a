// Temporary copies of fixture roots, and a whole-tree fingerprint to prove "nothing changed".
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

export const FIXTURES = join(import.meta.dirname, '../fixtures');

export function tempDir(prefix = 'pvept-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A private copy of a fixture root (symlinks kept as they are). */
export function copyFixture(name: string): string {
  const dir = tempDir(`pvept-${name}-`);
  cpSync(join(FIXTURES, name), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** path -> sha1 of content (files) or `-> target` (symlinks), skipping `exclude` prefixes. */
export function fingerprint(root: string, exclude: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel))) {
      const r = rel ? `${rel}/${e}` : e;
      if (exclude.some((x) => r === x || r.startsWith(`${x}/`))) continue;
      const st = lstatSync(join(root, r));
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(join(root, r))}`;
      else if (st.isDirectory()) walk(r);
      else
        out[r] = `${(st.mode & 0o777).toString(8)} ${createHash('sha1')
          .update(readFileSync(join(root, r)))
          .digest('hex')}`;
    }
  };
  walk('');
  return out;
}
