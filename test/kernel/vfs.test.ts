// Kernel lab, scenario 3: a VF count set by the program comes back after a reboot (the udev
// rule really fires at boot, on Debian's udev).
import { describe, it } from 'vitest';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: VF count persistence', () => {
  const lab = scenario('vfs');
  it('scenario 3: the VFs are back after the reboot', async () => {
    expectVerdicts(await lab.boot('vfs-apply.sh'), ['pf', 'apply-ok', 'live-vfs']);
    expectVerdicts(await lab.boot('vfs-check.sh'), ['vfs-back', 'vf-links']);
  });
});
