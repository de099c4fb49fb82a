// Kernel lab, scenario 3: a VF count set by the program comes back after a reboot (the udev
// rule really fires at boot, on Debian's udev): once with the PF driver (nvme) bound in the
// initramfs, as MODULES=most has it on a node, once with it loaded from the root file system.
import { describe, expect, it } from 'vitest';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: VF count persistence', () => {
  const lab = scenario('vfs');
  it('scenario 3: the VFs are back after the reboot (PF driver bound in the initramfs)', async () => {
    expectVerdicts(await lab.boot('vfs-apply.sh'), ['pf', 'apply-ok', 'live-vfs']);
    expectVerdicts(await lab.boot('vfs-late.sh'), ['vfs-back', 'vf-links', 'nvme-late']);
  });

  it('scenario 3: and again when the PF driver loads from the root file system', async () => {
    expect(lab.boots).toHaveLength(2);
    expectVerdicts(await lab.boot('vfs-check.sh'), ['vfs-back', 'vf-links']);
  });
});
