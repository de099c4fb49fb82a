// The other nodes' device lists as `pvesh get /nodes/N/hardware/pci --output-format json` gives
// them: what is kept, and a list that is not what it should be becomes a reason, never a throw.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it("reads the other nodes' VMs that name a mapping from /etc/pve/nodes/NODE/qemu-server, even while the node is offline", async () => {
    const root = copyFixture('cluster');
    try {
      const dir = join(root, 'etc/pve/nodes/pve2/qemu-server');
      writeFileSync(join(dir, '202.conf'), 'name: gpuvm\nhostpci0: 0000:65:00.0\nhostpci2: mapping=gpu,pcie=1\n');
      writeFileSync(join(dir, 'notes.txt'), 'hostpci0: mapping=gpu\n'); // not a VM config
      // The local node's own directory is this node's VMs (read elsewhere), not another node's.
      mkdirSync(join(root, 'etc/pve/nodes/pve1/qemu-server'), { recursive: true });
      writeFileSync(join(root, 'etc/pve/nodes/pve1/qemu-server/104.conf'), 'hostpci0: mapping=x710-vf\n');
      const members = readFileSync(join(root, 'etc/pve/.members'), 'utf8');
      writeFileSync(
        join(root, 'etc/pve/.members'),
        members.replace('"pve2": { "id": 2, "online": 1', '"pve2": { "id": 2, "online": 0'),
      );
      const c = await readCluster(root, new RecordingRunner({}), 'pve1');
      expect(c?.nodes.find((n) => n.name === 'pve2')?.online).toBe(false);
      expect(c?.mappingUsers).toEqual([
        { node: 'pve2', vmid: 201, name: 'backup2', slot: 'hostpci0', mapping: 'x710-vf' },
        { node: 'pve2', vmid: 202, name: 'gpuvm', slot: 'hostpci2', mapping: 'gpu' },
      ]);
    } finally {
      removeTree(root);
    }
  });
});
