// The TUI's read in two passes (readHostInTwo): the first frame's snapshot without the details
// pane's attributes, then details() gives exactly what the one full read (readHost) gives.
import { readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHost } from '../../src/host/open.ts';
import { DETAILS_SLICE, readHost, readHostInTwo } from '../../src/host/reader.ts';
import { writeHostTree } from '../../src/host/host-tree.ts';
import { largeHost } from '../../src/demo/large-host.ts';
import { RecordingRunner, type CommandRunner } from '../../src/host/runner.ts';
import { BEING_READ, hardwarePciArgv } from '../../src/host/cluster.ts';
import { checkHost } from '../../src/model/checks.ts';
import { groupVerdict } from '../../src/model/isolation.ts';
import { copyFixture, FIXTURES, fingerprint, removeTree, tempDir } from '../helpers/tree.ts';

const DETAILS = [
  'subsystemVendorId',
  'subsystemDeviceId',
  'revision',
  'numaNode',
  'link',
  'resetMethods',
  'driverOverride',
] as const;
const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));

async function both(root: string) {
  const h = openHost({ root });
  return { full: await readHost(h.root, h.runner), two: await readHostInTwo(h.root, h.runner) };
}

describe('two-pass read', () => {
  it('first pass: everything but the details; the second gives what readHost gives', async () => {
    const { full, two } = await both(join(FIXTURES, 'guide'));
    const first = two.snapshot;
    const firstCopy = structuredClone(first);
    for (const d of first.devices) for (const k of DETAILS) expect(d[k], `${d.address} ${k}`).toBeNull();
    // What the tree and the verdicts use is all there already.
    // Nor the VFs' live settings (an ip process per SR-IOV PF on a node).
    const strip = ({ vfInfo: _v, netMacs: _m, ...s }: typeof full) => ({
      ...s,
      devices: s.devices.map((d) => ({ ...d, ...Object.fromEntries(DETAILS.map((k) => [k, null])) })),
    });
    expect(first).toEqual(strip(full));
    expect(Object.keys(full.vfInfo ?? {}).length, 'the guide has VF settings to read').toBeGreaterThan(0);
    expect(first.groups).toEqual(full.groups);
    const i350 = full.devices.find((d) => d.address === '0000:03:00.0')!;
    expect(i350).toMatchObject({
      subsystemVendorId: '8086',
      revision: '01',
      numaNode: 0,
      resetMethods: ['flr', 'bus'],
      link: { speed: '5.0 GT/s PCIe', width: '4' },
    });
    const second = await two.details();
    expect(second).toEqual(full);
    expect(second).not.toBe(first);
    expect(first, 'the first snapshot is left as it was').toEqual(firstCopy);
    expect(checkHost(second)).toEqual(checkHost(full));
    // The verdicts do not depend on the details.
    for (const g of full.groups)
      expect(
        groupVerdict(
          g.id,
          second.devices.filter((d) => g.devices.includes(d.address)),
        ),
      ).toEqual(g);
  });

  it('the first pass runs no ip; the second asks each SR-IOV PF, and a failing ip gives the same notices as readHost', async () => {
    const root = copyFixture('guide');
    trash.push(root);
    const file = join(root, '.fixture/commands.json');
    const canned = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    canned['ip -d -j link show enp4s0f0'] = { exitCode: 1, stderr: 'Cannot find device "enp4s0f0"\n' };
    writeFileSync(file, JSON.stringify(canned));
    const h = openHost({ root });
    const full = await readHost(h.root, h.runner);
    const h2 = openHost({ root });
    const two = await readHostInTwo(h2.root, h2.runner);
    const ipCalls = () => (h2.runner as RecordingRunner).calls.filter((c) => c[0] === 'ip');
    expect(ipCalls()).toEqual([]);
    const second = await two.details();
    expect(ipCalls().length).toBeGreaterThan(0);
    expect(second.notices.some((n) => /ip -d -j link show enp4s0f0 failed/.test(n.message))).toBe(true);
    expect(second.notices).toEqual(full.notices);
    expect(second).toEqual(full);
  });

  it("a cluster: the first pass has the membership, the other nodes' devices (pvesh) come with the second", async () => {
    const root = join(FIXTURES, 'cluster');
    const full = await readHost(root, openHost({ root }).runner);
    expect(full.cluster!.devices.pve2!.length, 'pve2 answers in the fixture').toBeGreaterThan(0);
    let answer: (v: { stdout: string }) => void = () => {};
    const late = new Promise<{ stdout: string }>((res) => (answer = res));
    const canned = (openHost({ root }).runner as RecordingRunner).run(hardwarePciArgv('pve2'));
    // pvesh that has not answered yet when the first frame is drawn.
    const runner = new RecordingRunner({ pvesh: () => late });
    const h = openHost({ root });
    const two = await readHostInTwo(h.root, withFallback(runner, h.runner));
    expect(runner.calls, 'asked before the first frame').toEqual([hardwarePciArgv('pve2')]);
    const first = two.snapshot.cluster!;
    expect(first.nodes).toEqual(full.cluster!.nodes);
    expect(first.mappingUsers).toEqual(full.cluster!.mappingUsers);
    expect(first.devices).toEqual({ pve2: null });
    expect(first.notices).toEqual([{ where: 'pve2', message: BEING_READ }]);
    const second = two.details();
    answer({ stdout: (await canned).stdout });
    expect(await second).toEqual(full);
  });

  it('the second pass turns the event loop between slices (keys are answered while it reads)', async () => {
    const root = tempDir('pvept-large-');
    trash.push(root);
    writeHostTree(root, largeHost({ functions: 600, vms: 10 }));
    const h = openHost({ root });
    const two = await readHostInTwo(h.root, h.runner);
    let turns = 0;
    let done = false;
    const count = () => {
      turns++;
      if (!done) setImmediate(count);
    };
    setImmediate(count);
    const second = await two.details();
    done = true;
    // One turn at least per slice of devices and per slice of groups.
    const slices = Math.ceil(second.devices.length / DETAILS_SLICE) + Math.ceil(second.groups.length / DETAILS_SLICE);
    expect(turns, 'event-loop turns while the details were read').toBeGreaterThanOrEqual(slices);
    expect(second).toEqual(await readHost(h.root, h.runner));
  });

  it('garbled details: the same notices, in the same order, as the one full read', async () => {
    const root = copyFixture('guide');
    trash.push(root);
    const d = (a: string) => join(root, 'sys/bus/pci/devices', a);
    writeFileSync(join(d('0000:03:00.0'), 'revision'), 'xyz\n');
    writeFileSync(join(d('0000:03:00.1'), 'numa_node'), 'zero\n');
    for (const a of ['0000:06:00.0', '0000:04:00.0']) rmSync(join(d(a), 'uevent')); // so the attributes count
    writeFileSync(join(d('0000:06:00.0'), 'class'), 'banana\n'); // a first-pass notice
    rmSync(join(d('0000:04:00.0'), 'vendor'));
    writeFileSync(join(d('0000:07:00.0'), 'driver_override'), 'vfio-pci\n');
    const before = fingerprint(root);
    const { full, two } = await both(root);
    expect(fingerprint(root), 'reading changes nothing').toEqual(before);
    expect(full.notices.map((n) => n.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/garbled attribute 'revision'/),
        expect.stringMatching(/garbled attribute 'numa_node'/),
      ]),
    );
    expect(two.snapshot.notices.some((n) => /revision|numa_node/.test(n.message))).toBe(false);
    expect(two.snapshot.notices.some((n) => /garbled attribute 'class'/.test(n.message))).toBe(true);
    const second = await two.details();
    expect(second.notices).toEqual(full.notices);
    expect(second).toEqual(full);
    expect(second.devices.find((x) => x.address === '0000:07:00.0')!.driverOverride).toBe('vfio-pci');
  });

  it("IOMMU groups: the first pass takes the devices' links; details() checks each group's own list, as readHost does", async () => {
    const root = copyFixture('guide');
    trash.push(root);
    const groups = join(root, 'sys/kernel/iommu_groups');
    // Group 10 lists 00:1f.6, whose link says group 9; group 18 lists a device the bus lacks.
    renameSync(join(groups, '9/devices/0000:00:1f.6'), join(groups, '10/devices/0000:00:1f.6'));
    symlinkSync('../../../../devices/pci0000:00/0000:0f:00.0', join(groups, '18/devices/0000:0f:00.0'));
    const { full, two } = await both(root);
    const members = (s: typeof full, id: number) => s.groups.find((g) => g.id === id)!.devices;
    expect(members(full, 10)).toEqual(['0000:00:1b.0', '0000:00:1f.6']);
    expect(full.notices.map((n) => n.message)).toEqual(
      expect.arrayContaining([
        'iommu_group link says 9, group 10 lists it',
        'group lists a device that sys/bus/pci/devices does not have',
      ]),
    );
    // The first frame: groups as the links say, no group notices yet.
    expect(members(two.snapshot, 9)).toContain('0000:00:1f.6');
    expect(members(two.snapshot, 10)).toEqual(['0000:00:1b.0']);
    expect(two.snapshot.notices.some((n) => /group/.test(n.message))).toBe(false);
    // After it: exactly the one full read, notices in the same order.
    const second = await two.details();
    expect(second.notices).toEqual(full.notices);
    expect(second).toEqual(full);
  });

  it('readHost reads everything in one go (list and check need it all)', async () => {
    const { full } = await both(join(FIXTURES, 'guide'));
    expect(full.devices.filter((d) => d.link !== null).length).toBeGreaterThan(5);
    expect(full.devices.every((d) => d.numaNode !== null)).toBe(true);
  });
});

/** pvesh from `first`, every other command from `rest`. */
function withFallback(first: RecordingRunner, rest: CommandRunner): CommandRunner {
  return {
    run: (argv, opts) => (argv[0] === 'pvesh' ? first.run(argv, opts) : rest.run(argv, opts)),
  };
}
