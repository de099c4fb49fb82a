import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLarge } from '../../scripts/gen-large-fixture.ts';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { FIXTURES, copyFixture, removeTree, tempDir } from '../helpers/tree.ts';

async function read(root: string): Promise<HostSnapshot> {
  const h = openHost({ root });
  return readHost(h.root, h.runner);
}
const group = (s: HostSnapshot, addr: string) => s.groups.find((g) => g.devices.includes(addr))!;
const dev = (s: HostSnapshot, addr: string) => s.devices.find((d) => d.address === addr)!;

describe('reader on the guide host', () => {
  let s: HostSnapshot;
  beforeAll(async () => {
    s = await read(join(FIXTURES, 'guide'));
  });

  it('reads ids, names, drivers and classes', () => {
    const i350 = dev(s, '0000:03:00.0');
    expect(i350).toMatchObject({
      vendorId: '8086',
      deviceId: '1521',
      classId: '0200',
      driver: 'igb',
      name: 'I350 Gigabit Network Connection',
      subsystemVendorId: '8086',
      revision: '01',
      iommuGroup: 14,
      numaNode: 0,
      resetMethods: ['flr', 'bus'],
      link: { speed: '5.0 GT/s PCIe', width: '4' },
      netInterfaces: ['enp3s0f0'],
    });
    expect(dev(s, '0000:07:00.1').driver).toBe('snd_hda_intel');
    expect(dev(s, '0000:00:14.2').driver).toBeNull();
  });

  it('links PFs and VFs both ways', () => {
    const pf = dev(s, '0000:04:00.0');
    expect(pf.sriov).toEqual({ totalVfs: 32, numVfs: 4, offset: 16, stride: 1, vfDeviceId: '154c' });
    expect(pf.virtfns).toEqual(['0000:04:02.0', '0000:04:02.1', '0000:04:02.2', '0000:04:02.3']);
    expect(dev(s, '0000:04:02.3').physfn).toBe('0000:04:00.0');
    expect(dev(s, '0000:04:00.1').sriov).toEqual({
      totalVfs: 32,
      numVfs: 0,
      offset: 79,
      stride: 1,
      vfDeviceId: '154c',
    });
  });

  it('gives each verdict with reasons', () => {
    expect(group(s, '0000:03:00.0')).toMatchObject({ id: 14, isolation: 'isolated' });
    expect(group(s, '0000:01:00.0').isolation).toBe('isolated'); // root port ignored
    const nvme = group(s, '0000:06:00.0');
    expect(nvme.isolation).toBe('host-critical');
    expect(nvme.reasons.join(' ')).toMatch(/ZFS pool rpool/);
    const pch = group(s, '0000:00:1f.6');
    expect(pch.isolation).toBe('host-critical');
    expect(pch.reasons.join(' ')).toMatch(/eno1 is a port of vmbr0.*192\.168\.1\.10/);
    expect(group(s, '0000:05:00.0').reasons.join(' ')).toMatch(/boot VGA/);
  });

  it('knows which VMs use a device, by address, by slot and by mapping, and whether they run', () => {
    expect(dev(s, '0000:01:00.0').usedBy).toEqual([{ vmid: 101, slot: 'hostpci0', running: true, mapping: null }]);
    expect(dev(s, '0000:04:02.1').usedBy).toEqual([
      { vmid: 104, slot: 'hostpci0', running: false, mapping: 'x710-vf' },
    ]);
    expect(s.vms.map((v) => [v.vmid, v.running])).toEqual([
      [100, true],
      [101, true],
      [102, false],
      [103, false],
      [104, false],
    ]);
  });

  it('reads VM settings and boot, vfio and IOMMU state', () => {
    expect(s.vms.find((v) => v.vmid === 102)).toMatchObject({
      name: 'win11-gaming',
      machine: 'pc-i440fx-8.1',
      bios: null,
      hasEfidisk: false,
    });
    expect(s.vms.find((v) => v.vmid === 103)).toMatchObject({
      machine: 'q35',
      bios: 'ovmf',
      hasEfidisk: false,
      hostpci: [],
    });
    expect(s.bootloader).toMatchObject({ kind: 'systemd-boot', path: 'etc/kernel/cmdline' });
    // What a trial boot needs (none of it set on this fixture: no efivars, no kernels in boot/).
    expect(s.bootloader.facts).toMatchObject({ efiLoader: null, entryDefault: null, entryOneShot: null, kernels: [] });
    expect(s.bootloader.facts!.grubMount).toMatchObject({ mountPoint: '/' });
    expect(s.vfio).toMatchObject({
      moduleLoaded: true,
      ids: ['1000:0097'],
      modulesAtBoot: ['vfio', 'vfio_iommu_type1', 'vfio_pci'],
    });
    expect(s.iommu).toMatchObject({ enabled: true, interruptRemapping: true, acsOverride: null });
    expect(s.cpuVendor).toBe('intel');
    expect(s.nodeName).toBe('pve1');
    expect(s.notices).toEqual([]);
  });
});

