// Kernel lab, scenarios 1 and 5 (one boot, nothing reserved): `list --json` and `check --json`
// against what the guest's shell reads from /sys on Debian's kernel with an emulated Intel
// IOMMU; and a reservation that would split the group behind the conventional PCI bridge is
// refused before any write.
import { beforeAll, describe, expect, it } from 'vitest';
import { dataBlock, type BootResult } from '../../scripts/kernel-lab/lab.ts';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: reading a real machine', () => {
  const lab = scenario('read');
  let boot: BootResult;
  beforeAll(async () => {
    boot = await lab.boot('read.sh');
  });

  it('scenario 1: list --json and check --json agree with sysfs (groups, drivers, PF/VF links, remapping)', () => {
    expectVerdicts(
      boot,
      [
        'sriov-pf-present',
        'list-json-exit',
        'list-matches-sysfs',
        'list-sees-vfs',
        'iommu-remap-agrees',
        'iommu-enabled',
        'check-json-clean',
        'check-no-iommu-finding',
      ],
      { sharedBoot: true },
    );
    const sys = dataBlock(boot.console, 'sysfs-view')!;
    // The lab's devices are all there as the kernel sees them.
    expect(sys.match(/ driver=e1000e /g)?.length).toBe(2);
    expect(sys.match(/ driver=e1000 /g)?.length).toBe(2);
    expect(sys).toMatch(/ driver=nvme .*virtfns=\S+,\S+/);
  });

  it('scenario 5: reserving one device of a shared group alone is refused before any write', () => {
    expectVerdicts(
      boot,
      ['shared-group-real', 'shared-refused', 'shared-no-write', 'shared-no-state', 'shared-no-own-files'],
      { sharedBoot: true },
    );
  });
});
