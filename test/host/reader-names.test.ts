// Device names on a root tree: its own pci.ids (either usual path), else the running system's.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHost } from '../../src/host/open.ts';
import { readHost, systemPciIdsPaths } from '../../src/host/reader.ts';
import { REAL_PCI_IDS_EXCERPT } from '../model/pci-ids-excerpt.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { copyFixture, removeTree, tempDir } from '../helpers/tree.ts';

const name = async (root: string, addr: string, systemPciIds: string[]) => {
  const h = openHost({ root });
  return (await readHost(h.root, h.runner, { systemPciIds })).devices.find((d) => d.address === addr)!.name;
};

describe('pci.ids lookup', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeTree));
  const system = tempDir('pvept-sysids-');
  dirs.push(system);
  const systemIds = join(system, 'pci.ids');
  // The system's file: real blocks; the guide's own file does not know the ICH9 SMBus.
  writeFileSync(systemIds, REAL_PCI_IDS_EXCERPT);

  it("uses the root's own file first, at either usual path", async () => {
    const root = copyFixture('guide');
    dirs.push(root);
    expect(await name(root, '0000:03:00.0', [systemIds])).toBe('I350 Gigabit Network Connection');
    mkdirSync(join(root, 'usr/share/hwdata'), { recursive: true });
    renameSync(join(root, 'usr/share/misc/pci.ids'), join(root, 'usr/share/hwdata/pci.ids'));
    expect(await name(root, '0000:03:00.0', [])).toBe('I350 Gigabit Network Connection');
  });

  it("falls back to the running system's pci.ids when the root has none", async () => {
    const root = copyFixture('guide');
    dirs.push(root);
    rmSync(join(root, 'usr/share/misc/pci.ids'));
    // 8086:1521 is not in the excerpt: class + ids; 1000:0097 (the HBA) is.
    expect(await name(root, '0000:01:00.0', [join(system, 'missing'), systemIds])).toBe(
      'SAS3008 PCI-Express Fusion-MPT SAS-3',
    );
    expect(await name(root, '0000:03:00.0', [systemIds])).toBe('Ethernet controller [8086:1521]');
    expect(await name(root, '0000:01:00.0', [])).toBe('Serial Attached SCSI controller [1000:0097]');
  });

  it('the by-hand node names its 82574L and its LSI HBA through comment lines in their vendor blocks', async () => {
    const s = await fixtureSnapshot('by-hand');
    const names = Object.fromEntries(s.devices.map((d) => [d.address, d.name]));
    expect(names['0000:04:00.0']).toBe('82574L Gigabit Network Connection');
    expect(names['0000:01:00.0']).toBe('SAS3008 PCI-Express Fusion-MPT SAS-3');
    expect(
      s.devices.filter((d) => d.deviceName === null).map((d) => `${d.address} ${d.vendorId}:${d.deviceId}`),
    ).toEqual([]);
  });

  it('the system paths are the usual ones unless overridden (tests: none)', () => {
    expect(systemPciIdsPaths({})).toEqual(['/usr/share/misc/pci.ids', '/usr/share/hwdata/pci.ids']);
    expect(systemPciIdsPaths({ PVE_PASSTHROUGH_SYSTEM_PCI_IDS: '/a:/b' })).toEqual(['/a', '/b']);
    expect(systemPciIdsPaths({ PVE_PASSTHROUGH_SYSTEM_PCI_IDS: '' })).toEqual([]);
  });
});
