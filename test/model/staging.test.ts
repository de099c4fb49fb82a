// What staging means on a host (model/staging.ts), decided without a store: the store only shows it.
import { beforeAll, describe, expect, it } from 'vitest';
import { planChanges } from '../../src/model/plan/index.ts';
import {
  assignFindings,
  decideReserve,
  describeIntent,
  iommuOffExplanation,
  withIntents,
} from '../../src/model/staging.ts';
import type { HostSnapshot, Intent } from '../../src/model/types.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';

let guide: HostSnapshot;
let byHand: HostSnapshot;
let off: HostSnapshot;
beforeAll(async () => {
  [guide, byHand, off] = await Promise.all([
    fixtureSnapshot('guide'),
    fixtureSnapshot('by-hand'),
    fixtureSnapshot('iommu-off'),
  ]);
});

describe('decideReserve', () => {
  it('offers the rest of an isolated multi-function group, and stops offering what is staged already', () => {
    expect(decideReserve(guide, [], '0000:03:00.0')).toEqual({
      kind: 'shared',
      groupId: expect.any(Number),
      members: ['0000:03:00.0', '0000:03:00.1'],
      isolated: true,
    });
    expect(decideReserve(guide, [{ kind: 'reserve', address: '0000:03:00.1' }], '0000:03:00.0')).toEqual({
      kind: 'reserve',
    });
  });

  it('a host-critical group asks, saying what the host loses', () => {
    const d = decideReserve(guide, [], '0000:05:00.0');
    expect(d).toMatchObject({ kind: 'critical', members: expect.arrayContaining(['0000:05:00.0']) });
    expect(d.kind === 'critical' && d.lost.join('\n')).toMatch(/0000:05:00\.0: boot VGA device/);
  });

  it('a device reserved at boot is released; one bound to vfio-pci by a VM start is reserved', () => {
    expect(decideReserve(guide, [], '0000:01:00.0')).toEqual({ kind: 'release' });
    expect(decideReserve(guide, [], '0000:04:02.0')).toEqual({ kind: 'reserve' });
  });

  it('on the node set up by hand, what the admin reserved by id counts as reserved', () => {
    const byId = byHand.devices.find((d) => d.driver === 'vfio-pci' && !d.isBridge)!;
    expect(decideReserve(byHand, [], byId.address)).toEqual({ kind: 'release' });
  });

  it('pressing again unstages; bridges and unknown addresses are refused with a reason', () => {
    const staged: Intent = { kind: 'release', address: '0000:01:00.0' };
    expect(decideReserve(guide, [staged], '0000:01:00.0')).toEqual({ kind: 'unstage', intent: staged });
    const bridge = guide.devices.find((d) => d.isBridge)!;
    expect(decideReserve(guide, [], bridge.address)).toEqual({
      kind: 'refuse',
      message: 'Bridges stay with the host.',
    });
    expect(decideReserve(guide, [], '0000:ff:1f.7')).toMatchObject({
      kind: 'refuse',
      message: expect.stringMatching(/not on this host/),
    });
  });
});

describe('staging helpers', () => {
  it('a new intent replaces the one staged for the same device and kind', () => {
    const a: Intent = { kind: 'vfs', address: '0000:04:00.0', count: 2 };
    const b: Intent = { kind: 'vfs', address: '0000:04:00.0', count: 4 };
    const r: Intent = { kind: 'reserve', address: '0000:03:00.0' };
    expect(withIntents([a, r], [b])).toEqual([r, b]);
    expect(describeIntent(b)).toBe('set 4 VFs on 0000:04:00.0');
  });

  it('with the IOMMU off, says what the plan does to turn it on (or why it cannot)', () => {
    const intents: Intent[] = [{ kind: 'reserve', address: off.devices.find((d) => !d.isBridge)!.address }];
    const lines = iommuOffExplanation(off, planChanges(off, intents));
    expect(lines[0]).toMatch(/IOMMU is off/);
    expect(lines[1]).toMatch(/^The plan turns it on in \/etc\/default\/grub: intel_iommu=on/);
    expect(lines[2]).toBe(
      'The kernel command line gains intel_iommu=on iommu=pt, in effect after the reboot that follows the commit.',
    );
  });

  it("the assign dialog gets the planner's own warnings for the assignment, not ones staged before", () => {
    const candidate = {
      kind: 'assign' as const,
      address: '0000:07:00.0',
      vmid: 102,
      options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
    };
    const found = assignFindings(guide, [], candidate);
    const plan = planChanges(guide, [candidate]);
    expect(found.map((f) => f.message)).toEqual([...plan.errors, ...plan.warnings].map((w) => w.message));
    expect(found.some((f) => /q35/.test(f.message))).toBe(true);
  });
});