describe('reader on the other fixtures', () => {
  it('consumer board: one big shared chipset group that also holds the management NIC', async () => {
    const s = await read(join(FIXTURES, 'consumer'));
    const g = group(s, '0000:06:00.0');
    expect(g.isolation).toBe('host-critical');
    expect(g.reasons.join(' ')).toMatch(/3 devices share this group/);
    expect(s.bootloader.kind).toBe('grub');
    expect(s.cpuVendor).toBe('amd');
    expect(dev(s, '0000:06:00.0').usedBy[0]).toMatchObject({ vmid: 200 });
    expect(group(s, '0000:01:00.0').reasons.join(' ')).toMatch(/LVM physical volume \/dev\/nvme0n1p3/);
    const shared = group(s, '0000:07:00.0');
    expect(shared).toMatchObject({ id: 21, isolation: 'shared' });
    expect(shared.reasons.join(' ')).toMatch(/2 devices share this group.*0000:07:00, 0000:08:00/);
  });

  it('IOMMU off: no groups, devices still listed', async () => {
    const s = await read(join(FIXTURES, 'iommu-off'));
    expect(s.iommu.enabled).toBe(false);
    expect(s.groups).toEqual([]);
    expect(s.devices.length).toBe(5);
    expect(dev(s, '0000:03:00.0').iommuGroup).toBeNull();
    expect(s.iommu.interruptRemapping).toBe(false);
  });

  describe('large generated server', () => {
    let dir: string;
    beforeAll(() => {
      dir = tempDir('pvept-large-');
      generateLarge(dir, 400, 60);
    });
    afterAll(() => removeTree(dir));
    it('has at least 400 functions including VFs, and 60 VMs', async () => {
      const s = await read(dir);
      expect(s.devices.length).toBeGreaterThanOrEqual(400);
      expect(s.devices.filter((d) => d.physfn).length).toBeGreaterThan(50);
      expect(s.vms.length).toBe(60);
      expect(s.notices).toEqual([]);
      expect(s.devices.filter((d) => d.usedBy.length).length).toBeGreaterThan(0);
    });
  });
});

describe('bad input never crashes the reader', () => {
  let root: string;
  beforeAll(() => {
    root = copyFixture('guide');
    const d = (a: string) => join(root, 'sys/bus/pci/devices', a);
    // The attributes count where the uevent (one read for ids, class and driver) does not say.
    rmSync(join(d('0000:03:00.1'), 'uevent'));
    rmSync(join(d('0000:03:00.1'), 'vendor')); // missing attribute
    writeFileSync(join(d('0000:07:00.0'), 'uevent'), 'PCI_CLASS=banana\nPCI_ID=10DE:1B80\n'); // garbled
    writeFileSync(join(d('0000:07:00.0'), 'class'), 'banana\n');
    writeFileSync(join(d('0000:04:00.0'), 'sriov_numvfs'), 'four\n');
    symlinkSync('../../../devices/pci0000:00/0000:09:00.0', d('0000:09:00.0')); // dangling
    writeFileSync(
      join(root, 'etc/pve/qemu-server/105.conf'),
      'name: weird\nunknown-key: 1\n@@@ broken\nhostpci0: not-an-address,pcie=1\n',
    );
    // Unreadable even for root (tests run as root in CI, so chmod 000 would not do).
    mkdirSync(join(root, 'etc/pve/qemu-server/106.conf'));
  });
  afterAll(() => removeTree(root));

  it('lists every device and VM with what is known, plus notices saying what and where', async () => {
    const s = await read(root);
    const where = (w: string) =>
      s.notices
        .filter((n) => n.where.startsWith(w))
        .map((n) => n.message)
        .join(' | ');
    expect(dev(s, '0000:03:00.1')).toMatchObject({ vendorId: '????', deviceId: '1521', driver: 'igb' });
    expect(where('0000:03:00.1')).toMatch(/missing attribute 'vendor'/);
    expect(dev(s, '0000:07:00.0').driver).toBe('nouveau');
    expect(where('0000:07:00.0')).toMatch(/garbled attribute 'class'/);
    expect(dev(s, '0000:04:00.0').sriov).toEqual({
      totalVfs: 32,
      numVfs: 0,
      offset: 16,
      stride: 1,
      vfDeviceId: '154c',
    });
    expect(where('0000:04:00.0')).toMatch(/sriov_numvfs/);
    expect(dev(s, '0000:09:00.0')).toBeDefined();
    expect(where('0000:09:00.0')).toMatch(/dangling/);
    const weird = s.vms.find((v) => v.vmid === 105)!;
    expect(weird.name).toBe('weird');
    expect(where('etc/pve/qemu-server/105.conf')).toMatch(/105.conf:3.*unreadable line|not a PCI address/);
    expect(s.vms.find((v) => v.vmid === 106)).toBeDefined();
    expect(where('etc/pve/qemu-server/106.conf')).toMatch(/cannot read \(EISDIR\)/);
  });
});
