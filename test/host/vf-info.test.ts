// The VFs' live settings: one `ip -d -j link show <pf-if>` per SR-IOV PF on a small node, one
// `ip -d -j link show` for every link above PER_PF_UP_TO PFs (a process each would cost more
// than the rest of the read), with the same result and a notice per PF it could not read.
import { describe, expect, it } from 'vitest';
import { createFixtureRunner } from '../../src/host/fixture-runner.ts';
import { monitorTargets, takeSample } from '../../src/host/monitor-sampler.ts';
import { readHost } from '../../src/host/reader.ts';
import { RecordingRunner } from '../../src/host/runner.ts';
import { PER_PF_UP_TO, readVfInfo } from '../../src/host/vf-info.ts';
import type { Notice, PciDevice } from '../../src/model/types.ts';
import { FIXTURES } from '../helpers/tree.ts';

const N = PER_PF_UP_TO + 2;
const pf = (i: number) =>
  ({
    address: `0000:1${i}:00.0`,
    sriov: { totalVfs: 8, numVfs: 2, offset: 16, stride: 1, vfDeviceId: '154c' },
    netInterfaces: [`enp${i}s0f0`],
  }) as unknown as PciDevice;
const link = (i: number) => ({
  ifname: `enp${i}s0f0`,
  vfinfo_list: [
    { vf: 0, address: `02:00:00:00:0${i}:00`, vlan_list: [{ vlan: 10 + i }], spoofchk: true, trust: false },
    { vf: 1, address: '00:00:00:00:00:00', spoofchk: true, trust: false },
  ],
});
const pfs = Array.from({ length: N }, (_, i) => pf(i));
// A root with no sys/class/net: only the ip answers matter here.
const root = `${FIXTURES}/none`;

describe('readVfInfo', () => {
  it(`above ${PER_PF_UP_TO} PFs: one ip for all links, the same settings as one ip per PF`, async () => {
    const all = Array.from({ length: N }, (_, i) => link(i));
    const one = new RecordingRunner({ 'ip -d -j link show': { stdout: JSON.stringify(all) } });
    const each = new RecordingRunner(
      Object.fromEntries(all.map((l) => [`ip -d -j link show ${l.ifname}`, { stdout: JSON.stringify([l]) }])),
    );
    const n1: Notice[] = [];
    const byOne = await readVfInfo(root, one, pfs, n1);
    expect(one.calls).toEqual([['ip', '-d', '-j', 'link', 'show']]);
    expect(n1).toEqual([]);
    expect(Object.keys(byOne.vfInfo!)).toHaveLength(N);
    expect(byOne.vfInfo!['0000:13:00.0']!.vfs[0]).toMatchObject({ vf: 0, vlan: 13, mac: '02:00:00:00:03:00' });
    // The per-PF way (a node with few PFs), PF by PF: the same answer.
    const n2: Notice[] = [];
    const byEach = { vfInfo: {} as Record<string, unknown> };
    for (const p of pfs) Object.assign(byEach.vfInfo, (await readVfInfo(root, each, [p], n2)).vfInfo);
    expect(each.calls).toHaveLength(N);
    expect(byEach.vfInfo).toEqual(byOne.vfInfo);
  });

  it('a PF the answer does not list, or an unreadable answer: a notice per PF, the rest kept', async () => {
    const some = Array.from({ length: N - 1 }, (_, i) => link(i)); // the last PF's link is missing
    const notices: Notice[] = [];
    const got = await readVfInfo(
      root,
      new RecordingRunner({ 'ip -d -j link show': { stdout: JSON.stringify(some) } }),
      pfs,
      notices,
    );
    expect(Object.keys(got.vfInfo!)).toHaveLength(N - 1);
    expect(notices).toEqual([
      {
        where: pfs[N - 1]!.address,
        message: `ip -d -j link show: no link enp${N - 1}s0f0 listed; VF settings not read`,
      },
    ]);
    const bad: Notice[] = [];
    await readVfInfo(root, new RecordingRunner({ 'ip -d -j link show': { stdout: 'Error: garbage' } }), pfs, bad);
    expect(bad).toHaveLength(N);
    expect(bad[0]!.message).toBe('ip -d -j link show: ip printed no JSON; VF settings not read');
    const failed: Notice[] = [];
    await readVfInfo(
      root,
      new RecordingRunner({ 'ip -d -j link show': { exitCode: 255, stderr: 'RTNETLINK answers: Message too long\n' } }),
      pfs,
      failed,
    );
    expect(failed[0]!.message).toBe(
      'ip -d -j link show failed (exit 255): RTNETLINK answers: Message too long; VF settings not read',
    );
  });

  it('no ip on the machine (127): nothing read, nothing said', async () => {
    const notices: Notice[] = [];
    const got = await readVfInfo(root, new RecordingRunner({}), pfs, notices);
    expect(got.vfInfo).toEqual({});
    expect(notices).toEqual([]);
  });

  it('on a fixture host the simulated ip lists the recorded links together: the same as asking per PF', async () => {
    const fixture = `${FIXTURES}/guide`;
    const snap = await readHost(fixture, createFixtureRunner(fixture));
    const perPf = await readVfInfo(fixture, createFixtureRunner(fixture), snap.devices, []);
    const runner = createFixtureRunner(fixture);
    const together = await readVfInfo(fixture, runner, snap.devices, [], { perPfUpTo: 0 });
    expect(runner.calls.filter((c) => c[0] === 'ip')).toEqual([['ip', '-d', '-j', 'link', 'show']]);
    expect(Object.keys(perPf.vfInfo!).length).toBeGreaterThan(0);
    expect(together).toEqual(perPf);
  });

  it("the Monitor's ip -s for every link on a fixture host: the same VF lists as per PF", async () => {
    const fixture = `${FIXTURES}/guide`;
    const snap = await readHost(fixture, createFixtureRunner(fixture));
    const targets = monitorTargets(snap);
    const now = () => 0;
    const perPf = await takeSample(fixture, createFixtureRunner(fixture), targets, { now });
    const together = await takeSample(fixture, createFixtureRunner(fixture), targets, { now, perPfUpTo: 0 });
    expect(Object.keys(perPf.vfs).length).toBeGreaterThan(0);
    expect(together.vfs).toEqual(perPf.vfs);
  });
});
