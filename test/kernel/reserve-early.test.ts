// Kernel lab, scenario 2 with vfio-pci early: listed in /etc/initramfs-tools/modules and
// registered before the init-top script runs (as with vfio-pci built into the kernel). The
// binding must not depend on module order.
import { describe, it } from 'vitest';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: reserve with vfio-pci loaded early', () => {
  const lab = scenario('reserve-early');
  it('scenario 2 (vfio-pci registered first): the reserved NIC still ends up on vfio-pci', async () => {
    expectVerdicts(await lab.boot('reserve-early-apply.sh'), [
      'twins',
      'apply-ok',
      'by-address',
      'initrd-has-script',
      'early-order',
      'early-in-initrd',
    ]);
    expectVerdicts(
      await lab.boot('reserve-early-check.sh'),
      ['reserved-vfio', 'vfio-group-node', 'twin-host-driver', 'override-set', 'script-probed'],
      { sharedBoot: true },
    );
  });

  it('the mechanism on this kernel: driver_override alone leaves a card driverless once vfio-pci is registered; drivers_probe binds it', () => {
    expectVerdicts(lab.boots[1]!, ['override-alone-no-driver', 'drivers-probe-binds', 'twin-restored'], {
      sharedBoot: true,
    });
  });
});
