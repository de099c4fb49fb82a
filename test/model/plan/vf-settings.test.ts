// Per-VF settings on the node configured by hand (test/fixtures/by-hand): the I350's port 0 has 4
// VFs (count from an admin udev rule, no MACs set), port 1 has 2 (count and VF 0's MAC from
// post-up lines in /etc/network/interfaces); `ip -d -j link show` is recorded for both ports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/host/apply.ts';
import { RecordingRunner } from '../../../src/host/runner.ts';
import { createFixtureRunner } from '../../../src/host/fixture-runner.ts';
import { simulatedCommands } from '../../../src/host/simulated-commands.ts';
import { simulatedKernelFs } from '../../../src/host/simulated-kernel.ts';
import { OWN, parseSriovRules, parseSriovRuleSettings } from '../../../src/model/plan/files.ts';
import { planChanges } from '../../../src/model/plan/index.ts';
import { offeredVfMac } from '../../../src/model/plan/vf-settings.ts';
import type { HostSnapshot, Intent, Plan, VfSettings } from '../../../src/model/types.ts';
import { defaultVfMac, findHandVfSettings, macProblem, parseVfInfoJson } from '../../../src/model/vf-settings.ts';
import { fixtureSnapshot, readAt } from '../../helpers/snapshots.ts';
import { copyFixture, removeTree } from '../../helpers/tree.ts';

const P0 = '0000:03:00.0';
const P1 = '0000:03:00.1';
const vf = (address: string, n: number, settings: VfSettings): Intent => ({
  kind: 'vf-settings',
  address,
  vf: n,
  settings,
});
const commands = (p: Plan) => p.steps.flatMap((s) => (s.kind === 'command' ? [s] : []));
const errors = (p: Plan) => p.errors.map((e) => `${e.where}: ${e.message}`).join('\n');
const warnings = (p: Plan) => p.warnings.map((e) => `${e.where}: ${e.message}`).join('\n');
const edit = (p: Plan, path: string) => p.edits.find((e) => e.path === path);

let hand: HostSnapshot;
beforeAll(async () => {
  hand = await fixtureSnapshot('by-hand');
});
const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeTree));

describe("reading the VFs' settings", () => {
  it("the reader parses the recorded ip -d -j link show of each PF, and every interface's MAC", () => {
    expect(hand.vfInfo?.[P1]).toEqual({
      ifname: 'enp3s0f1',
      vfs: [
        { vf: 0, mac: '52:54:00:3a:10:01', vlan: 0, qos: 0, trust: false, spoofchk: true, state: 'auto' },
        { vf: 1, mac: 'c6:4f:1e:82:9d:07', vlan: 0, qos: 0, trust: false, spoofchk: true, state: 'auto' },
      ],
    });
    expect(hand.vfInfo?.[P0]?.vfs.map((v) => v.mac)).toEqual(Array(4).fill('00:00:00:00:00:00'));
    expect(hand.netMacs).toMatchObject({
      eno1: '68:05:ca:1d:22:7e',
      enp3s0f1: 'a0:36:9f:8e:41:c1',
      enp3s16f1: '52:54:00:3a:10:01',
    });
  });

  it('older iproute2 (mac, flat vlan/qos) and a driver that reports no trust read too; garbage is an error, not a guess', () => {
    const old = JSON.stringify([
      {
        ifname: 'eth2',
        vfinfo_list: [{ vf: 3, mac: '02:11:22:33:44:55', vlan: 100, qos: 2, spoofchk: false, link_state: 'disable' }],
      },
    ]);
    expect(parseVfInfoJson(old)).toEqual({
      ifname: 'eth2',
      vfs: [{ vf: 3, mac: '02:11:22:33:44:55', vlan: 100, qos: 2, trust: null, spoofchk: false, state: 'disable' }],
    });
    expect(parseVfInfoJson(JSON.stringify([{ ifname: 'eno1' }]))).toEqual({ ifname: 'eno1', vfs: [] });
    expect(parseVfInfoJson('Device "x" does not exist.')).toEqual({ error: 'ip printed no JSON' });
    expect(parseVfInfoJson(JSON.stringify([{ vfinfo_list: [{ address: '02:00:00:00:00:01' }] }]))).toEqual({
      error: 'a vfinfo_list entry without its vf index',
    });
  });
});

