// Temporary copies of fixture roots, and a whole-tree fingerprint to prove "nothing changed".
import {
  cpSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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

/**
 * The guide host's hand-made x710-vf mapping with the subsystem-id it lacks filled in: the guide
 * with no problem at all, for tests about a clean host or a fixed count of problems.
 */
export const GUIDE_MAPPING_FILLED_IN = {
  'etc/pve/mapping/pci.cfg':
    'x710-vf\n\tdescription X710 virtual functions for backup VMs\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1,subsystem-id=8086:0000\n',
};

/** A copy of the guide host with no problem (its mapping filled in). */
export function cleanGuide(): string {
  const dir = copyFixture('guide');
  for (const [p, text] of Object.entries(GUIDE_MAPPING_FILLED_IN)) writeFileSync(join(dir, p), text);
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
