import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { FIXTURES, removeTree, tempDir } from '../helpers/tree.ts';

const run = runCli;

/** A root tree nobody has seen, laid out by hand the way the kernel does it. */
function kernelTree(): string {
  const root = tempDir('pvept-unseen-');
  const dev = (addr: string, parent: string, attrs: Record<string, string>, group: number, driver?: string) => {
    const dir = join(root, 'sys/devices/pci0000:40', parent, addr);
    mkdirSync(dir, { recursive: true });
    for (const [k, v] of Object.entries(attrs)) writeFileSync(join(dir, k), `${v}\n`);
    const rel = parent ? `../../../devices/pci0000:40/${parent}/${addr}` : `../../../devices/pci0000:40/${addr}`;
    mkdirSync(join(root, 'sys/bus/pci/devices'), { recursive: true });
    symlinkSync(rel, join(root, 'sys/bus/pci/devices', addr));
    mkdirSync(join(root, 'sys/kernel/iommu_groups', String(group), 'devices'), { recursive: true });
    symlinkSync(
      `../../../../devices/pci0000:40/${parent ? `${parent}/` : ''}${addr}`,
      join(root, 'sys/kernel/iommu_groups', String(group), 'devices', addr),
    );
    symlinkSync(`${'../'.repeat(parent ? 4 : 3)}kernel/iommu_groups/${group}`, join(dir, 'iommu_group'));
    if (driver) {
      mkdirSync(join(root, 'sys/bus/pci/drivers', driver), { recursive: true });
      symlinkSync(`${'../'.repeat(parent ? 4 : 3)}bus/pci/drivers/${driver}`, join(dir, 'driver'));
    }
    return dir;
  };
  dev('0000:40:01.0', '', { vendor: '0x1022', device: '0x1483', class: '0x060400' }, 7, 'pcieport');
  const pf = dev(
    '0000:41:00.0',
    '0000:40:01.0',
    { vendor: '0x15b3', device: '0x1017', class: '0x020000', sriov_totalvfs: '8', sriov_numvfs: '1' },
    7,
    'mlx5_core',
  );
  const vf = dev('0000:41:00.2', '0000:40:01.0', { vendor: '0x15b3', device: '0x1018', class: '0x020000' }, 30);
  symlinkSync('../0000:41:00.2', join(pf, 'virtfn0'));
  symlinkSync('../0000:41:00.0', join(vf, 'physfn'));
  dev('0000:42:00.0', '0000:40:01.0', { vendor: '0x8086', device: '0x1533', class: '0x020000' }, 7, 'igb');
  mkdirSync(join(root, 'etc/pve/qemu-server'), { recursive: true });
  writeFileSync(join(root, 'etc/pve/qemu-server/900.conf'), 'name: nfv\nhostpci0: 41:00.2\n');
  return root;
}