describe('the MAC offered and the MACs refused', () => {
  it('the default is locally administered and deterministic: 02, bus, devfn, domain, index', () => {
    expect(defaultVfMac(P1, 1, new Set())).toBe('02:03:01:00:00:01');
    expect(defaultVfMac('0000:81:10.3', 300, new Set())).toBe('02:81:83:00:01:2c');
    // taken: the domain byte steps on
    expect(defaultVfMac(P1, 1, new Set(['02:03:01:00:00:01']))).toBe('02:03:01:01:00:01');
    expect(macProblem(defaultVfMac(P1, 1, new Set()))).toBeNull();
    expect(offeredVfMac(hand, P1, 1, [])).toBe('02:03:01:00:00:01');
  });

  it('the offer skips a MAC already staged for another VF', () => {
    expect(offeredVfMac(hand, P1, 1, [vf(P0, 0, { mac: '02:03:01:00:00:01' })])).toBe('02:03:01:01:00:01');
  });

  it('a MAC an interface has is refused, naming it and offering a free one', () => {
    const p = planChanges(hand, [vf(P0, 0, { mac: '68:05:CA:1D:22:7E'.toLowerCase() })]);
    expect(errors(p)).toBe(
      `${P0} VF 0: MAC 68:05:ca:1d:22:7e is already used by interface eno1: two stations with one MAC lose each other's frames (02:03:00:00:00:00 is free)`,
    );
  });

  it('a MAC another VF has (live), or another staged VF, is refused', () => {
    expect(errors(planChanges(hand, [vf(P0, 1, { mac: '52:54:00:3a:10:01' })]))).toContain(
      'already used by VF 0 of 0000:03:00.1',
    );
    expect(
      errors(planChanges(hand, [vf(P0, 1, { mac: '02:00:00:00:00:99' }), vf(P0, 2, { mac: '02:00:00:00:00:99' })])),
    ).toContain(`already used by VF 1 of ${P0} (staged)`);
  });

  it('a VF keeping its own MAC is not a duplicate of itself (nor of its own host interface)', () => {
    const p = planChanges(hand, [vf(P1, 0, { mac: '52:54:00:3a:10:01', trust: true })]);
    expect(p.errors).toEqual([]);
    expect(commands(p).map((c) => c.argv.join(' '))).toEqual(['ip link set enp3s0f1 vf 0 trust on']);
  });

  it('multicast, all-zero and malformed MACs are refused', () => {
    expect(errors(planChanges(hand, [vf(P0, 0, { mac: '01:00:5e:00:00:01' })]))).toContain('is a multicast address');
    expect(errors(planChanges(hand, [vf(P0, 0, { mac: '00:00:00:00:00:00' })]))).toContain('all-zero MAC');
    expect(errors(planChanges(hand, [vf(P0, 0, { mac: '02:00:00:00:01' })]))).toContain('is not a MAC address');
  });
});

