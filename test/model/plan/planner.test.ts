import { beforeAll, describe, expect, it } from 'vitest';
import { planChanges } from '../../../src/model/plan/index.ts';
import { OWN } from '../../../src/model/plan/files.ts';
import type { AssignOptions, HostSnapshot, Plan } from '../../../src/model/types.ts';
import { fixtureSnapshot } from '../../helpers/snapshots.ts';

const edit = (p: Plan, path: string) => p.edits.find((e) => e.path === path);
const commands = (p: Plan) =>
  p.steps.filter((s) => s.kind === 'command').map((s) => (s as { argv: string[] }).argv.join(' '));
const messages = (l: Array<{ message: string }>) => l.map((w) => w.message).join('\n');
const OPTS: AssignOptions = { allFunctions: false, pcie: true, xVga: false, rombar: true };

let guide: HostSnapshot;
let consumer: HostSnapshot;
let off: HostSnapshot;
beforeAll(async () => {
  [guide, consumer, off] = await Promise.all([
    fixtureSnapshot('guide'),
    fixtureSnapshot('consumer'),
    fixtureSnapshot('iommu-off'),
  ]);
});

describe('reservations', () => {
  it('reserves by address, guarded by vendor:device, when an identical card stays with the host', () => {
    const p = planChanges(guide, [
      { kind: 'reserve', address: '0000:03:00.0' },
      { kind: 'reserve', address: '0000:03:00.1' },
    ]);
    const script = edit(p, OWN.initTop)!;
    expect(script.before).toBeNull();
    expect(script.mode).toBe(0o755);
    expect(script.after).toContain('bind 0000:03:00.0 8086:1521\nbind 0000:03:00.1 8086:1521\n');
    expect(script.after).toContain('echo vfio-pci >"$dev/driver_override"'); // what it does is tested by running it: test/host/init-top.test.ts
    expect(script.after).toMatch(/if \[ "\$found" != "\$2" \]/);
    expect(edit(p, OWN.modprobe)).toBeUndefined(); // no ids= line: it would catch 08:00 too
    expect(messages(p.warnings)).toMatch(/0000:08:00.0, 0000:08:00.1 share the id 8086:1521/);
    // The recovery entry comes with the first reservation (test/model/plan/recovery.test.ts).
    expect(commands(p)).toEqual([
      'update-initramfs -u -k all',
      'proxmox-boot-tool refresh',
      '/etc/kernel/postinst.d/zz-pve-passthrough-recovery',
    ]);
    expect(p.rebootRequired).toBe(true);
  });

  it('reserves by id (with softdep) when every card with that id is chosen: the id joins the one list in vfio.conf', () => {
    const all = ['0000:03:00.0', '0000:03:00.1', '0000:08:00.0', '0000:08:00.1'].map((address) => ({
      kind: 'reserve' as const,
      address,
    }));
    const p = planChanges(guide, all);
    expect(edit(p, 'etc/modprobe.d/vfio.conf')!.after).toContain('options vfio-pci ids=1000:0097,8086:1521\n');
    expect(edit(p, OWN.modprobe)!.after).toContain('softdep igb pre: vfio-pci\n');
    expect(edit(p, OWN.modprobe)!.after).not.toContain('ids=');
    expect(edit(p, OWN.initTop)).toBeUndefined();
  });

  it('is idempotent: planning what is already true gives an empty plan', () => {
    expect(planChanges(guide, [{ kind: 'reserve', address: '0000:01:00.0' }])).toMatchObject({
      edits: [],
      steps: [],
      rebootRequired: false,
    });
    expect(planChanges(guide, [])).toMatchObject({ edits: [], steps: [] });
    expect(planChanges(guide, [{ kind: 'release', address: '0000:03:00.0' }])).toMatchObject({ edits: [], steps: [] });
  });

  it('release removes only its id from a hand-written file, other lines untouched', () => {
    const p = planChanges(guide, [{ kind: 'release', address: '0000:01:00.0' }]);
    const e = edit(p, 'etc/modprobe.d/vfio.conf')!;
    expect(e.after).toBe('# HBA for TrueNAS (VM 101)\nsoftdep mpt3sas pre: vfio-pci\n');
    expect(commands(p)).toContain('update-initramfs -u -k all');
  });

  it('blocks a host-critical group and names what the host loses; force turns it into a warning', () => {
    const p = planChanges(guide, [{ kind: 'reserve', address: '0000:06:00.0' }]);
    expect(messages(p.errors)).toMatch(/host-critical.*ZFS pool rpool/);
    const forced = planChanges(guide, [{ kind: 'reserve', address: '0000:06:00.0', force: true }]);
    expect(forced.errors).toEqual([]);
    expect(messages(forced.warnings)).toMatch(/OVERRIDDEN.*rpool/);
  });

  it('refuses one device of a shared group alone (a warning with an override), and nothing once the group is staged whole', () => {
    // The consumer chipset group is host-critical (management NIC); force it to look at sharing.
    const one = planChanges(consumer, [{ kind: 'reserve', address: '0000:06:00.0', force: true }]);
    expect(messages(one.warnings)).toMatch(/OVERRIDDEN/);
    const g = {
      ...consumer,
      groups: consumer.groups.map((x) => (x.id === 13 ? { ...x, isolation: 'shared' as const } : x)),
    };
    const alone = planChanges(g, [{ kind: 'reserve', address: '0000:06:00.0' }]);
    expect(messages(alone.errors)).toMatch(/group 13 is shared: .*0000:02:00.0.*stage the whole group/);
    const forced = planChanges(g, [{ kind: 'reserve', address: '0000:06:00.0', force: true }]);
    expect(forced.errors).toEqual([]);
    expect(messages(forced.warnings)).toMatch(/group 13 is shared: .*reserved alone by override/);
    const whole = g.devices
      .filter((d) => d.iommuGroup === 13 && !d.isBridge)
      .map((d) => ({ kind: 'reserve' as const, address: d.address }));
    expect(messages(planChanges(g, whole).warnings)).not.toMatch(/is shared/);
  });

  it('AMD with AMD-Vi on by default: loads the vfio modules, leaves the kernel command line alone', () => {
    const p = planChanges(consumer, [{ kind: 'assign', address: '0000:01:00.0', vmid: 201, options: OPTS }]);
    expect(edit(p, 'etc/default/grub')).toBeUndefined();
    expect(edit(p, OWN.modulesLoad)!.after).toContain('vfio\nvfio_iommu_type1\nvfio_pci\n');
    expect(commands(p)).toEqual([
      'qm set 201 --hostpci0 0000:01:00.0,pcie=1 --machine q35',
      'update-initramfs -u -k all',
    ]);
  });

  it('IOMMU off with VT-d in the firmware (DMAR): turns it on with intel_iommu=on', () => {
    const p = planChanges(off, [{ kind: 'reserve', address: '0000:03:00.0' }]);
    expect(edit(p, 'etc/default/grub')!.after).toContain('"quiet intel_iommu=on iommu=pt"');
    expect(commands(p)).toContain('update-grub');
  });
});

