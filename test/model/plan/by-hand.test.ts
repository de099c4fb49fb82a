// Plans on the node configured by hand (test/fixtures/by-hand, src/demo/by-hand-host.ts): what
// the admin already wrote is edited where it lives or retired visibly, never left competing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatPlan } from '../../../src/cli/format-plan.ts';
import { applyPlan } from '../../../src/host/apply.ts';
import { createFixtureRunner } from '../../../src/host/fixture-runner.ts';
import { simulatedKernelFs } from '../../../src/host/simulated-kernel.ts';
import { OWN } from '../../../src/model/plan/files.ts';
import { planChanges } from '../../../src/model/plan/index.ts';
import { reservedAtBoot } from '../../../src/model/plan/reserve.ts';
import type { HostSnapshot, Intent, Plan } from '../../../src/model/types.ts';
import { fixtureSnapshot, readAt } from '../../helpers/snapshots.ts';
import { copyFixture, removeTree } from '../../helpers/tree.ts';

const edit = (p: Plan, path: string) => p.edits.find((e) => e.path === path);
const commands = (p: Plan) =>
  p.steps.filter((s) => s.kind === 'command').map((s) => (s as { argv: string[] }).argv.join(' '));
const messages = (l: Array<{ message: string }>) => l.map((w) => w.message).join('\n');
const withFiles = (s: HostSnapshot, files: Record<string, string | null>): HostSnapshot => {
  const next = { ...s.files };
  for (const [p, t] of Object.entries(files)) {
    if (t === null) delete next[p];
    else next[p] = t;
  }
  return { ...s, files: next };
};
const GPU: Intent[] = [
  { kind: 'reserve', address: '0000:07:00.0' },
  { kind: 'reserve', address: '0000:07:00.1' },
];
const VFIO_CONF = 'etc/modprobe.d/vfio.conf';

let hand: HostSnapshot;
beforeAll(async () => {
  hand = await fixtureSnapshot('by-hand');
});

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeTree));