describe('refusals', () => {
  it('VLAN beyond 0..4095, QoS beyond 0..7, QoS without a VLAN', () => {
    expect(errors(planChanges(hand, [vf(P0, 0, { vlan: 4096 })]))).toBe(
      `${P0} VF 0: VLAN 4096 out of range: 0..4095 (0: no VLAN)`,
    );
    expect(errors(planChanges(hand, [vf(P0, 0, { vlan: 10, qos: 8 })]))).toBe(
      `${P0} VF 0: QoS 8 out of range: 0..7 (the 802.1p priority of the VLAN tag)`,
    );
    expect(errors(planChanges(hand, [vf(P0, 0, { qos: 3 })]))).toContain('QoS 3 without a VLAN');
    expect(planChanges(hand, [vf(P0, 0, { vlan: 4095, qos: 7 })]).errors).toEqual([]);
  });

  it('an index at or above the VF count (live, or staged) is refused', () => {
    expect(errors(planChanges(hand, [vf(P0, 4, { trust: true })]))).toBe(
      `${P0} VF 4: out of range: ${P0} has 4 VFs (0..3)`,
    );
    // a staged count counts: 6 VFs make VF 5 valid, 2 make VF 3 invalid
    expect(planChanges(hand, [{ kind: 'vfs', address: P0, count: 6 }, vf(P0, 5, { trust: true })]).errors).toEqual([]);
    expect(errors(planChanges(hand, [{ kind: 'vfs', address: P0, count: 2 }, vf(P0, 3, { trust: true })]))).toBe(
      `${P0} VF 3: out of range: ${P0} has 2 VFs (0..1) once the staged count is set`,
    );
  });

  it('a device without SR-IOV, or none at all, is refused', () => {
    expect(errors(planChanges(hand, [vf('0000:04:00.0', 0, { trust: true })]))).toBe(
      '0000:04:00.0 VF 0: 82574L Gigabit Network Connection has no SR-IOV capability (no sriov_totalvfs): it has no VFs to set',
    );
    expect(errors(planChanges(hand, [vf('0000:0a:00.0', 0, { trust: true })]))).toBe(
      '0000:0a:00.0 VF 0: no such PCI device on this host',
    );
  });

  it('a PF without a network interface (on vfio-pci) is refused: ip link set needs one', () => {
    const s: HostSnapshot = {
      ...hand,
      devices: hand.devices.map((d) => (d.address === P0 ? { ...d, driver: 'vfio-pci', netInterfaces: [] } : d)),
    };
    expect(errors(planChanges(s, [vf(P0, 0, { trust: true })]))).toContain(
      `${P0} has no network interface (driver vfio-pci)`,
    );
  });
});

