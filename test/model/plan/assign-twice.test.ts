// A device a VM already has is never added again (QEMU refuses to start a VM with a device
// twice): by address, by another function of a slot passed whole, through a mapping, inside a
// `;` list, or twice in one plan. existingAssignment() tells the UI which line to edit instead.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existingAssignment } from '../../../src/model/assigned.ts';
import { planChanges } from '../../../src/model/plan/index.ts';
import type { AssignOptions, HostSnapshot, Intent, Plan } from '../../../src/model/types.ts';
import { fixtureSnapshot, readAt } from '../../helpers/snapshots.ts';
import { copyFixture, removeTree } from '../../helpers/tree.ts';

const OPTS: AssignOptions = { allFunctions: false, pcie: true, xVga: false, rombar: true };
const assign = (address: string, vmid: number, o: Partial<AssignOptions> = {}): Intent => ({
  kind: 'assign',
  address,
  vmid,
  options: { ...OPTS, ...o },
});
const errors = (p: Plan) => p.errors.map((e) => `${e.where}: ${e.message}`).join('\n');
const vmEdit = (p: Plan, vmid: number) => p.edits.find((e) => e.path === `etc/pve/qemu-server/${vmid}.conf`);

describe('a device assigned twice', () => {
  const dirs: string[] = [];
  let byHand: HostSnapshot, guide: HostSnapshot;
  beforeAll(async () => {
    [byHand, guide] = await Promise.all([fixtureSnapshot('by-hand'), fixtureSnapshot('guide')]);
  });
  afterAll(() => dirs.forEach(removeTree));
  const withVm = async (name: string, vmid: number, conf: string) => {
    const root = copyFixture(name);
    dirs.push(root);
    writeFileSync(join(root, `etc/pve/qemu-server/${vmid}.conf`), conf);
    return readAt(root);
  };

  it('the GPU VM 200 already has (hostpci0: 0000:07:00,pcie=1,x-vga=1) is refused, naming hostpci0; nothing is written', () => {
    const p = planChanges(byHand, [assign('0000:07:00.0', 200)]);
    expect(errors(p)).toMatch(
      /^VM 200: cannot add 0000:07:00.0 again: VM 200 already has it as hostpci0: 0000:07:00,pcie=1,x-vga=1.*change hostpci0's options instead, or remove hostpci0 first/,
    );
    expect(vmEdit(p, 200)).toBeUndefined();
    // All functions as the existing line, other options: still the same card.
    expect(errors(planChanges(byHand, [assign('0000:07:00.0', 200, { allFunctions: true })]))).toMatch(
      /cannot add 0000:07:00 again: .*hostpci0/,
    );
  });

  it('another function of a slot passed whole: the GPU audio 07:00.1 is in VM 200 already', () => {
    expect(errors(planChanges(byHand, [assign('0000:07:00.1', 200)]))).toMatch(
      /cannot add 0000:07:00.1 again: VM 200 already has it as hostpci0: 0000:07:00,pcie=1,x-vga=1 \(0000:07:00: the same card, all functions\)/,
    );
    expect(
      existingAssignment(
        byHand.vms.find((v) => v.vmid === 200)!,
        '0000:07:00.1',
      ),
    ).toMatchObject({ vmid: 200, slot: 'hostpci0', via: 'slot', id: '0000:07:00' });
  });

  it('one function in the VM: the other function alone may join, the whole slot may not', async () => {
    const s = await withVm(
      'by-hand',
      200,
      'bios: ovmf\nefidisk0: local-lvm:vm-200-disk-1,size=4M\nhostpci0: 0000:07:00.0,pcie=1,x-vga=1\nmachine: q35\nname: gaming\n',
    );
    const ok = planChanges(s, [assign('0000:07:00.1', 200)]);
    expect(ok.errors).toEqual([]);
    expect(vmEdit(ok, 200)!.after).toContain('hostpci1: 0000:07:00.1,pcie=1');
    expect(errors(planChanges(s, [assign('0000:07:00.1', 200, { allFunctions: true })]))).toMatch(
      /cannot add 0000:07:00 again: VM 200 already has it as hostpci0: 0000:07:00.0,pcie=1,x-vga=1 \(0000:07:00.0: the same card\)/,
    );
    expect(
      existingAssignment(
        s.vms.find((v) => v.vmid === 200)!,
        '0000:07:00.1',
      ),
    ).toBeNull();
    expect(
      existingAssignment(
        s.vms.find((v) => v.vmid === 200)!,
        '0000:07:00.1',
        { allFunctions: true },
      ),
    ).toMatchObject({ slot: 'hostpci0', via: 'slot' });
  });

  it('through a mapping: VM 104 has mapping=x710-vf, which is 04:02.1 on this node', () => {
    const p = planChanges(guide, [assign('0000:04:02.1', 104)]);
    expect(errors(p)).toMatch(
      /cannot add 0000:04:02.1 again: VM 104 already has it as hostpci0: mapping=x710-vf through mapping 'x710-vf' \(0000:04:02.1\)/,
    );
    const vm104 = guide.vms.find((v) => v.vmid === 104)!;
    expect(existingAssignment(vm104, '0000:04:02.1', { mappings: guide.mappings, node: guide.nodeName })).toMatchObject(
      { slot: 'hostpci0', via: 'mapping' },
    );
    expect(existingAssignment(vm104, '0000:04:02.1', { mappings: guide.mappings, node: 'other-node' })).toBeNull();
    // Another VF of the same PF is another device.
    expect(planChanges(guide, [assign('0000:04:02.2', 104)]).errors).toEqual([]);
  });

  it('inside a ;-joined list, in any spelling of the address', async () => {
    const s = await withVm(
      'guide',
      102,
      'cores: 8\nhostpci0: 03:00.0;0000:03:00.1\nmachine: q35\nname: win11-gaming\n',
    );
    expect(errors(planChanges(s, [assign('0000:03:00.1', 102)]))).toMatch(
      /cannot add 0000:03:00.1 again: VM 102 already has it as hostpci0: 03:00.0;0000:03:00.1/,
    );
    expect(errors(planChanges(s, [assign('0000:03:00.0', 102)]))).toMatch(/VM 102 already has it as hostpci0/);
  });

  it('twice in one plan, also on a running VM (the first lands in [PENDING])', () => {
    const p = planChanges(guide, [assign('0000:03:00.0', 100), assign('0000:03:00.0', 100, { pcie: false })]);
    expect(errors(p)).toMatch(/cannot add 0000:03:00.0 again: VM 100 already has it as hostpci1: 0000:03:00.0,pcie=1/);
  });

  it('an identical line is already true (no change, no error); removing the line first lets the device move in', () => {
    const same = planChanges(byHand, [assign('0000:07:00.0', 200, { allFunctions: true, xVga: true })]);
    expect(same).toMatchObject({ errors: [], edits: [] });
    const moved = planChanges(byHand, [assign('0000:07:00.0', 200), { kind: 'unassign', vmid: 200, slot: 'hostpci0' }]);
    expect(moved.errors).toEqual([]);
    expect(
      moved.steps.filter((x) => x.kind === 'command').map((x) => (x as { argv: string[] }).argv.join(' ')),
    ).toContain('qm set 200 --hostpci1 0000:07:00.0,pcie=1 --delete hostpci0');
  });
});
