// The first pass reads a function's ids, class and driver from its uevent (one read instead of
// three attributes and a link), and a VF's PF from the PF's virtfn links (no physfn read per VF).
// Both must give what the attributes and links give, in the kernel's format.
import { readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pciUevent } from '../../src/host/host-tree.ts';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import { parseUevent } from '../../src/host/sysfs.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));

const read = (root: string) => {
  const h = openHost({ root });
  return readHost(h.root, h.runner);
};

describe('parseUevent', () => {
  it('reads the kernel format: %X class without leading zeros, upper-case ids, DRIVER only when bound', () => {
    // As a Linux 6.x guest prints them (a host bridge with no driver, and a virtio device).
    expect(
      parseUevent(
        'PCI_CLASS=60000\nPCI_ID=8086:0D57\nPCI_SUBSYS_ID=0000:0000\nPCI_SLOT_NAME=0000:00:00.0\nMODALIAS=pci:v00008086d00000D57sv00000000sd00000000bc06sc00i00',
      ),
    ).toEqual({ vendor: '8086', device: '0d57', cls: '060000', driver: null });
    expect(
      parseUevent(
        'DRIVER=virtio-pci\nPCI_CLASS=FFFF00\nPCI_ID=1AF4:1045\nPCI_SUBSYS_ID=1AF4:1045\nPCI_SLOT_NAME=0000:00:01.0',
      ),
    ).toEqual({ vendor: '1af4', device: '1045', cls: 'ffff00', driver: 'virtio-pci' });
  });

  it('says nothing (the attributes count then) when ids or class are missing or garbled', () => {
    for (const t of [
      null,
      '',
      'PCI_ID=8086:10FB\n',
      'PCI_CLASS=20000\n',
      'PCI_CLASS=banana\nPCI_ID=8086:10FB\n',
      'PCI_CLASS=20000\nPCI_ID=8086-10FB\n',
      'PCI_CLASS=1020000\nPCI_ID=8086:10FB\n',
    ])
      expect(parseUevent(t), String(t)).toBeNull();
  });

  it('the fixture writer prints what the kernel prints, and it reads back', () => {
    const d = {
      addr: '0000:04:00.0',
      vendor: '8086',
      device: '1572',
      cls: '020000',
      sub: ['8086', '0007'] as [string, string],
      driver: 'i40e',
    };
    expect(pciUevent(d)).toBe(
      'DRIVER=i40e\nPCI_CLASS=20000\nPCI_ID=8086:1572\nPCI_SUBSYS_ID=8086:0007\nPCI_SLOT_NAME=0000:04:00.0\n' +
        'MODALIAS=pci:v00008086d00001572sv00008086sd00000007bc02sc00i00\n',
    );
    expect(parseUevent(pciUevent(d))).toEqual({ vendor: '8086', device: '1572', cls: '020000', driver: 'i40e' });
  });
});

describe('uevent and attributes agree', () => {
  it.each(['guide', 'consumer', 'by-hand', 'cluster'])(
    '%s: the same snapshot with the uevents as without them (attributes and driver links only)',
    async (name) => {
      const root = copyFixture(name);
      trash.push(root);
      const withUevent = await read(root);
      const devices = join(root, 'sys/bus/pci/devices');
      let removed = 0;
      for (const a of readdirSync(devices)) {
        rmSync(join(devices, a, 'uevent'));
        removed++;
      }
      expect(removed).toBe(withUevent.devices.length);
      const without = await read(root);
      expect(without.devices).toEqual(withUevent.devices);
      expect(without.notices).toEqual(withUevent.notices);
    },
  );

  it('where they disagree, the uevent is what is read (one read, not four)', async () => {
    const root = copyFixture('guide');
    trash.push(root);
    const dir = join(root, 'sys/bus/pci/devices/0000:03:00.0');
    writeFileSync(join(dir, 'uevent'), 'DRIVER=vfio-pci\nPCI_CLASS=20000\nPCI_ID=8086:1521\n');
    const d = (await read(root)).devices.find((x) => x.address === '0000:03:00.0')!;
    expect(d).toMatchObject({ vendorId: '8086', deviceId: '1521', classId: '0200', progIf: '00', driver: 'vfio-pci' });
  });
});

describe("a VF's PF", () => {
  it('is what its own physfn link says, for every VF of every fixture', async () => {
    for (const name of ['guide', 'by-hand', 'cluster']) {
      const root = copyFixture(name);
      trash.push(root);
      const s = await read(root);
      const vfs = s.devices.filter((d) => d.physfn !== null);
      expect(vfs.length, name).toBeGreaterThan(0);
      for (const d of s.devices) {
        let own: string | null = null;
        try {
          own = readlinkSync(join(root, 'sys/bus/pci/devices', d.address, 'physfn'))
            .split('/')
            .pop()!;
        } catch {
          // not a VF
        }
        expect(d.physfn, `${name} ${d.address}`).toBe(own);
      }
    }
  });

  it('a VF that no PF names (its virtfn link gone) reads its own link', async () => {
    const root = copyFixture('guide');
    trash.push(root);
    rmSync(join(root, 'sys/bus/pci/devices/0000:04:00.0/virtfn2'));
    const s = await read(root);
    expect(s.devices.find((d) => d.address === '0000:04:00.0')!.virtfns).not.toContain('0000:04:02.2');
    expect(s.devices.find((d) => d.address === '0000:04:02.2')!.physfn).toBe('0000:04:00.0');
  });
});