describe('live steps and their undo', () => {
  it('only what changes is set, after the files; the undo puts the previous values back', () => {
    const p = planChanges(hand, [
      vf(P0, 1, { mac: '02:03:00:00:00:01', vlan: 10, trust: true, spoofchk: false, state: 'auto' }),
    ]);
    expect(p.errors).toEqual([]);
    const [c] = commands(p);
    expect(c!.argv).toEqual([
      'ip',
      'link',
      'set',
      'enp3s0f0',
      'vf',
      '1',
      'mac',
      '02:03:00:00:00:01',
      'vlan',
      '10',
      'qos',
      '0',
      'trust',
      'on',
      'spoofchk',
      'off',
    ]);
    expect(c!.undoFirst).toEqual([
      'ip',
      'link',
      'set',
      'enp3s0f0',
      'vf',
      '1',
      'mac',
      '00:00:00:00:00:00',
      'vlan',
      '0',
      'qos',
      '0',
      'trust',
      'off',
      'spoofchk',
      'on',
    ]);
    const kinds = p.steps.map((s) => s.kind);
    expect(kinds.indexOf('command')).toBeGreaterThan(kinds.lastIndexOf('write'));
  });

  it('settings already in effect (and already kept) give an empty plan', () => {
    const first = planChanges(hand, [vf(P1, 1, { trust: false, spoofchk: true })]);
    expect(commands(first)).toEqual([]);
    // kept once in our rule, the same settings again change nothing
    const kept: HostSnapshot = {
      ...hand,
      files: { ...hand.files, ...Object.fromEntries(first.edits.map((e) => [e.path, e.after!])) },
    };
    expect(planChanges(kept, [vf(P1, 1, { trust: false, spoofchk: true })]).edits).toEqual([]);
  });

  it("a new count comes first; every kept setting of that PF follows it (new VFs start from the driver's defaults)", () => {
    const p = planChanges(hand, [
      { kind: 'vfs', address: P0, count: 6 },
      vf(P0, 5, { mac: '02:03:00:00:00:05' }),
      vf(P0, 0, { vlan: 20 }),
    ]);
    expect(p.errors).toEqual([]);
    const kinds = p.steps
      .filter((s) => s.kind !== 'write')
      .map((s) => (s.kind === 'sysfs' ? `sysfs ${s.value}` : s.kind === 'command' ? s.argv.join(' ') : ''));
    expect(kinds).toEqual([
      'sysfs 0',
      'sysfs 6',
      'ip link set enp3s0f0 vf 0 vlan 20 qos 0',
      'ip link set enp3s0f0 vf 5 mac 02:03:00:00:00:05',
    ]);
    // VF 0 existed: after an undo brings the old count back, its old values are set again
    expect(commands(p)[0]!.undoLast).toEqual([
      'ip',
      'link',
      'set',
      'enp3s0f0',
      'vf',
      '0',
      'mac',
      '00:00:00:00:00:00',
      'vlan',
      '0',
      'qos',
      '0',
      'trust',
      'off',
      'spoofchk',
      'on',
      'state',
      'auto',
    ]);
    expect(commands(p)[1]!.undoLast).toBeUndefined();
  });

  it('a count change alone sets the kept settings again (the rule only runs at boot)', () => {
    const first = planChanges(hand, [vf(P0, 1, { mac: '02:03:00:00:00:01', trust: true })]);
    const kept: HostSnapshot = {
      ...hand,
      files: { ...hand.files, ...Object.fromEntries(first.edits.map((e) => [e.path, e.after!])) },
    };
    const p = planChanges(kept, [{ kind: 'vfs', address: P0, count: 3 }]);
    expect(p.errors).toEqual([]);
    const live = p.steps
      .filter((s) => s.kind !== 'write')
      .map((s) => (s.kind === 'sysfs' ? `sysfs ${s.value}` : s.kind === 'command' ? s.argv.join(' ') : ''));
    expect(live).toEqual(['sysfs 0', 'sysfs 3', 'ip link set enp3s0f0 vf 1 mac 02:03:00:00:00:01 trust on']);
    expect(edit(p, OWN.sriovRules)!.after).toContain(
      'ATTR{sriov_numvfs}="3", RUN+="/bin/ip link set dev enp3s0f0 vf 1 mac 02:03:00:00:00:01 trust on"',
    );
  });

  it('a failing step undoes the VF settings already set, with the previous values', async () => {
    const root = copyFixture('by-hand');
    roots.push(root);
    const p = planChanges(await readAt(root), [vf(P0, 0, { trust: true }), vf(P0, 1, { trust: true })]);
    const failing = 'ip link set enp3s0f0 vf 1 trust on';
    const runner = new RecordingRunner({
      ...simulatedCommands(root),
      [failing]: { exitCode: 2, stderr: 'RTNETLINK answers: Operation not supported\n' },
    });
    const r = await applyPlan(p, { root, runner, uid: 0, fs: simulatedKernelFs(root) });
    expect(r.ok).toBe(false);
    expect(r.failedStep?.description).toBe(failing);
    const calls = runner.calls.map((c) => c.join(' '));
    expect(calls).toEqual(
      expect.arrayContaining(['ip link set enp3s0f0 vf 0 trust on', failing, 'ip link set enp3s0f0 vf 0 trust off']),
    );
    expect(calls.indexOf('ip link set enp3s0f0 vf 0 trust off')).toBeGreaterThan(calls.indexOf(failing));
    expect(readFileSync(join(root, 'etc/network/interfaces'), 'utf8')).toBe(hand.files['etc/network/interfaces']);
  });
});