describe('list', () => {
  const root = kernelTree();
  afterAll(() => removeTree(root));

  it('--json on a never-seen tree: groups, drivers, PF/VF links and verdicts', async () => {
    const r = await run(['list', '--root', root, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.iommu.enabled).toBe(true);
    expect(j.groups.map((g: { id: number; isolation: string }) => [g.id, g.isolation])).toEqual([
      [7, 'shared'],
      [30, 'isolated'],
    ]);
    const devs = Object.fromEntries(
      j.groups
        .flatMap((g: { devices: Array<{ address: string }> }) => g.devices)
        .map((d: { address: string }) => [d.address, d]),
    );
    expect(devs['0000:41:00.0']).toMatchObject({
      vendorId: '15b3',
      deviceId: '1017',
      classId: '0200',
      driver: 'mlx5_core',
      sriov: { totalVfs: 8, numVfs: 1 },
      physfn: null,
      virtfns: ['0000:41:00.2'],
    });
    expect(devs['0000:41:00.2']).toMatchObject({
      driver: null,
      sriov: null,
      physfn: '0000:41:00.0',
      usedBy: [{ vmid: 900, slot: 'hostpci0', running: false, mapping: null }],
    });
    expect(devs['0000:42:00.0'].name).toBe('Ethernet controller [8086:1533]'); // no pci.ids in this root
    // No network interface on the PF: its VF settings are not read (null), and the text says so.
    expect(devs['0000:41:00.0'].vfSettings).toBeNull();
    expect(devs['0000:41:00.2'].vfSettings).toBeNull();
    expect((await run(['list', '--root', root], { NO_COLOR: '1' })).stdout).toMatch(
      /0000:41:00.0 .*SR-IOV 1\/8 VFs\n      VF settings: not read \(no network interface, or ip -d -j link show failed\)/,
    );
    expect(j.vms).toEqual([
      {
        vmid: 900,
        name: 'nfv',
        running: false,
        machine: null,
        bios: null,
        hostpci: [{ slot: 'hostpci0', raw: '41:00.2', hosts: ['41:00.2'], mapping: null, options: {} }],
      },
    ]);
  });

  it('prints groups for a human, VFs under their PF, without colour when NO_COLOR is set', async () => {
    const r = await run(['list', '--root', join(FIXTURES, 'guide')], { NO_COLOR: '1', LANG: 'C' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout).toMatch(/IOMMU group 14  \[ok\] isolated/);
    expect(r.stdout).toMatch(/IOMMU group 18  \[!!\] host-critical\n(  - .*\n)*  - .*ZFS pool rpool/);
    // Under the PF: each VF's settings as the driver reports them (the recorded ip -d -j link show), then the VFs.
    expect(r.stdout).toContain(
      '0000:04:00.0 [8086:1572] Ethernet Controller X710 for 10GbE SFP+  driver: i40e SR-IOV 4/32 VFs\n' +
        '      VF settings (enp4s0f0):\n' +
        '        VF 0 0000:04:02.0: mac bc:24:11:00:01:10, vlan 10, trust off, spoofchk on, link auto\n' +
        '        VF 1 0000:04:02.1: no mac set, no vlan, trust off, spoofchk on, link auto\n',
    );
    expect(r.stdout).toMatch(
      /VF 3 0000:04:02.3: .*\n      VFs in their own groups: 0000:04:02.0 \(group 40\), 0000:04:02.1 \(group 41\)/,
    );
    // The second port has no VFs: nothing under it.
    expect(r.stdout).toMatch(/0000:04:00.1 \[8086:1572\].*SR-IOV 0\/32 VFs\n\n/);
    expect(r.stdout).toMatch(/IOMMU group 40 .*\n.*\n    0000:04:02.0 .*driver: vfio-pci  used by VM 100 \(running\)/);
  });

  it('--json: each SR-IOV PF carries its VF settings with the VF addresses (docs/list-json.md)', async () => {
    const j = JSON.parse((await run(['list', '--root', join(FIXTURES, 'guide'), '--json'])).stdout);
    const devs = Object.fromEntries(
      j.groups
        .flatMap((g: { devices: Array<{ address: string }> }) => g.devices)
        .map((d: { address: string }) => [d.address, d]),
    );
    expect(devs['0000:04:00.0'].vfSettings.ifname).toBe('enp4s0f0');
    expect(devs['0000:04:00.0'].vfSettings.vfs).toHaveLength(4);
    expect(devs['0000:04:00.0'].vfSettings.vfs[0]).toEqual({
      address: '0000:04:02.0',
      vf: 0,
      mac: 'bc:24:11:00:01:10',
      vlan: 10,
      qos: 0,
      trust: false,
      spoofchk: true,
      state: 'auto',
    });
    expect(devs['0000:04:00.1'].vfSettings).toEqual({ ifname: 'enp4s0f1', vfs: [] });
    expect(devs['0000:04:02.0'].vfSettings).toBeNull();
    expect(devs['0000:03:00.0'].vfSettings).toBeNull();
  });

  it('IOMMU off: devices listed under a clear heading', async () => {
    const r = await run(['list', '--root', join(FIXTURES, 'iommu-off')], { LANG: 'C' });
    expect(r.stdout).toMatch(/No IOMMU groups \(IOMMU is off\)  \[--\] no-iommu/);
    expect(r.stdout).toMatch(/0000:03:00.1 \[8086:1521\]/);
  });

  it('fails clearly on a missing root and on an unknown option', async () => {
    const r = await run(['list', '--root', '/nonexistent-root']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--root \/nonexistent-root: no such folder/);
    expect((await run(['list', '--bogus'])).code).toBe(2);
  });
});