describe('one vfio-pci ids= list, edited where it lives', () => {
  it("reserving by id adds to the admin's vfio.conf line, not a second ids= line; the plan shows the list before and after", () => {
    const p = planChanges(hand, GPU);
    expect(p.errors).toEqual([]);
    expect(edit(p, VFIO_CONF)!.after).toBe(
      '# LSI HBA for TrueNAS (VM 201), from the wiki\noptions vfio-pci ids=1000:0097,10de:228e,10de:2504\nsoftdep mpt3sas pre: vfio-pci\n',
    );
    const ours = edit(p, OWN.modprobe)!.after!;
    expect(ours).not.toContain('ids=');
    expect(ours).toContain('softdep nouveau pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\n');
    expect(p.vfioIds).toEqual({
      before: ['1000:0097'],
      after: ['1000:0097', '10de:228e', '10de:2504'],
      where: '/etc/modprobe.d/vfio.conf line 2',
    });
    expect(commands(p)).toContain('update-initramfs -u -k all');
    expect(p.rebootReasons).toContain('vfio-pci reservations take effect at boot');
  });

  it('plan prints the list before and after, where it lives', () => {
    expect(formatPlan(planChanges(hand, GPU), false)).toContain(
      'vfio-pci ids= at boot (/etc/modprobe.d/vfio.conf line 2): 1000:0097 -> 1000:0097,10de:228e,10de:2504\n',
    );
    expect(formatPlan(planChanges(hand, [{ kind: 'vfs', address: '0000:03:00.0', count: 4 }]), false)).not.toContain(
      'vfio-pci ids= at boot',
    );
  });

  it("releasing the HBA takes its id out of the admin's line; the softdep line stays", () => {
    const p = planChanges(hand, [{ kind: 'release', address: '0000:01:00.0' }]);
    expect(edit(p, VFIO_CONF)!.after).toBe(
      '# LSI HBA for TrueNAS (VM 201), from the wiki\nsoftdep mpt3sas pre: vfio-pci\n',
    );
    expect(p.vfioIds).toMatchObject({ before: ['1000:0097'], after: [] });
  });

  it('reserving what the list already has changes nothing', () => {
    const p = planChanges(hand, [{ kind: 'reserve', address: '0000:01:00.0' }]);
    expect(p).toMatchObject({ edits: [], steps: [], rebootRequired: false });
    expect(p.vfioIds).toEqual({
      before: ['1000:0097'],
      after: ['1000:0097'],
      where: '/etc/modprobe.d/vfio.conf line 2',
    });
  });

  it('an older ids= line of ours that vfio.conf overrode is retired, and its lost id named', () => {
    // What an earlier version wrote beside vfio.conf: sorted before it, so modprobe threw it away.
    const s = withFiles(hand, {
      [OWN.modprobe]:
        '# Managed by pve-passthrough; edits here are overwritten. See `pve-passthrough list`.\noptions vfio-pci ids=8086:a352\n',
    });
    const p = planChanges(s, GPU);
    expect(edit(p, OWN.modprobe)!.after).not.toContain('ids=');
    expect(edit(p, VFIO_CONF)!.after).toContain('options vfio-pci ids=1000:0097,10de:228e,10de:2504\n');
    expect(messages(p.warnings)).toMatch(/8086:a352 was never in effect.*not carried over/);
  });

  it('an admin ids= line overridden by a later file is commented out with a note saying where the list lives', () => {
    const s = withFiles(hand, { 'etc/modprobe.d/zz-gpu.conf': 'options vfio_pci ids=10de:2504 disable_vga=1\n' });
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:07:00.1' }]);
    expect(p.vfioIds).toMatchObject({
      before: ['10de:2504'],
      after: ['10de:2504', '10de:228e'],
      where: '/etc/modprobe.d/zz-gpu.conf line 1',
    });
    expect(edit(p, 'etc/modprobe.d/zz-gpu.conf')!.after).toBe(
      'options vfio_pci ids=10de:2504,10de:228e disable_vga=1\n',
    );
    expect(edit(p, VFIO_CONF)!.after).toBe(
      '# LSI HBA for TrueNAS (VM 201), from the wiki\n' +
        '# pve-passthrough: overridden, modprobe keeps only the last ids= (the list lives in /etc/modprobe.d/zz-gpu.conf line 1)\n' +
        '# options vfio-pci ids=1000:0097\nsoftdep mpt3sas pre: vfio-pci\n',
    );
    expect(messages(p.warnings)).toMatch(/1000:0097 was never in effect/);
    // The HBA's id never reached the module: it does not count as reserved at boot.
    expect(
      reservedAtBoot(
        s,
        s.devices.find((d) => d.address === '0000:01:00.0')!,
      ),
    ).toBe(false);
    expect(
      reservedAtBoot(
        hand,
        hand.devices.find((d) => d.address === '0000:01:00.0')!,
      ),
    ).toBe(true);
  });

  it('when our file holds the winning list, it is edited there and an earlier admin line retired', () => {
    const s = withFiles(hand, {
      [VFIO_CONF]: null,
      'etc/modprobe.d/local.conf': 'options vfio-pci ids=1000:0097\n',
      [OWN.modprobe]:
        '# Managed by pve-passthrough; edits here are overwritten. See `pve-passthrough list`.\noptions vfio-pci ids=10de:2504\n',
    });
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:07:00.1' }]);
    expect(p.vfioIds).toMatchObject({
      before: ['10de:2504'],
      after: ['10de:2504', '10de:228e'],
      where: `/${OWN.modprobe} line 2`,
    });
    expect(edit(p, OWN.modprobe)!.after).toContain('options vfio-pci ids=10de:2504,10de:228e\n');
    expect(edit(p, 'etc/modprobe.d/local.conf')!.after).toBe(
      `# pve-passthrough: overridden, modprobe keeps only the last ids= (the list lives in /${OWN.modprobe})\n# options vfio-pci ids=1000:0097\n`,
    );
  });

  it('a list on the kernel command line wins over every file: it is edited there (update-grub), vfio.conf retired', () => {
    const grub = hand.files['etc/default/grub']!.replace(
      'GRUB_CMDLINE_LINUX_DEFAULT="quiet"',
      'GRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:2504,10de:228e"',
    );
    const s = withFiles(hand, { 'etc/default/grub': grub });
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:01:00.0' }]);
    expect(p.vfioIds).toEqual({
      before: ['10de:2504', '10de:228e'],
      after: ['10de:2504', '10de:228e', '1000:0097'],
      where: 'the kernel command line (vfio-pci.ids=)',
    });
    expect(edit(p, 'etc/default/grub')!.after).toContain(
      'GRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:2504,10de:228e,1000:0097',
    );
    expect(edit(p, VFIO_CONF)!.after).toContain('# options vfio-pci ids=1000:0097\n');
    expect(commands(p)).toContain('update-grub');
  });

  it('committed on a copy: one ids= line on the node, the GPU reserved at boot, and planning it again is empty', async () => {
    const root = copyFixture('by-hand');
    roots.push(root);
    const p = planChanges(await readAt(root), GPU);
    const r = await applyPlan(p, { root, runner: createFixtureRunner(root), uid: 0, fs: simulatedKernelFs(root) });
    expect(r.ok).toBe(true);
    const conf = readFileSync(join(root, VFIO_CONF), 'utf8') + readFileSync(join(root, OWN.modprobe), 'utf8');
    expect(conf.match(/^options vfio-pci ids=/gm)).toHaveLength(1);
    const after = await readAt(root);
    expect(
      reservedAtBoot(
        after,
        after.devices.find((d) => d.address === '0000:07:00.0')!,
      ),
    ).toBe(true);
    expect(planChanges(after, GPU)).toMatchObject({ edits: [], steps: [] });
  });
});

