// Kernel lab, scenario 2: one of two identical e1000e NICs reserved by address; the guest's own
// update-initramfs builds the init-top script in; after the reboot that NIC is vfio-pci's with
// its /dev/vfio node and the twin keeps e1000e.
import { describe, it } from 'vitest';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: reserve one of two identical NICs', () => {
  const lab = scenario('reserve');
  it('scenario 2: binds by address at boot, the twin keeps its driver', async () => {
    expectVerdicts(await lab.boot('reserve-apply.sh'), [
      'twins',
      'twins-host-driver',
      'apply-ok',
      'by-address',
      'not-by-id',
      'initrd-has-script',
    ]);
    expectVerdicts(await lab.boot('reserve-check.sh'), [
      'reserved-vfio',
      'vfio-group-node',
      'twin-host-driver',
      'override-set',
    ]);
  });
});
