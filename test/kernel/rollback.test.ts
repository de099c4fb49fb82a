// Kernel lab, scenario 4: an apply (reserve by address + VF count) takes effect at boot; its
// rollback runs the real update-initramfs again; after the next boot both NICs have e1000e, no
// VFs, and none of the program's files are left.
import { describe, it } from 'vitest';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: rollback', () => {
  const lab = scenario('rollback');
  it('scenario 4: rollback returns the host drivers, no VFs, no leftovers', async () => {
    expectVerdicts(await lab.boot('rollback-apply.sh'), ['apply-ok', 'initrd-has-script']);
    expectVerdicts(await lab.boot('rollback-do.sh'), [
      'applied-reserve',
      'applied-vfs',
      'rollback-ok',
      'rollback-live-vfs',
      'initrd-clean',
    ]);
    expectVerdicts(await lab.boot('rollback-check.sh'), [
      'host-driver-a',
      'host-driver-b',
      'no-override',
      'no-vfs',
      'no-leftovers',
      'initrd-clean',
      'vfio-unused',
    ]);
  });
});
