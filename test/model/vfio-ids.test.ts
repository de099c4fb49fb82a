import { describe, expect, it } from 'vitest';
import {
  cmdlineVfioIds,
  describeSource,
  effectiveVfioIds,
  nextBootCmdline,
  retireIdsLine,
  setCmdlineIds,
  setIdsOnLine,
} from '../../src/model/vfio-ids.ts';

describe('the ids= list vfio-pci really gets', () => {
  it('files in name order, every options line passed on, the last ids= wins (both spellings)', () => {
    const files = {
      'etc/modprobe.d/zz-late.conf': 'options vfio_pci ids=10de:2504,10de:228e disable_vga=1\n',
      'etc/modprobe.d/vfio.conf': '# hand\noptions vfio-pci ids=1000:0097\nsoftdep mpt3sas pre: vfio-pci\n',
      'etc/modprobe.d/pve-passthrough.conf': 'options vfio-pci ids=8086:a352\nsoftdep ahci pre: vfio_pci\n',
      'etc/modprobe.d/zfs.conf': 'options zfs zfs_arc_max=1\n',
      'etc/modprobe.d/notes.txt': 'options vfio-pci ids=ffff:ffff\n',
      'etc/modules-load.d/vfio.conf': 'vfio_pci\n',
    };
    const e = effectiveVfioIds(files, 'root=/dev/sda1 quiet');
    expect(e.ids).toEqual(['10de:2504', '10de:228e']);
    expect(e.source).toEqual({ kind: 'file', path: 'etc/modprobe.d/zz-late.conf', line: 1 });
    expect(e.overridden.map((l) => `${l.path}:${l.line}`)).toEqual([
      'etc/modprobe.d/pve-passthrough.conf:1',
      'etc/modprobe.d/vfio.conf:2',
    ]);
    expect(e.softdeps).toEqual([
      { path: 'etc/modprobe.d/pve-passthrough.conf', module: 'ahci' },
      { path: 'etc/modprobe.d/vfio.conf', module: 'mpt3sas' },
    ]);
    expect(describeSource(e.source)).toBe('/etc/modprobe.d/zz-late.conf line 1');
  });

  it('vfio-pci.ids= on the kernel command line comes after every file, so it wins', () => {
    const files = { 'etc/modprobe.d/vfio.conf': 'options vfio-pci ids=1000:0097\n' };
    const e = effectiveVfioIds(files, 'quiet vfio_pci.ids=10DE:2504 amd_iommu=on');
    expect(e.ids).toEqual(['10de:2504']);
    expect(e.source).toEqual({ kind: 'cmdline' });
    expect(e.overridden).toHaveLength(1);
    expect(cmdlineVfioIds('quiet')).toBeNull();
    expect(cmdlineVfioIds('vfio-pci.ids=1:2 vfio-pci.ids=3:4')).toEqual(['3:4']);
  });

  it('no ids= anywhere: an empty list that lives nowhere; commented lines do not count', () => {
    const e = effectiveVfioIds(
      { 'etc/modprobe.d/vfio.conf': '#options vfio-pci ids=1000:0097\nsoftdep mpt3sas pre: vfio-pci\n' },
      '',
    );
    expect(e).toMatchObject({ ids: [], source: null, overridden: [] });
  });

  it('reads the next boot command line from the boot loader config, else the running one', () => {
    const grub = 'GRUB_CMDLINE_LINUX=""\nGRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:2504"\n';
    expect(nextBootCmdline(grub, 'grub', 'running')).toBe('quiet vfio-pci.ids=10de:2504');
    expect(nextBootCmdline('root=ZFS=rpool quiet\n', 'systemd-boot', 'running')).toBe('root=ZFS=rpool quiet');
    expect(nextBootCmdline(null, 'unknown', 'BOOT_IMAGE=x ro')).toBe('BOOT_IMAGE=x ro');
  });
});

describe('editing the list where it lives', () => {
  it('sets the ids of one options line, keeping spelling, other options and the comment', () => {
    const text = '# hand\noptions vfio_pci ids=1000:0097 disable_vga=1 # HBA\nsoftdep mpt3sas pre: vfio-pci\n';
    expect(setIdsOnLine(text, 2, ['1000:0097', '10de:2504'])).toBe(
      '# hand\noptions vfio_pci ids=1000:0097,10de:2504 disable_vga=1 # HBA\nsoftdep mpt3sas pre: vfio-pci\n',
    );
    expect(setIdsOnLine(text, 2, [])).toBe(
      '# hand\noptions vfio_pci disable_vga=1 # HBA\nsoftdep mpt3sas pre: vfio-pci\n',
    );
    expect(setIdsOnLine('options vfio-pci ids=1000:0097\n', 1, [])).toBe('');
    expect(setIdsOnLine(text, 2, ['1000:0097'])).toBe(text);
    expect(setIdsOnLine(text, 1, ['1:2'])).toBe(text); // not an options line
  });

  it('retires an overridden line with a note: commented out, or only its ids= dropped', () => {
    expect(retireIdsLine('a\noptions vfio-pci ids=8086:a352\nb\n', 2, 'note')).toBe(
      'a\n# note\n# options vfio-pci ids=8086:a352\nb\n',
    );
    expect(retireIdsLine('options vfio-pci ids=8086:a352 disable_idle_d3=1\n', 1, 'note')).toBe(
      '# note\n# was: options vfio-pci ids=8086:a352 disable_idle_d3=1\noptions vfio-pci disable_idle_d3=1\n',
    );
  });

  it('sets vfio-pci.ids= on a boot loader line: the last word gets the list, others go, none left removes it', () => {
    const grub =
      'GRUB_CMDLINE_LINUX="vfio-pci.ids=1:1"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:2504 iommu=pt"\n';
    expect(setCmdlineIds(grub, ['10de:2504', '10de:228e'])).toBe(
      'GRUB_CMDLINE_LINUX=""\nGRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:2504,10de:228e iommu=pt"\n',
    );
    expect(setCmdlineIds(grub, [])).toBe('GRUB_CMDLINE_LINUX=""\nGRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"\n');
    expect(setCmdlineIds('root=ZFS=rpool vfio_pci.ids=1:2\n', [])).toBe('root=ZFS=rpool\n');
    expect(setCmdlineIds('root=x quiet\n', ['1:2'])).toBe('root=x quiet\n');
  });
});