const RULES_70 = 'etc/udev/rules.d/70-sriov.rules';
const IFACES = 'etc/network/interfaces';

describe('VF counts that come back at boot, adopting what the admin wrote', () => {
  it("our rule fires on the PF driver's bind, and the admin's udev rule on the net add event is retired with a note", () => {
    const p = planChanges(hand, [{ kind: 'vfs', address: '0000:03:00.0', count: 6 }]);
    expect(p.errors).toEqual([]);
    expect(edit(p, OWN.sriovRules)!.after).toContain(
      'ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:03:00.0", DRIVER=="igb", ATTR{sriov_numvfs}="6"\n',
    );
    expect(edit(p, OWN.sriovRules)!.after).not.toContain('ACTION=="add"');
    expect(edit(p, RULES_70)!.after).toBe(
      '# I350 port 0: 4 VFs for the firewall and router VMs\n' +
        `# pve-passthrough: VF count of 0000:03:00.0 now kept in /${OWN.sriovRules} (set after the PF driver binds)\n` +
        '# ACTION=="add", SUBSYSTEM=="net", KERNELS=="0000:03:00.0", DRIVERS=="igb", ATTR{device/sriov_numvfs}="4"\n',
    );
    expect(messages(p.warnings)).toMatch(
      /VF count also set by \/etc\/udev\/rules.d\/70-sriov.rules line 2 \(4 VFs\): that line is retired/,
    );
    // The post-up line is for the other port: left alone.
    expect(edit(p, IFACES)).toBeUndefined();
  });

  it('an interfaces post-up for the PF is commented out in its stanza, indentation kept', () => {
    const p = planChanges(hand, [{ kind: 'vfs', address: '0000:03:00.1', count: 3 }]);
    const after = edit(p, IFACES)!.after!;
    expect(after).toContain(
      `iface enp3s0f1 inet manual\n\t# pve-passthrough: VF count of 0000:03:00.1 now kept in /${OWN.sriovRules} (set after the PF driver binds)\n\t# post-up echo 2 > /sys/class/net/enp3s0f1/device/sriov_numvfs\n`,
    );
    expect(edit(p, OWN.sriovRules)!.after).toContain('KERNEL=="0000:03:00.1", DRIVER=="igb", ATTR{sriov_numvfs}="3"');
    expect(edit(p, RULES_70)).toBeUndefined();
  });

  it('a systemd unit writing the count is adopted too, and the operator told to disable the emptied unit', () => {
    const unit = 'etc/systemd/system/sriov-vfs.service';
    const s = withFiles(hand, {
      [unit]:
        "[Unit]\nDescription=VFs\nAfter=network-pre.target\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/bash -c 'echo 4 > /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs'\n\n[Install]\nWantedBy=multi-user.target\n",
      [RULES_70]: null,
    });
    const p = planChanges(s, [{ kind: 'vfs', address: '0000:03:00.0', count: 4 }]);
    expect(edit(p, unit)!.after).toContain(
      "# ExecStart=/usr/bin/bash -c 'echo 4 > /sys/bus/pci/devices/0000:03:00.0/sriov_numvfs'\n",
    );
    expect(messages(p.warnings)).toMatch(
      /sriov-vfs.service has nothing left to run: disable it \(systemctl disable sriov-vfs.service\)/,
    );
    expect(p.steps.filter((x) => x.kind === 'sysfs')).toEqual([]); // the count stays 4: only its persistence moves
    expect(edit(p, OWN.sriovRules)!.after).toContain('KERNEL=="0000:03:00.0", DRIVER=="igb", ATTR{sriov_numvfs}="4"');
  });

  it('a driver-wide admin rule covering both ports: retired once, the other port keeps its live count in our rule', () => {
    const s = withFiles(hand, {
      [RULES_70]: 'ACTION=="add", SUBSYSTEM=="net", ENV{ID_NET_DRIVER}=="igb", ATTR{device/sriov_numvfs}="4"\n',
    });
    const p = planChanges(s, [{ kind: 'vfs', address: '0000:03:00.0', count: 6 }]);
    const ours = edit(p, OWN.sriovRules)!.after!;
    expect(ours).toContain('KERNEL=="0000:03:00.0", DRIVER=="igb", ATTR{sriov_numvfs}="6"');
    expect(ours).toContain('KERNEL=="0000:03:00.1", DRIVER=="igb", ATTR{sriov_numvfs}="2"');
    expect(edit(p, RULES_70)!.after).toMatch(/^# pve-passthrough: VF count of 0000:03:00.0, 0000:03:00.1 now kept in/);
  });

  it('reads the rule format of earlier versions (fired on add) and rewrites it on the next VF plan', () => {
    const s = withFiles(hand, {
      [OWN.sriovRules]:
        '# Managed by pve-passthrough; edits here are overwritten. See `pve-passthrough list`.\nACTION=="add", SUBSYSTEM=="pci", KERNEL=="0000:03:00.1", ATTR{sriov_numvfs}="2"\n',
    });
    const p = planChanges(s, [{ kind: 'vfs', address: '0000:03:00.0', count: 4 }]);
    expect(edit(p, OWN.sriovRules)!.after).toBe(
      '# Managed by pve-passthrough; edits here are overwritten. See `pve-passthrough list`.\n' +
        'ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:03:00.0", DRIVER=="igb", ATTR{sriov_numvfs}="4"\n' +
        'ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:03:00.1", DRIVER=="igb", ATTR{sriov_numvfs}="2"\n',
    );
  });

  it('committed on a copy: VFs made, the admin rule retired, and planning the same count again writes nothing', async () => {
    const root = copyFixture('by-hand');
    roots.push(root);
    const intents: Intent[] = [{ kind: 'vfs', address: '0000:03:00.0', count: 6 }];
    const p = planChanges(await readAt(root), intents);
    const r = await applyPlan(p, { root, runner: createFixtureRunner(root), uid: 0, fs: simulatedKernelFs(root) });
    expect(r.ok).toBe(true);
    expect(readFileSync(join(root, RULES_70), 'utf8')).toMatch(/^# ACTION=="add"/m);
    const after = await readAt(root);
    expect(after.devices.find((d) => d.address === '0000:03:00.0')!.virtfns).toHaveLength(6);
    expect(planChanges(after, intents)).toMatchObject({ edits: [], steps: [], warnings: [] });
  });
});

describe('host interfaces that go with the VFs', () => {
  it('a count change through 0 names the VF interfaces and the bridge and address on them', () => {
    const p = planChanges(hand, [{ kind: 'vfs', address: '0000:03:00.1', count: 1 }]);
    const w = p.warnings.filter((x) => /host interface/.test(x.message));
    expect(w).toEqual([
      {
        where: '0000:03:10.1',
        message:
          'host interface enp3s16f1 on this VF goes down with the VFs (the count changes through 0) and comes back without its settings until ifreload -a, and with it: port of bridge vmbr1 (10.10.0.2/24)',
      },
      {
        where: '0000:03:10.5',
        message: 'host interface enp3s16f5 on this VF disappears, and with it: 10.20.0.2/24 on enp3s16f5',
      },
    ]);
  });

  it('reserving the PF for vfio-pci names them too (its VFs go with its driver)', () => {
    const p = planChanges(hand, [{ kind: 'reserve', address: '0000:03:00.1' }]);
    expect(messages(p.warnings)).toContain(
      'removes its 2 live virtual functions, and the host interfaces on them: enp3s16f1 (port of bridge vmbr1 (10.10.0.2/24)), enp3s16f5 (10.20.0.2/24 on enp3s16f5)',
    );
  });

  it('says nothing when the count only grows from 0 or the VFs carry no host interface', () => {
    expect(messages(planChanges(hand, [{ kind: 'vfs', address: '0000:03:00.0', count: 6 }]).warnings)).not.toMatch(
      /host interface/,
    );
  });
});
