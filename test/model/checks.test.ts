// Pre-flight checks, each rule on a copy of a fixture host changed the way an operator's node
// drifts: a card moved, a VM edited by hand, a mapping saved on another node.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHost, type Finding } from '../../src/model/checks.ts';
import { fixtureSnapshot, readAt } from '../helpers/snapshots.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

/** The guide host with extra files written over it (paths relative to the root). */
async function guideWith(files: Record<string, string>): Promise<Finding[]> {
  const root = copyFixture('guide');
  roots.push(root);
  for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
  return checkHost(await readAt(root));
}
const vm = (name: string, lines: string) => `name: ${name}\ncores: 2\nmemory: 2048\n${lines}`;
const about = (fs: Finding[], where: string) => fs.filter((f) => f.where === where);
/** The findings about VM 105's hostpci0, with 105.conf holding `lines`. */
const vm105 = async (lines: string) =>
  about(await guideWith({ 'etc/pve/qemu-server/105.conf': vm('t', lines) }), 'VM 105 hostpci0');

describe('pre-flight checks', () => {
  it('on the reference host finds only the hand-made mapping Proxmox would refuse, and names the fix', async () => {
    const fs = checkHost(await fixtureSnapshot('guide'));
    expect(fs.map((f) => [f.severity, f.where, f.addresses])).toEqual([['error', 'VM 104 hostpci0', ['0000:04:02.1']]]);
    expect(fs[0]!.message).toBe(
      "mapping 'x710-vf': its entry for 0000:04:02.1 has no subsystem-id (the device's is 8086:0000): Proxmox refuses it (\"no 'subsystem-id'\"), so the VM will not start",
    );
    expect(fs[0]!.fix).toBe(
      'pve-passthrough apply --mapping x710-vf=04:02.1 fills it in, or: pvesh set /cluster/mapping/pci/x710-vf --map id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1,subsystem-id=8086:0000',
    );
  });

  it('a mapping entry without what the device has (subsystem-id, iommugroup) or with another subsystem is an error', async () => {
    const cfg =
      'nosub\n\tmap id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2\n\n' +
      'nogroup\n\tmap id=8086:154c,node=pve1,path=0000:04:02.3,subsystem-id=8086:0000\n' +
      '\tmap id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000\n\n' +
      'othersub\n\tmap id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=1028:1f00\n\n' +
      'whole\n\tmap id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000\n\n' +
      'pool\n\tmap id=8086:154c,node=pve1,path=0000:04:02.2;0000:04:02.3\n';
    const names = ['nosub', 'nogroup', 'othersub', 'whole', 'pool'];
    // One VM per mapping (110..114), so no two lines of a VM share a device.
    const fs = await guideWith({
      'etc/pve/mapping/pci.cfg': cfg,
      ...Object.fromEntries(
        names.map((n, k) => [`etc/pve/qemu-server/${110 + k}.conf`, vm(n, `hostpci0: mapping=${n}\n`)]),
      ),
    });
    const of = (n: string) => about(fs, `VM ${110 + names.indexOf(n)} hostpci0`);
    const [nosub] = of('nosub');
    expect(nosub?.message).toContain("its entry for 0000:04:02.2 has no subsystem-id (the device's is 8086:0000)");
    expect(nosub?.fix).toContain(
      'pvesh set /cluster/mapping/pci/nosub --map id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000',
    );
    // Each entry's first path carries the group: both entries are given back, the one without it filled in.
    const [nogroup] = of('nogroup');
    expect(nogroup?.message).toContain('its entry for 0000:04:02.3 has no iommugroup (the device is in group 43)');
    expect(nogroup?.fix).toContain(
      '--map id=8086:154c,iommugroup=43,node=pve1,path=0000:04:02.3,subsystem-id=8086:0000 --map id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000',
    );
    expect(of('othersub').map((f) => f.message)).toEqual([
      "mapping 'othersub' expects subsystem 1028:1f00 for 0000:04:02.2, but it has 8086:0000 (Ethernet Virtual Function 700 Series): Proxmox refuses to start the VM",
    ]);
    expect(of('whole')).toEqual([]);
    // Alternatives (path a;b) lacking both: one finding naming every path it is about; the fix fills in both.
    const pool = of('pool');
    expect(pool.map((f) => [f.message.replace(/ \(.*/, ''), f.addresses])).toEqual([
      [
        "mapping 'pool': its entry for 0000:04:02.2, 0000:04:02.3 has no subsystem-id",
        ['0000:04:02.2', '0000:04:02.3'],
      ],
    ]);
    expect(pool[0]!.fix).toContain(
      '--map id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2;0000:04:02.3,subsystem-id=8086:0000',
    );
  });

  it('a hostpci address with no device behind it is an error that says what to do', async () => {
    const [f] = await vm105('hostpci0: 0000:0a:00.0\n');
    expect(f?.severity).toBe('error');
    expect(f?.message).toContain('no device at 0000:0a:00.0');
    expect(f?.fix).toContain('qm set 105 --delete hostpci0');
  });

  it('a missing VF names its PF and the VF count that brings it back', async () => {
    const [f] = await vm105('hostpci0: 0000:04:02.5\n');
    expect(f?.fix).toContain('VF 5 of 0000:04:00.0, which has 4 VFs now: set its VF count to at least 6');
  });

  it('pcie=1 on an i440fx VM is an error; OVMF without efidisk a warning', async () => {
    const fs = await guideWith({
      'etc/pve/qemu-server/105.conf': vm('gpu', 'bios: ovmf\nhostpci0: 0000:07:00,pcie=1\n'),
    });
    const pcie = about(fs, 'VM 105 hostpci0');
    expect(pcie.map((f) => f.severity)).toEqual(['error']);
    expect(pcie[0]!.message).toContain('pcie=1 needs the q35 machine type, this VM is i440fx (default)');
    expect(pcie[0]!.addresses).toEqual(['0000:07:00.0', '0000:07:00.1']);
    expect(about(fs, 'VM 105').map((f) => [f.severity, f.message.slice(0, 30)])).toEqual([
      ['warning', 'OVMF without an efidisk0: UEFI'],
    ]);
  });

  it('a VM that starts at boot with a device from a host-critical group is an error naming what the host loses', async () => {
    const [f] = await vm105('onboot: 1\nhostpci0: 0000:00:1f.6\n');
    expect(f?.severity).toBe('error');
    expect(f?.message).toContain('vmbr0');
    expect(f?.fix).toContain('qm set 105 --onboot 0');
    // Not at boot: the same line is a warning.
    expect((await vm105('hostpci0: 0000:00:1f.6\n')).map((x) => x.severity)).toEqual(['warning']);
  });

  it('one device in two VMs: a warning, an error when both start at boot', async () => {
    const two = {
      'etc/pve/qemu-server/105.conf': vm('a', 'machine: q35\nhostpci0: 0000:07:00,pcie=1\n'),
      'etc/pve/qemu-server/106.conf': vm('b', 'machine: q35\nhostpci1: 0000:07:00.0,pcie=1\n'),
    };
    const fs = await guideWith(two);
    const f = about(fs, '0000:07:00.0');
    expect(f.map((x) => x.severity)).toEqual(['warning']);
    expect(f[0]!.message).toContain('VM 105 hostpci0, VM 106 hostpci1');
    expect(about(fs, 'IOMMU group 19')).toEqual([]); // the same pair is not reported twice as a group split
    const boot = await guideWith({
      ...two,
      'etc/pve/qemu-server/105.conf': `onboot: 1\n${two['etc/pve/qemu-server/105.conf']}`,
      'etc/pve/qemu-server/106.conf': `onboot: 1\n${two['etc/pve/qemu-server/106.conf']}`,
    });
    expect(about(boot, '0000:07:00.0').map((x) => x.severity)).toEqual(['error']);
  });

  it('one IOMMU group split across two VMs', async () => {
    const fs = await guideWith({
      'etc/pve/qemu-server/105.conf': vm('a', 'hostpci0: 0000:00:1f.4\n'),
      'etc/pve/qemu-server/106.conf': vm('b', 'hostpci0: 0000:00:1f.5\n'),
    });
    const [f] = about(fs, 'IOMMU group 9');
    expect(f?.message).toContain('split across VMs 105, 106 (0000:00:1f.4, 0000:00:1f.5)');
  });

  it('mappings: unknown, not for this node, wrong card behind the path; a pool shared by VMs is fine', async () => {
    const cfg =
      'x710-vf\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1\n' +
      'elsewhere\n\tmap id=8086:1521,node=pve2,path=0000:03:00.0\n' +
      'swapped\n\tmap id=10de:1b80,iommugroup=15,node=pve1,path=0000:03:00.0\n' +
      'pool\n\tmap id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2;0000:04:02.3,subsystem-id=8086:0000\n';
    const fs = await guideWith({
      'etc/pve/mapping/pci.cfg': cfg,
      'etc/pve/qemu-server/105.conf': vm(
        'a',
        'hostpci0: mapping=nope\nhostpci1: mapping=elsewhere\nhostpci2: mapping=swapped\nhostpci3: mapping=pool\n',
      ),
      'etc/pve/qemu-server/106.conf': vm('b', 'hostpci0: mapping=pool\n'),
    });
    expect(about(fs, 'VM 105 hostpci0')[0]?.message).toContain("mapping 'nope' is not defined");
    expect(about(fs, 'VM 105 hostpci1')[0]?.message).toContain('has no entry for node pve1');
    expect(about(fs, 'VM 105 hostpci2')[0]?.message).toContain('expects 10de:1b80 at 0000:03:00.0, but 8086:1521');
    expect(about(fs, 'VM 105 hostpci3')).toEqual([]);
    expect(fs.filter((f) => f.addresses.includes('0000:04:02.2'))).toEqual([]);
  });

  it('a mapping no VM uses yet that Proxmox would refuse here is a warning; one fine here, or for another node only, is not', async () => {
    const cfg =
      'x710-vf\n\tmap id=8086:154c,iommugroup=41,node=pve1,path=0000:04:02.1,subsystem-id=8086:0000\n\n' +
      'spare\n\tmap id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2\n\n' +
      'gone\n\tmap id=8086:154c,node=pve1,path=0000:0a:00.0\n\n' +
      'fine\n\tmap id=8086:154c,iommugroup=43,node=pve1,path=0000:04:02.3,subsystem-id=8086:0000\n\n' +
      'remote\n\tmap id=8086:154c,node=pve2,path=0000:41:02.0\n';
    const fs = await guideWith({ 'etc/pve/mapping/pci.cfg': cfg });
    expect(fs.map((f) => [f.severity, f.where, f.addresses])).toEqual([
      ['warning', 'mapping spare', ['0000:04:02.2']],
      ['warning', 'mapping gone', ['0000:0a:00.0']],
    ]);
    expect(fs[0]!.message).toBe(
      "its entry for 0000:04:02.2 has no subsystem-id (the device's is 8086:0000): Proxmox refuses it (\"no 'subsystem-id'\"): a VM given mapping 'spare' will not start on this node",
    );
    expect(fs[0]!.fix).toContain(
      'pvesh set /cluster/mapping/pci/spare --map id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id=8086:0000',
    );
    expect(fs[1]!.message).toContain('0000:0a:00.0 is not there');
    expect(fs[1]!.fix).toContain('--unmap gone');
  });

  it('vfio-pci ids: a leftover id, and a reserved card the host driver won', async () => {
    const root = 'etc/modprobe.d/vfio.conf';
    const fs = await guideWith({
      [root]: 'options vfio-pci ids=1000:0097,dead:beef,10de:1b80\nsoftdep mpt3sas pre: vfio-pci\n',
    });
    expect(about(fs, root).map((f) => f.message)).toEqual([
      'vfio-pci ids= lists dead:beef, which matches no device on this node: a leftover',
    ]);
    const [gpu] = about(fs, '0000:07:00.0');
    expect(gpu?.message).toContain("the host driver nouveau has it: no 'softdep nouveau pre: vfio-pci'");
  });

  it('IOMMU off with passthrough VMs is an error; errors come before warnings', async () => {
    const fs = checkHost(await fixtureSnapshot('iommu-off'));
    expect(fs[0]?.where).toBe('host');
    expect(fs[0]?.message).toMatch(/IOMMU is off, yet 1 VM has PCI devices/);
    const consumer = checkHost(await fixtureSnapshot('consumer'));
    const sev = consumer.map((f) => f.severity);
    expect(sev).toEqual([...sev].sort());
  });
});
