import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAddress, idMatches } from '../../src/model/address.ts';
import {
  addFlags,
  cmdlineParam,
  editGrubCmdline,
  editKernelCmdline,
  grubCmdline,
  removeFlags,
} from '../../src/model/kernel-cmdline.ts';
import { parseModprobe, parseModulesLoad, removeVfioIds } from '../../src/model/modprobe.ts';
import { parsePciMappings } from '../../src/model/pci-mapping.ts';
import { createPciNames } from '../../src/model/pci-ids.ts';

describe('modprobe.d', () => {
  it('reads vfio-pci ids (both spellings), softdeps and blacklists, ignoring comments', () => {
    const f = parseModprobe(
      '# options vfio-pci ids=dead:beef\noptions vfio_pci ids=8086:1521,10DE:1B80 disable_vga=1\nsoftdep igb pre: vfio-pci post: foo\nblacklist nouveau # gpu\n',
    );
    expect(f).toEqual({
      ids: ['8086:1521', '10de:1b80'],
      softdeps: [{ module: 'igb', pre: ['vfio-pci'] }],
      blacklist: ['nouveau'],
    });
  });
  it('removes ids from their line only, dropping a line left empty', () => {
    const text = '# keep\noptions vfio-pci ids=8086:1521,1000:0097\noptions vfio-pci ids=10de:1b80\nblacklist x\n';
    expect(removeVfioIds(text, ['8086:1521'])).toBe(
      '# keep\noptions vfio-pci ids=1000:0097\noptions vfio-pci ids=10de:1b80\nblacklist x\n',
    );
    expect(removeVfioIds(text, ['10de:1b80'])).toBe('# keep\noptions vfio-pci ids=8086:1521,1000:0097\nblacklist x\n');
    expect(removeVfioIds(text, ['ffff:ffff'])).toBe(text);
  });
  it('reads modules-load.d lists', () => {
    expect(parseModulesLoad('# c\nvfio\n; x\nvfio_pci  \n\n')).toEqual(['vfio', 'vfio_pci']);
  });
});

describe('kernel command line', () => {
  it('adds missing flags only, keeping trailing newline', () => {
    expect(addFlags('root=ZFS=rpool quiet\n', ['intel_iommu=on', 'iommu=pt'])).toBe(
      'root=ZFS=rpool quiet intel_iommu=on iommu=pt\n',
    );
    expect(addFlags('quiet iommu=pt', ['iommu=pt'])).toBe('quiet iommu=pt');
    expect(removeFlags('a b c\n', ['b'])).toBe('a c\n');
  });
  it('reads parameters, last one wins', () => {
    expect(cmdlineParam('iommu=pt quiet iommu=on', 'iommu')).toBe('on');
    expect(cmdlineParam('quiet', 'quiet')).toBe(true);
    expect(cmdlineParam('quiet', 'iommu')).toBeNull();
  });
  it('edits GRUB_CMDLINE_LINUX_DEFAULT in place, other lines untouched', () => {
    const g = '# c\nGRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n';
    expect(grubCmdline(g)).toBe('quiet');
    expect(editGrubCmdline(g, (c) => addFlags(c, ['amd_iommu=on']))).toBe(g.replace('"quiet"', '"quiet amd_iommu=on"'));
    expect(editGrubCmdline('GRUB_DEFAULT=0\n', (c) => addFlags(c, ['iommu=pt']))).toBe(
      'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="iommu=pt"\n',
    );
  });
  it('edits only the first line of /etc/kernel/cmdline (property: rest kept)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (first, rest) => {
        const f = first.replace(/\n/g, '');
        const out = editKernelCmdline(`${f}\n${rest}`, (c) => addFlags(c, ['iommu=pt']));
        expect(out.endsWith(`\n${rest}`)).toBe(true);
      }),
    );
  });
});

describe('pci.cfg mappings', () => {
  it('reads ids, descriptions and per-node maps with alternatives', () => {
    const notices: never[] = [];
    const m = parsePciMappings(
      'gpu\n\tdescription big\n\tmap id=10de:2204,iommugroup=13,node=pve,path=0000:01:00;0000:02:00,subsystem-id=1458:403b\n\tmdev 0\n',
      notices,
    );
    expect(m).toEqual([
      {
        id: 'gpu',
        description: 'big',
        maps: [
          {
            node: 'pve',
            id: '10de:2204',
            iommugroup: 13,
            path: ['0000:01:00', '0000:02:00'],
            subsystemId: '1458:403b',
          },
        ],
      },
    ]);
  });
  it('reports a property outside any mapping', () => {
    const notices: Array<{ where: string; message: string }> = [];
    parsePciMappings('\tmap id=1\n', notices);
    expect(notices[0]!.where).toMatch(/pci.cfg:1/);
  });
});

describe('pci.ids names', () => {
  const names = createPciNames(
    '# comment\n8086  Intel Corporation\n\t1521  I350 Gigabit Network Connection\n\t\t8086 0001  Ethernet Server Adapter I350-T4\n\t1572  X710\n10de  NVIDIA Corporation\n\t1b80  GP104\nC 02  Network controller\n',
  );
  it('finds vendor and device lines, and not subsystem lines', () => {
    expect(names.vendor('8086')).toBe('Intel Corporation');
    expect(names.device('8086', '1572')).toBe('X710');
    expect(names.device('10de', '1b80')).toBe('GP104');
    expect(names.device('8086', '0001')).toBeNull();
    expect(names.device('1234', '5678')).toBeNull();
  });
  it('works with no pci.ids at all', () => {
    const none = createPciNames(null);
    expect(none.vendor('8086')).toBeNull();
    expect(none.className('0200')).toBe('Ethernet controller');
  });
});

describe('addresses', () => {
  it('normalises short forms and matches slots to functions', () => {
    expect(normalizeAddress('03:00.1')).toBe('0000:03:00.1');
    expect(normalizeAddress('0000:03:00')).toBe('0000:03:00');
    expect(normalizeAddress('bogus')).toBeNull();
    expect(idMatches('03:00', '0000:03:00.1')).toBe(true);
    expect(idMatches('03:00.0', '0000:03:00.1')).toBe(false);
  });
});

describe('unified diff', () => {
  it('shows a changed line as - then +, with hunk headers and context', async () => {
    const { unifiedDiff } = await import('../../src/model/diff.ts');
    const d = unifiedDiff('a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nc\nD\ne\nf\ng\nh\n', 'x.conf');
    expect(d.map((l) => l.text)).toEqual([
      '--- a/x.conf',
      '+++ b/x.conf',
      '@@ -1,7 +1,7 @@',
      ' a',
      ' b',
      ' c',
      '-d',
      '+D',
      ' e',
      ' f',
      ' g',
    ]);
    expect(unifiedDiff(null, 'new\n', 'n').map((l) => l.text)).toEqual([
      '--- /dev/null',
      '+++ b/n',
      '@@ -0,0 +1,1 @@',
      '+new',
    ]);
    expect(unifiedDiff('same\n', 'same\n', 's').filter((l) => l.kind !== 'header')).toEqual([]);
  });
});
