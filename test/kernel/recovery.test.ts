// Kernel lab, issue 13: the kill switch on a real boot. Reservations by address (init-top) and
// by id (ids= + softdep + modules-load.d); a boot with pve-passthrough=off module_blacklist=vfio_pci
// (what the recovery entry adds) gives both devices their host drivers and never loads vfio-pci;
// the next normal boot binds them again.
import { describe, it } from 'vitest';
import { KILL_SWITCH } from '../../src/model/plan/files.ts';
import { expectVerdicts, scenario } from './helpers.ts';

describe('kernel lab: the recovery kill switch', () => {
  const lab = scenario('recovery');
  it('pve-passthrough=off module_blacklist=vfio_pci: host drivers for every device, then back to vfio-pci', async () => {
    expectVerdicts(await lab.boot('recovery-apply.sh'), [
      'recovery-devices',
      'recovery-apply-ok',
      'recovery-by-address',
      'recovery-by-id',
      'recovery-entry-file',
    ]);
    expectVerdicts(await lab.boot('recovery-off.sh', 900, KILL_SWITCH.join(' ')), [
      'off-cmdline',
      'off-twin-host-driver',
      'off-nvme-host-driver',
      'off-no-vfio-pci',
      'off-override-unset',
      'off-logged',
    ]);
    expectVerdicts(await lab.boot('recovery-normal.sh'), ['normal-twin-vfio', 'normal-nvme-vfio']);
  });
});