describe('VF counts', () => {
  it('goes through 0 when changing a non-zero count, and persists it', () => {
    const p = planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.0', count: 8 }]);
    const sys = p.steps.filter((s) => s.kind === 'sysfs');
    expect(sys.map((s) => (s as { value: string }).value)).toEqual(['0', '8']);
    expect(edit(p, OWN.sriovRules)!.after).toContain(
      'ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:04:00.0", DRIVER=="i40e", ATTR{sriov_numvfs}="8"',
    ); // after the PF driver binds
    expect(p.rebootRequired).toBe(false);
  });

  it('rejects impossible counts and devices without SR-IOV', () => {
    expect(messages(planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.0', count: 33 }]).errors)).toMatch(
      /out of range: 0\.\.32/,
    );
    expect(messages(planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.0', count: -1 }]).errors)).toMatch(
      /out of range/,
    );
    expect(messages(planChanges(guide, [{ kind: 'vfs', address: '0000:03:00.0', count: 2 }]).errors)).toMatch(
      /no SR-IOV/,
    );
  });

  it('warns about VFs that disappear while a VM uses them', () => {
    const p = planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.0', count: 1 }]);
    expect(p.warnings.filter((w) => /disappears/.test(w.message)).map((w) => `${w.where}: ${w.message}`)).toEqual([
      '0000:04:02.1: this VF disappears but is used by VM 104 (that VM will not start)',
    ]);
  });

  it('blocks taking a VF away from a running VM, even for a moment (the write would hang on QEMU)', () => {
    // VM 100 (running) uses 04:02.0: going 4 -> 8 passes through 0.
    const up = planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.0', count: 8 }]);
    expect(up.errors.map((e) => `${e.where}: ${e.message}`)).toEqual([
      '0000:04:02.0: this VF goes away for a moment (the count changes through 0) while VM 100 runs with it: shut it down first',
    ]);
    const off = planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.0', count: 0 }]);
    expect(off.errors.map((e) => e.where)).toEqual(['0000:04:02.0']);
    expect(messages(off.errors)).toMatch(/disappears while VM 100 runs with it/);
    // The other PF has no VF in use: nothing blocks.
    expect(planChanges(guide, [{ kind: 'vfs', address: '0000:04:00.1', count: 8 }]).errors).toEqual([]);
  });
});

describe('VM assignments', () => {
  it('uses qm set with the first free slot, adds q35 for PCI-Express, shows the exact config diff', () => {
    const p = planChanges(guide, [
      { kind: 'assign', address: '0000:07:00.0', vmid: 102, options: { ...OPTS, allFunctions: true, xVga: true } },
    ]);
    expect(commands(p)[0]).toBe('qm set 102 --hostpci0 0000:07:00,pcie=1,x-vga=1 --machine q35');
    const e = edit(p, 'etc/pve/qemu-server/102.conf')!;
    expect(e.writer).toBe('command');
    expect(e.after).toBe(
      e
        .before!.replace('machine: pc-i440fx-8.1', 'machine: q35')
        .replace('ostype: win11\n', 'ostype: win11\nhostpci0: 0000:07:00,pcie=1,x-vga=1\n'),
    );
    expect(messages(p.warnings)).toMatch(/SeaBIOS: a GPU is best passed to an OVMF/);
    expect(messages(p.warnings)).toMatch(/machine type changes/);
  });

  it('the OVMF advice is for GPUs only: a NIC to the same SeaBIOS VM gets none', () => {
    const p = planChanges(guide, [{ kind: 'assign', address: '0000:03:00.0', vmid: 102, options: OPTS }]);
    expect(messages(p.warnings)).not.toMatch(/SeaBIOS|OVMF/);
  });

  it("queues a running VM's change in [PENDING] and warns; snapshots untouched", () => {
    const p = planChanges(guide, [{ kind: 'assign', address: '0000:07:00.0', vmid: 101, options: OPTS }]);
    const e = edit(p, 'etc/pve/qemu-server/101.conf')!;
    expect(e.after).toBe(`${e.before}\n[PENDING]\nhostpci1: 0000:07:00.0,pcie=1\n`.replace('\n\n\n', '\n\n'));
    expect(messages(p.warnings)).toMatch(/running.*next start/);
  });

  it('warns for a device already used by another VM, OVMF without efidisk; blocks host-critical groups', () => {
    const p = planChanges(guide, [{ kind: 'assign', address: '0000:01:00.0', vmid: 103, options: OPTS }]);
    expect(messages(p.warnings)).toMatch(/already used by VM 101/);
    expect(messages(p.warnings)).toMatch(/OVMF without an efidisk0/);
    const snap103 = p.edits.find((x) => x.path.endsWith('103.conf'))!;
    expect(snap103.after!.slice(snap103.after!.indexOf('[PENDING]'))).toBe(
      snap103.before!.slice(snap103.before!.indexOf('[PENDING]')),
    );
    expect(
      messages(planChanges(guide, [{ kind: 'assign', address: '0000:05:00.0', vmid: 103, options: OPTS }]).errors),
    ).toMatch(/host-critical.*boot VGA/);
  });

  it('unassigns through qm set --delete, and an assignment that exists is a no-op', () => {
    const p = planChanges(guide, [{ kind: 'unassign', vmid: 104, slot: 'hostpci0' }]);
    expect(commands(p)).toEqual(['qm set 104 --delete hostpci0']);
    expect(edit(p, 'etc/pve/qemu-server/104.conf')!.after).not.toContain('hostpci0');
    expect(
      planChanges(guide, [{ kind: 'assign', address: '0000:01:00.0', vmid: 101, options: { ...OPTS, pcie: true } }])
        .steps,
    ).toEqual([]);
    expect(
      messages(planChanges(guide, [{ kind: 'assign', address: '0000:01:00.0', vmid: 999, options: OPTS }]).errors),
    ).toMatch(/no such VM/);
  });
});
