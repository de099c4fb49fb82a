// Boots one scenario by hand: node --import tsx scripts/kernel-lab/boot.ts [--efi] STEP.sh [STEP2.sh ...]
// (the steps of scenarios/ in order, one boot each, on one overlay; --efi: through OVMF and
// systemd-boot, see esp.ts); keeps the console logs.
import { join } from 'node:path';
import { REPO, Scenario, ensureImage } from './lab.ts';

const efi = process.argv[2] === '--efi';
const steps = process.argv.slice(efi ? 3 : 2);
if (!steps.length) {
  console.error('usage: boot.ts [--efi] STEP.sh [STEP2.sh ...]  (files in scripts/kernel-lab/scenarios/)');
  process.exit(2);
}
const s = new Scenario(
  'manual',
  ensureImage(),
  process.env.PVE_PASSTHROUGH_LAB_PROGRAM ?? join(REPO, 'dist/pve-passthrough'),
  { efi },
);
for (const step of steps) await s.boot(step);
s.cleanup();
console.error(`console logs in ${s.dir}`);