describe('kept for the boot, after the count', () => {
  it("the settings ride on the PF's own rule line as RUN+= after ATTR{sriov_numvfs}", () => {
    const p = planChanges(hand, [
      vf(P0, 2, { mac: '02:03:00:00:00:02', vlan: 30, qos: 5, trust: true, spoofchk: false, state: 'enable' }),
    ]);
    expect(p.errors).toEqual([]);
    const rules = edit(p, OWN.sriovRules)!.after!;
    const line = rules.split('\n').find((l) => l.includes(P0))!;
    expect(line).toBe(
      `ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="${P0}", DRIVER=="igb", ATTR{sriov_numvfs}="4", RUN+="/bin/ip link set dev enp3s0f0 vf 2 mac 02:03:00:00:00:02 vlan 30 qos 5 trust on spoofchk off state enable"`,
    );
    // the count's writer comes before any RUN+= on the line: udev writes ATTR{} while processing, runs RUN after
    expect(line.indexOf('ATTR{sriov_numvfs}')).toBeLessThan(line.indexOf('RUN+='));
    expect(parseSriovRuleSettings(rules).get(P0)!.vfs.get(2)).toEqual({
      mac: '02:03:00:00:00:02',
      vlan: 30,
      qos: 5,
      trust: true,
      spoofchk: false,
      state: 'enable',
    });
    // the admin's udev rule for the count is adopted, as for a staged count
    expect(edit(p, 'etc/udev/rules.d/70-sriov.rules')!.after).toContain('# ACTION=="add", SUBSYSTEM=="net"');
  });

  it('settings of several VFs come in VF order; a later count change keeps them, dropping VFs that go', () => {
    const p = planChanges(hand, [vf(P0, 3, { trust: true }), vf(P0, 1, { spoofchk: false })]);
    const rules = edit(p, OWN.sriovRules)!.after!;
    expect([...rules.matchAll(/vf (\d) /g)].map((m) => m[1])).toEqual(['1', '3']);
    const kept: HostSnapshot = {
      ...hand,
      files: { ...hand.files, ...Object.fromEntries(p.edits.map((e) => [e.path, e.after!])) },
    };
    const fewer = planChanges(kept, [{ kind: 'vfs', address: P0, count: 2 }]);
    const after = edit(fewer, OWN.sriovRules)!.after!;
    expect(parseSriovRules(after).get(P0)).toBe(2);
    expect([...parseSriovRuleSettings(after).get(P0)!.vfs.keys()]).toEqual([1]);
  });

  it('the hand-made post-up ip link set line is adopted visibly: its MAC moves into our rule, the line is retired', () => {
    expect(
      findHandVfSettings(
        hand.files,
        hand.devices.filter((d) => d.sriov),
      ),
    ).toEqual([
      { path: 'etc/network/interfaces', line: 20, pf: P1, vf: 0, settings: { mac: '52:54:00:3a:10:01' }, alone: true },
    ]);
    const p = planChanges(hand, [vf(P1, 1, { trust: true })]);
    expect(p.errors).toEqual([]);
    const rules = edit(p, OWN.sriovRules)!.after!;
    expect(rules).toContain(
      `KERNEL=="${P1}", DRIVER=="igb", ATTR{sriov_numvfs}="2", RUN+="/bin/ip link set dev enp3s0f1 vf 0 mac 52:54:00:3a:10:01", RUN+="/bin/ip link set dev enp3s0f1 vf 1 trust on"`,
    );
    const ifaces = edit(p, 'etc/network/interfaces')!.after!;
    expect(ifaces).toContain(
      '\t# pve-passthrough: VF settings now kept in /etc/udev/rules.d/70-pve-passthrough-sriov.rules (/bin/ip link set after the VF count)\n\t# post-up ip link set enp3s0f1 vf 0 mac 52:54:00:3a:10:01\n',
    );
    // the count's post-up line went the same way (the count moved into the same rule line)
    expect(ifaces).toContain('\t# post-up echo 2 > /sys/class/net/enp3s0f1/device/sriov_numvfs\n');
    expect(ifaces).not.toMatch(/^\tpost-up/m);
    expect(warnings(p)).toContain(
      '/etc/network/interfaces:20: VF 0 of 0000:03:00.1 set by hand here (mac 52:54:00:3a:10:01): that line is retired',
    );
    // only the VF that changes is set live; VF 0 already has its MAC
    expect(commands(p).map((c) => c.argv.join(' '))).toEqual(['ip link set enp3s0f1 vf 1 trust on']);
  });

  it('a staged MAC for the hand-set VF wins over the hand-made one', () => {
    const p = planChanges(hand, [vf(P1, 0, { mac: '02:03:01:00:00:00' })]);
    expect(edit(p, OWN.sriovRules)!.after).toContain('vf 0 mac 02:03:01:00:00:00"');
    expect(warnings(p)).toContain('host interface enp3s16f1 is on this VF (port of bridge vmbr1');
  });

  it('hand-made lines in other spellings are found: $IFACE, dev, a path to ip, several settings', () => {
    const files = {
      'etc/network/interfaces.d/sriov':
        'iface enp3s0f0 inet manual\n\tpost-up /sbin/ip link set dev $IFACE vf 2 mac 02:00:00:00:00:22 vlan 5 spoofchk off\n\tup ip link set enp3s0f0 vf 3 trust on\n\tpost-up ip link set enp3s0f0 vf 1 rate 100\n',
    };
    expect(
      findHandVfSettings(
        files,
        hand.devices.filter((d) => d.sriov),
      ),
    ).toEqual([
      {
        path: 'etc/network/interfaces.d/sriov',
        line: 2,
        pf: P0,
        vf: 2,
        settings: { mac: '02:00:00:00:00:22', vlan: 5, spoofchk: false },
        alone: true,
      },
      { path: 'etc/network/interfaces.d/sriov', line: 3, pf: P0, vf: 3, settings: { trust: true }, alone: true },
    ]);
  });

  it('a line that runs other commands too is left alone, with a warning', () => {
    const text = hand.files['etc/network/interfaces']!.replace(
      'post-up ip link set enp3s0f1 vf 0 mac 52:54:00:3a:10:01',
      'post-up ip link set enp3s0f1 vf 0 mac 52:54:00:3a:10:01; ethtool -K enp3s0f1 tso off',
    );
    const s: HostSnapshot = { ...hand, files: { ...hand.files, 'etc/network/interfaces': text } };
    const p = planChanges(s, [vf(P1, 1, { trust: true })]);
    expect(edit(p, 'etc/network/interfaces')!.after).toContain(
      '\tpost-up ip link set enp3s0f1 vf 0 mac 52:54:00:3a:10:01; ethtool -K enp3s0f1 tso off\n',
    );
    expect(warnings(p)).toContain('among other commands');
  });

  it('applied on a copy of the node: the files are written, the live steps run, and a re-read plans nothing more', async () => {
    const root = copyFixture('by-hand');
    roots.push(root);
    const intents = [vf(P1, 1, { mac: '02:03:01:00:00:01', trust: true })];
    const runner = createFixtureRunner(root);
    const r = await applyPlan(planChanges(await readAt(root), intents), {
      root,
      runner,
      uid: 0,
      fs: simulatedKernelFs(root),
    });
    expect(r.ok).toBe(true);
    expect(runner.calls.map((c) => c.join(' '))).toContain('ip link set enp3s0f1 vf 1 mac 02:03:01:00:00:01 trust on');
    expect(readFileSync(join(root, OWN.sriovRules), 'utf8')).toContain(
      'RUN+="/bin/ip link set dev enp3s0f1 vf 1 mac 02:03:01:00:00:01 trust on"',
    );
    // a re-read sees the VF as set (the tree's recorded ip answer follows the simulated ip link set)
    const again = await readAt(root);
    expect(again.vfInfo?.[P1]?.vfs[1]).toEqual({
      vf: 1,
      mac: '02:03:01:00:00:01',
      vlan: 0,
      qos: 0,
      trust: true,
      spoofchk: true,
      state: 'auto',
    });
    expect(planChanges(again, intents)).toMatchObject({ edits: [], steps: [] });
  });
});
