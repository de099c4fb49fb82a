// The pre-flight checks on the node as a staged plan would leave it (model/planned.ts), marked
// against the node as it is: what only the plan brings ('new'), what it resolves ('resolved').
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost, findingsSummary, type Finding } from '../../src/model/checks.ts';
import { OWN, initTopText } from '../../src/model/plan/files.ts';
import { planChanges } from '../../src/model/plan/index.ts';
import { checkPlan, plannedSnapshot } from '../../src/model/planned.ts';
import type { AssignOptions, HostSnapshot, Intent } from '../../src/model/types.ts';
import { fixtureSnapshot, readAt } from '../helpers/snapshots.ts';
import { cleanGuide, copyFixture, removeTree } from '../helpers/tree.ts';

const OPTS: AssignOptions = { allFunctions: false, pcie: true, xVga: false, rombar: true };
const assign = (address: string, vmid: number, o: Partial<AssignOptions> = {}): Intent => ({
  kind: 'assign',
  address,
  vmid,
  options: { ...OPTS, ...o },
});
const about = (fs: Finding[], text: RegExp) => fs.filter((f) => text.test(`${f.where}: ${f.message}`));

describe('checks on the plan', () => {
  const dirs: string[] = [];
  let guide: HostSnapshot, byHand: HostSnapshot;
  beforeAll(async () => {
    // The guide with its hand-made mapping filled in: every finding below is about the plan alone.
    const clean = cleanGuide();
    dirs.push(clean);
    [guide, byHand] = await Promise.all([readAt(clean), fixtureSnapshot('by-hand')]);
  });
  afterAll(() => dirs.forEach(removeTree));
  const variant = async (name: string, files: Record<string, string>) => {
    const root = copyFixture(name);
    dirs.push(root);
    for (const [p, t] of Object.entries(files)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), t);
    }
    return readAt(root);
  };

  it('no changes: the same findings as on the node, none marked', () => {
    const { findings, plan } = checkPlan(guide, []);
    expect(plan.edits).toEqual([]);
    expect(findings).toEqual(checkHost(guide));
  });

  it('a device twice in one VM (hostpci1 added by an older version): an error naming hostpci0; removing hostpci1 resolves it', async () => {
    const conf = byHand.files['etc/pve/qemu-server/200.conf']!.replace(
      'hostpci0: 0000:07:00,pcie=1,x-vga=1\n',
      'hostpci0: 0000:07:00,pcie=1,x-vga=1\nhostpci1: 0000:07:00,pcie=1\n',
    );
    const s = await variant('by-hand', { 'etc/pve/qemu-server/200.conf': conf });
    const now = about(checkHost(s), /twice in one VM/);
    expect(now.map((f) => [f.severity, f.where, f.message])).toEqual([
      [
        'error',
        'VM 200 hostpci1',
        '0000:07:00.0 is already in this VM as hostpci0 (0000:07:00,pcie=1,x-vga=1): a device twice in one VM, so it will not start',
      ],
    ]);
    expect(now[0]!.line).toEqual({ vmid: 200, slot: 'hostpci1' });
    expect(checkHost(byHand).some((f) => /twice in one VM/.test(f.message))).toBe(false);
    const { findings } = checkPlan(s, [{ kind: 'unassign', vmid: 200, slot: 'hostpci1' }]);
    expect(about(findings, /twice in one VM/).map((f) => f.plan)).toEqual(['resolved']);
    expect(findingsSummary(findings)).toBe(findingsSummary(checkHost(byHand)));
  });

  it('a group split over two VMs, only because of the plan', () => {
    expect(about(checkHost(guide), /IOMMU group 14/)).toEqual([]);
    const { findings } = checkPlan(guide, [assign('0000:03:00.0', 102, { pcie: false }), assign('0000:03:00.1', 103)]);
    const split = about(findings, /IOMMU group 14: split across VMs 102, 103/);
    expect(split).toHaveLength(1);
    expect(split[0]).toMatchObject({ severity: 'warning', plan: 'new', addresses: ['0000:03:00.0', '0000:03:00.1'] });
  });

  it('an onboot VM that would hold a host-critical group (a running VM: as at its next start, from [PENDING])', () => {
    const { findings, plan } = checkPlan(guide, [assign('0000:00:1f.6', 100)]);
    expect(plan.errors.length).toBeGreaterThan(0); // the planner blocks it too
    const f = about(findings, /starts at boot \(onboot=1\) with 0000:00:1f.6/);
    expect(f).toHaveLength(1);
    // The line is the plan's own: nothing to remove on the node yet, dropping the change fixes it.
    expect(f[0]).toMatchObject({ severity: 'error', where: 'VM 100 hostpci1', plan: 'new', line: null });
    expect(f[0]!.fix).toMatch(/\(hostpci1 comes from the staged changes: dropping that change also fixes it\)$/);
  });

  it('a VF count that takes away a mapped VF: the VM using the mapping will not start', () => {
    const { findings } = checkPlan(guide, [{ kind: 'vfs', address: '0000:04:00.0', count: 1 }]);
    expect(
      about(findings, /mapping 'x710-vf' points at 0000:04:02.1, which is not on this node/).map((f) => f.plan),
    ).toEqual(['new']);
    // More VFs: the new ones exist in the planned node, so nothing about them.
    const more = plannedSnapshot(guide, planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.1', count: 2 }]));
    expect(
      more.devices.filter((d) => d.physfn === '0000:04:00.1').map((d) => [d.address, d.deviceId, d.iommuGroup]),
    ).toEqual([
      ['0000:04:0a.0', '154c', null],
      ['0000:04:0a.1', '154c', null],
    ]);
  });

  it('a reservation by address the host driver holds (the init-top script is there, the initramfs predates it)', async () => {
    const s = await variant('guide', { [OWN.initTop]: initTopText([{ address: '0000:03:00.0', id: '8086:1521' }])! });
    const f = about(checkHost(s), /reserved for vfio-pci by address/);
    expect(f.map((x) => [x.where, x.message, x.fix])).toEqual([
      [
        '0000:03:00.0',
        `reserved for vfio-pci by address (/${OWN.initTop}), but the host driver igb has it: no reboot since, or the initramfs predates the script`,
        'reboot (after update-initramfs -u -k all if nothing ran it since the script was written)',
      ],
    ]);
    // A plan that rebuilds the initramfs (reserving the other port too) resolves it at the next boot.
    const { findings } = checkPlan(s, [{ kind: 'reserve', address: '0000:03:00.1' }]);
    expect(about(findings, /reserved for vfio-pci by address/).map((x) => [x.where, x.plan])).toEqual([
      ['0000:03:00.0', 'resolved'],
    ]);
  });

  it('by address: a leftover, and another card in the slot now', async () => {
    const s = await variant('guide', {
      [OWN.initTop]: initTopText([
        { address: '0000:09:00.0', id: '8086:1521' },
        { address: '0000:07:00.0', id: '10de:2504' },
      ])!,
    });
    const msgs = checkHost(s).map((f) => `${f.where}: ${f.message}`);
    expect(msgs).toContain(
      `0000:09:00.0: reserved for vfio-pci by address (/${OWN.initTop}), but no device is at 0000:09:00.0: a leftover`,
    );
    expect(msgs).toContain(
      '0000:07:00.0: reserved by address for 10de:2504, but 10de:1b80 (GP104 [GeForce GTX 1080]) is there now: the boot script leaves it with its host driver',
    );
  });

  it("by id without a softdep: the host driver still holds the card after the plan's boot, and the fix names the softdep", async () => {
    const s = await variant('guide', {
      'etc/modprobe.d/vfio.conf':
        '# HBA for TrueNAS (VM 101)\noptions vfio-pci ids=1000:0097,10de:1b80,10de:10f0\nsoftdep mpt3sas pre: vfio-pci\n',
    });
    const won = about(checkHost(s), /reserved for vfio-pci by id/);
    expect(won.map((f) => [f.where, f.fix])).toEqual([
      [
        '0000:07:00.0',
        "add 'softdep nouveau pre: vfio-pci' to /etc/modprobe.d/vfio.conf, then update-initramfs -u -k all and reboot",
      ],
      [
        '0000:07:00.1',
        "add 'softdep snd_hda_intel pre: vfio-pci' to /etc/modprobe.d/vfio.conf, then update-initramfs -u -k all and reboot",
      ],
    ]);
    // A plan that rebuilds the initramfs (another reservation) does not change that: still there, not resolved.
    const { findings } = checkPlan(s, [{ kind: 'reserve', address: '0000:03:00.0' }]);
    expect(about(findings, /reserved for vfio-pci by id/).map((f) => [f.where, f.plan])).toEqual([
      ['0000:07:00.0', undefined],
      ['0000:07:00.1', undefined],
    ]);
  });

  it('by id with its softdep but an initramfs that predates it: a plan that rebuilds the initramfs resolves it', async () => {
    const s = await variant('guide', {
      'etc/modprobe.d/vfio.conf':
        'options vfio-pci ids=1000:0097,10de:1b80,10de:10f0\nsoftdep mpt3sas pre: vfio-pci\nsoftdep nouveau pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\n',
    });
    expect(about(checkHost(s), /initramfs may predate the reservation/).map((f) => f.where)).toEqual([
      '0000:07:00.0',
      '0000:07:00.1',
    ]);
    const { findings } = checkPlan(s, [{ kind: 'reserve', address: '0000:03:00.0' }]);
    expect(about(findings, /initramfs may predate the reservation/).map((f) => f.plan)).toEqual([
      'resolved',
      'resolved',
    ]);
    // Without a rebuild (a VM change only) nothing at boot changes: still there.
    const vmOnly = checkPlan(s, [assign('0000:08:00.0', 103)]);
    expect(about(vmOnly.findings, /initramfs may predate the reservation/).map((f) => f.plan)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('the planned node is a copy: the snapshot itself is untouched', () => {
    const before = JSON.stringify(guide);
    plannedSnapshot(
      guide,
      planChanges(guide, [
        assign('0000:03:00.0', 102),
        { kind: 'vfs', address: '0000:04:00.0', count: 1 },
        { kind: 'reserve', address: '0000:07:00.0' },
      ]),
    );
    expect(JSON.stringify(guide)).toBe(before);
  });
});

describe('checks on the plan: the same finding in other words', () => {
  it('IOMMU off and one more VM with a device: the error stays (its wording changes), neither new nor fixed', async () => {
    const root = copyFixture('iommu-off');
    try {
      writeFileSync(join(root, 'etc/pve/qemu-server/301.conf'), 'cores: 2\nmemory: 2048\nname: spare\n');
      const off = await readAt(root);
      expect(
        checkHost(off)
          .filter((f) => f.message.startsWith('IOMMU is off'))
          .map((f) => f.message),
      ).toEqual(['IOMMU is off, yet 1 VM has PCI devices (300): none of them can start']);
      const { findings } = checkPlan(off, [
        { kind: 'assign', address: '0000:03:00.1', vmid: 301, options: { ...OPTS, pcie: false } },
      ]);
      expect(findings.filter((f) => f.message.startsWith('IOMMU is off')).map((f) => [f.message, f.plan])).toEqual([
        ['IOMMU is off, yet 2 VMs have PCI devices (300, 301): none of them can start', undefined],
      ]);
    } finally {
      removeTree(root);
    }
  });
});
