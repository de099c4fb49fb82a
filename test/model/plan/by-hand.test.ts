// Plans on the node configured by hand (test/fixtures/by-hand, src/demo/by-hand-host.ts): what
// the admin already wrote is edited where it lives or retired visibly, never left competing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
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
const commands = (p: Plan) => p.steps.filter((s) => s.kind === 'command').map((s) => (s as { argv: string[] }).argv.join(' '));
const messages = (l: Array<{ message: string }>) => l.map((w) => w.message).join('\n');
const withFiles = (s: HostSnapshot, files: Record<string, string | null>): HostSnapshot => {
  const next = { ...s.files };
  for (const [p, t] of Object.entries(files)) {
    if (t === null) delete next[p];
    else next[p] = t;
  }
  return { ...s, files: next };
};
const GPU: Intent[] = [{ kind: 'reserve', address: '0000:07:00.0' }, { kind: 'reserve', address: '0000:07:00.1' }];
const VFIO_CONF = 'etc/modprobe.d/vfio.conf';

let hand: HostSnapshot;
beforeAll(async () => {
  hand = await fixtureSnapshot('by-hand');
});

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach(removeTree));

describe('one vfio-pci ids= list, edited where it lives', () => {
  it('reserving by id adds to the admin\'s vfio.conf line, not a second ids= line; the plan shows the list before and after', () => {
    const p = planChanges(hand, GPU);
    expect(p.errors).toEqual([]);
    expect(edit(p, VFIO_CONF)!.after).toBe('# LSI HBA for TrueNAS (VM 201), from the wiki\noptions vfio-pci ids=1000:0097,10de:228e,10de:2504\nsoftdep mpt3sas pre: vfio-pci\n');
    const ours = edit(p, OWN.modprobe)!.after!;
    expect(ours).not.toContain('ids=');
    expect(ours).toContain('softdep nouveau pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\n');
    expect(p.vfioIds).toEqual({ before: ['1000:0097'], after: ['1000:0097', '10de:228e', '10de:2504'], where: '/etc/modprobe.d/vfio.conf line 2' });
    expect(commands(p)).toContain('update-initramfs -u -k all');
    expect(p.rebootReasons).toContain('vfio-pci reservations take effect at boot');
  });

  it('releasing the HBA takes its id out of the admin\'s line; the softdep line stays', () => {
    const p = planChanges(hand, [{ kind: 'release', address: '0000:01:00.0' }]);
    expect(edit(p, VFIO_CONF)!.after).toBe('# LSI HBA for TrueNAS (VM 201), from the wiki\nsoftdep mpt3sas pre: vfio-pci\n');
    expect(p.vfioIds).toMatchObject({ before: ['1000:0097'], after: [] });
  });

  it('reserving what the list already has changes nothing', () => {
    const p = planChanges(hand, [{ kind: 'reserve', address: '0000:01:00.0' }]);
    expect(p).toMatchObject({ edits: [], steps: [], rebootRequired: false });
    expect(p.vfioIds).toEqual({ before: ['1000:0097'], after: ['1000:0097'], where: '/etc/modprobe.d/vfio.conf line 2' });
  });

  it('an older ids= line of ours that vfio.conf overrode is retired, and its lost id named', () => {
    // What an earlier version wrote beside vfio.conf: sorted before it, so modprobe threw it away.
    const s = withFiles(hand, { [OWN.modprobe]: '# Managed by pve-passthrough; edits here are overwritten. See `pve-passthrough list`.\noptions vfio-pci ids=8086:a352\n' });
    const p = planChanges(s, GPU);
    expect(edit(p, OWN.modprobe)!.after).not.toContain('ids=');
    expect(edit(p, VFIO_CONF)!.after).toContain('options vfio-pci ids=1000:0097,10de:228e,10de:2504\n');
    expect(messages(p.warnings)).toMatch(/8086:a352 was never in effect.*not carried over/);
  });

  it('an admin ids= line overridden by a later file is commented out with a note saying where the list lives', () => {
    const s = withFiles(hand, { 'etc/modprobe.d/zz-gpu.conf': 'options vfio_pci ids=10de:2504 disable_vga=1\n' });
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:07:00.1' }]);
    expect(p.vfioIds).toMatchObject({ before: ['10de:2504'], after: ['10de:2504', '10de:228e'], where: '/etc/modprobe.d/zz-gpu.conf line 1' });
    expect(edit(p, 'etc/modprobe.d/zz-gpu.conf')!.after).toBe('options vfio_pci ids=10de:2504,10de:228e disable_vga=1\n');
    expect(edit(p, VFIO_CONF)!.after).toBe('# LSI HBA for TrueNAS (VM 201), from the wiki\n'
      + '# pve-passthrough: overridden, modprobe keeps only the last ids= (the list lives in /etc/modprobe.d/zz-gpu.conf line 1)\n'
      + '# options vfio-pci ids=1000:0097\nsoftdep mpt3sas pre: vfio-pci\n');
    expect(messages(p.warnings)).toMatch(/1000:0097 was never in effect/);
    // The HBA's id never reached the module: it does not count as reserved at boot.
    expect(reservedAtBoot(s, s.devices.find((d) => d.address === '0000:01:00.0')!)).toBe(false);
    expect(reservedAtBoot(hand, hand.devices.find((d) => d.address === '0000:01:00.0')!)).toBe(true);
  });

  it('a list on the kernel command line wins over every file: it is edited there (update-grub), vfio.conf retired', () => {
    const grub = hand.files['etc/default/grub']!.replace('GRUB_CMDLINE_LINUX_DEFAULT="quiet"', 'GRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:2504,10de:228e"');
    const s = withFiles(hand, { 'etc/default/grub': grub });
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:01:00.0' }]);
    expect(p.vfioIds).toEqual({ before: ['10de:2504', '10de:228e'], after: ['10de:2504', '10de:228e', '1000:0097'], where: 'the kernel command line (vfio-pci.ids=)' });
    expect(edit(p, 'etc/default/grub')!.after).toContain('GRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=10de:2504,10de:228e,1000:0097');
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
    expect(reservedAtBoot(after, after.devices.find((d) => d.address === '0000:07:00.0')!)).toBe(true);
    expect(planChanges(after, GPU)).toMatchObject({ edits: [], steps: [] });
  });
});
