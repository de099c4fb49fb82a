// Writes the checked-in fixture hosts under test/fixtures/ from their specs in src/demo/.
// Run after changing a spec: `node --import tsx scripts/build-fixtures.ts`.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { byHandHost } from '../src/demo/by-hand-host.ts';
import { clusterHost } from '../src/demo/cluster-host.ts';
import { guideHost, guidePciIds } from '../src/demo/guide-host.ts';
import { writeHostTree } from '../src/host/host-tree.ts';
import { consumerHost, iommuOffHost } from '../src/demo/other-hosts.ts';

const out = join(import.meta.dirname, '../test/fixtures');
for (const [name, spec] of Object.entries({
  guide: { ...guideHost, pciIds: guidePciIds },
  consumer: consumerHost,
  'iommu-off': iommuOffHost,
  'by-hand': byHandHost,
  cluster: { ...clusterHost, pciIds: guidePciIds },
})) {
  rmSync(join(out, name), { recursive: true, force: true });
  writeHostTree(join(out, name), spec);
  console.log(`wrote test/fixtures/${name}`);
}
