// The other nodes' device lists as `pvesh get /nodes/N/hardware/pci --output-format json` gives
// them: what is kept, and a list that is not what it should be becomes a reason, never a throw.
import { describe, expect, it } from 'vitest';
import { hardwarePciArgv, parseHardwarePci, readCluster, REMOTE_TIMEOUT_MS } from '../../src/host/cluster.ts';
import { RecordingRunner, type RunOptions } from '../../src/host/runner.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

describe('cluster device lists', () => {
  it('keeps address, ids, subsystem, group, class and the device name; skips entries without an address or ids', () => {
    const list = parseHardwarePci(
      JSON.stringify([
        {
          id: '0000:41:02.0',
          class: '0x020000',
          vendor: '0x8086',
          device: '0x154c',
          subsystem_vendor: '0x8086',
          subsystem_device: '0x0000',
          iommugroup: 50,
          vendor_name: 'Intel Corporation',
          device_name: 'Ethernet Virtual Function 700 Series',
        },
        { id: '0000:00:00.0', class: '0x060000', vendor: '0x8086', device: '0x09a2', iommugroup: -1 },
        { id: 'garbage', vendor: '0x8086', device: '0x1' },
        { class: '0x020000' },
      ]),
    );
    expect(list).toEqual([
      {
        address: '0000:00:00.0',
        vendorId: '8086',
        deviceId: '09a2',
        subsystemVendorId: null,
        subsystemDeviceId: null,
        iommuGroup: null,
        classId: '0600',
        name: '[8086:09a2]',
      },
      {
        address: '0000:41:02.0',
        vendorId: '8086',
        deviceId: '154c',
        subsystemVendorId: '8086',
        subsystemDeviceId: '0000',
        iommuGroup: 50,
        classId: '0200',
        name: 'Ethernet Virtual Function 700 Series',
      },
    ]);
    expect(parseHardwarePci('<html>')).toBe('the device list is not JSON');
    expect(parseHardwarePci('{"data":[]}')).toBe('the device list is not a JSON array');
  });

  it('asks each online node once, with a time limit, through an argument array', async () => {
    const root = copyFixture('cluster');
    try {
      const rec = new RecordingRunner({ pvesh: { stdout: '[]' } });
      const limits: Array<number | undefined> = [];
      const runner = {
        run: (argv: readonly string[], opts: RunOptions = {}) => (limits.push(opts.timeoutMs), rec.run(argv, opts)),
      };
      const c = await readCluster(root, runner, 'pve1');
      expect(rec.calls).toEqual([hardwarePciArgv('pve2')]);
      expect(limits).toEqual([REMOTE_TIMEOUT_MS]);
      expect(hardwarePciArgv('pve2')).toEqual([
        'pvesh',
        'get',
        '/nodes/pve2/hardware/pci',
        '--pci-class-blacklist',
        '',
        '--output-format',
        'json',
      ]);
      expect(c?.devices.pve2).toEqual([]);
      const bad = await readCluster(
        root,
        new RecordingRunner({ pvesh: { exitCode: 255, stderr: "500 Can't connect to 192.168.1.11:8006\n" } }),
        'pve1',
      );
      expect(bad?.notices).toEqual([
        { where: 'pve2', message: "pvesh failed (exit 255): 500 Can't connect to 192.168.1.11:8006" },
      ]);
    } finally {
      removeTree(root);
    }
  });
});
