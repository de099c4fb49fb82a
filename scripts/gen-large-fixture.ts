// Generates a large host tree: `node --import tsx scripts/gen-large-fixture.ts DIR [FUNCTIONS] [VMS]`
// (defaults 400 functions, 60 VMs). Deterministic; also writes each function's config space
// so `lspci -A linux-sysfs -O sysfs.path=DIR/sys/bus/pci` can read the tree.
import { rmSync } from 'node:fs';
import { largeHost } from '../src/demo/large-host.ts';
import { writeHostTree } from '../src/host/host-tree.ts';

export function generateLarge(dir: string, functions = 400, vms = 60): void {
  rmSync(dir, { recursive: true, force: true });
  writeHostTree(dir, largeHost({ functions, vms }));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [dir, f, v] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: gen-large-fixture.ts DIR [FUNCTIONS] [VMS]');
    process.exit(2);
  }
  generateLarge(dir, Number(f ?? 400), Number(v ?? 60));
  console.log(`wrote ${dir}`);
}
