// The built-in demo host: the reference guide's server, written into a fresh temporary folder
// so that committing there is safe and visible. Bundle-safe (no files read from test/).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guideHost, guidePciIds } from './guide-host.ts';
import { writeHostTree } from './host-tree.ts';

export function materializeDemoHost(): string {
  const root = mkdtempSync(join(tmpdir(), 'pve-passthrough-demo-'));
  writeHostTree(root, { ...guideHost, pciIds: guidePciIds });
  return root;
}
