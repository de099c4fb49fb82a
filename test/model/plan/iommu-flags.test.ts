// IOMMU flags come from the firmware's ACPI table (DMAR / IVRS) and the kernel's state
// (sys/class/iommu, iommu_groups), never from the CPU vendor; nothing is added when the IOMMU is
// on already, and AMD never gets amd_iommu=on (not a kernel option).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHost } from '../../../src/model/checks.ts';
import { IOMMU_PT_REASON } from '../../../src/model/plan/boot.ts';
import { planChanges } from '../../../src/model/plan/index.ts';
import type { AssignOptions, HostSnapshot, Plan } from '../../../src/model/types.ts';
import { fixtureSnapshot, readAt } from '../../helpers/snapshots.ts';
import { copyFixture, removeTree } from '../../helpers/tree.ts';

const OPTS: AssignOptions = { allFunctions: false, pcie: true, xVga: false, rombar: true };
const cmdlineEdit = (p: Plan) => p.edits.find((e) => e.path === 'etc/default/grub' || e.path === 'etc/kernel/cmdline');
const text = (p: Plan) => JSON.stringify(p);
const warnings = (p: Plan) => p.warnings.map((w) => w.message).join('\n');

describe('IOMMU flags from the firmware and the kernel', () => {
  const dirs: string[] = [];
  let guide: HostSnapshot, consumer: HostSnapshot, off: HostSnapshot, byHand: HostSnapshot;
  beforeAll(async () => {
    [guide, consumer, off, byHand] = await Promise.all([
      fixtureSnapshot('guide'),
      fixtureSnapshot('consumer'),
      fixtureSnapshot('iommu-off'),
      fixtureSnapshot('by-hand'),
    ]);
  });
  afterAll(() => dirs.forEach(removeTree));
  /** A fixture copy changed by `edit`, read through the real reader. */
  const variant = async (name: string, edit: (root: string) => void) => {
    const root = copyFixture(name);
    dirs.push(root);
    edit(root);
    return readAt(root);
  };

  it('the reader tells the firmware table and the kernel units apart from the CPU', () => {
    expect(guide.iommu).toMatchObject({ enabled: true, firmware: 'DMAR', units: ['dmar0'] });
    expect(consumer.iommu).toMatchObject({ enabled: true, firmware: 'IVRS', units: ['ivhd0'] });
    expect(byHand.iommu).toMatchObject({ enabled: true, firmware: 'IVRS', units: ['ivhd0'] });
    expect(off.iommu).toMatchObject({ enabled: false, firmware: 'DMAR', units: [] });
  });

  it('AMD with AMD-Vi on by default (by-hand node, no flag on its command line): nothing added, no reboot for it', () => {
    expect(byHand.iommu.cmdline).not.toMatch(/iommu/);
    const p = planChanges(byHand, [
      { kind: 'assign', address: '0000:05:00.0', vmid: 202, options: { ...OPTS, pcie: false } },
    ]);
    expect(p.errors).toEqual([]);
    expect(cmdlineEdit(p)).toBeUndefined();
    expect(text(p)).not.toMatch(/amd_iommu|intel_iommu|iommu=pt|update-grub/);
    expect(p.rebootReasons.join('\n')).not.toMatch(/command line/);
  });

  it('Intel with VT-d on: nothing added, even when the boot loader line has no IOMMU flag at all', async () => {
    const bare = await variant('guide', (r) =>
      writeFileSync(join(r, 'etc/kernel/cmdline'), 'root=ZFS=rpool/ROOT/pve-1 boot=zfs quiet\n'),
    );
    expect(bare.iommu.enabled).toBe(true);
    const p = planChanges(bare, [
      { kind: 'reserve', address: '0000:07:00.0' },
      { kind: 'reserve', address: '0000:07:00.1' },
    ]);
    expect(p.edits.length).toBeGreaterThan(0);
    expect(cmdlineEdit(p)).toBeUndefined();
    expect(text(p)).not.toMatch(/intel_iommu/);
    // proxmox-boot-tool runs for the recovery entry only, not for a command line edit.
    expect(p.steps.filter((s) => s.kind === 'command' && /command line/.test(s.reason))).toEqual([]);
    expect(p.rebootReasons.join('\n')).not.toMatch(/command line/);
  });

  it('Intel with a DMAR table but the IOMMU off: intel_iommu=on, iommu=pt with what it does, one reboot reason for the line', () => {
    const p = planChanges(off, [{ kind: 'reserve', address: '0000:03:00.0' }]);
    const e = cmdlineEdit(p)!;
    expect(e.after).toContain('GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt"');
    expect(e.reason).toMatch(/intel_iommu=on turns on VT-d/);
    expect(e.reason).toContain(IOMMU_PT_REASON);
    expect(IOMMU_PT_REASON).toMatch(/optional.*skip IOMMU translation/);
    expect(p.rebootReasons).toContain('kernel command line gains intel_iommu=on iommu=pt');
    expect(p.steps.some((s) => s.kind === 'command' && s.argv.join(' ') === 'update-grub')).toBe(true);
  });

  it('Intel off because of intel_iommu=off: the word goes and intel_iommu=on comes', async () => {
    const s = await variant('iommu-off', (r) =>
      writeFileSync(join(r, 'etc/default/grub'), 'GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=off"\n'),
    );
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:03:00.0' }]);
    expect(cmdlineEdit(p)!.after).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on iommu=pt"\n');
    expect(p.rebootReasons).toContain('kernel command line gains intel_iommu=on iommu=pt, loses intel_iommu=off');
  });

  it('flag already in the boot loader, kernel booted without it: no edit, no reason of its own, says reboot', async () => {
    const s = await variant('iommu-off', (r) =>
      writeFileSync(join(r, 'etc/default/grub'), 'GRUB_CMDLINE_LINUX_DEFAULT="quiet intel_iommu=on"\n'),
    );
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:03:00.0' }]);
    expect(cmdlineEdit(p)).toBeUndefined();
    expect(p.rebootReasons.join('\n')).not.toMatch(/command line/);
    expect(warnings(p)).toMatch(
      /intel_iommu=on is on the boot command line already but the running kernel was booted without it: reboot/,
    );
  });

  it('AMD switched off by amd_iommu=off: only that word goes, never amd_iommu=on', async () => {
    const s = await variant('consumer', (r) => {
      rmSync(join(r, 'sys/class/iommu'), { recursive: true });
      rmSync(join(r, 'sys/kernel/iommu_groups'), { recursive: true });
      writeFileSync(join(r, 'etc/default/grub'), 'GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=off"\n');
    });
    expect(s.iommu).toMatchObject({ enabled: false, firmware: 'IVRS' });
    const p = planChanges(s, [
      { kind: 'reserve', address: '0000:0a:00.0' },
      { kind: 'reserve', address: '0000:0a:00.1' },
    ]);
    expect(cmdlineEdit(p)!.after).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"\n');
    expect(text(p)).not.toMatch(/amd_iommu=on|intel_iommu/);
  });

  it('an amd_iommu=on already on the line is named as no kernel option', async () => {
    const s = await variant('by-hand', (r) =>
      writeFileSync(join(r, 'etc/default/grub'), 'GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on iommu=pt"\n'),
    );
    const p = planChanges(s, [
      { kind: 'assign', address: '0000:04:00.0', vmid: 202, options: { ...OPTS, pcie: false } },
    ]);
    expect(cmdlineEdit(p)).toBeUndefined();
    expect(warnings(p)).toMatch(/amd_iommu=on is not a kernel option/);
  });

  it('no table file, but the kernel log lists the ACPI table: that tells the IOMMU too', async () => {
    const s = await variant('iommu-off', (r) => {
      rmSync(join(r, 'sys/firmware'), { recursive: true });
      writeFileSync(
        join(r, '.fixture/commands.json'),
        JSON.stringify({
          dmesg: {
            stdout:
              '[    0.012000] ACPI: DMAR 0x000000007B7E7000 0000A8 (v01 INTEL  EDK2     00000002      01000013)\n[    0.000000] DMAR: IOMMU disabled\n',
          },
        }),
      );
    });
    expect(s.iommu).toMatchObject({ enabled: false, firmware: 'DMAR' });
    expect(cmdlineEdit(planChanges(s, [{ kind: 'reserve', address: '0000:03:00.0' }]))!.after).toContain(
      'intel_iommu=on',
    );
  });

  it('no DMAR or IVRS table: no flag is offered, the firmware setup is named instead (plan and checks)', async () => {
    const s = await variant('iommu-off', (r) => rmSync(join(r, 'sys/firmware'), { recursive: true }));
    expect(s.iommu).toMatchObject({ enabled: false, firmware: null });
    const p = planChanges(s, [{ kind: 'reserve', address: '0000:03:00.0' }]);
    expect(cmdlineEdit(p)).toBeUndefined();
    expect(text(p)).not.toMatch(/intel_iommu|amd_iommu/);
    // update-grub runs for the recovery entry only, not for a command line edit.
    expect(p.steps.filter((s) => s.kind === 'command' && /command line/.test(s.reason))).toEqual([]);
    expect(warnings(p)).toMatch(
      /the firmware reports no IOMMU \(no DMAR or IVRS ACPI table\): VT-d \/ AMD-Vi must be enabled in the BIOS\/UEFI setup.*no kernel flag can turn it on/,
    );
    const f = checkHost(s).find((x) => x.message.startsWith('IOMMU is off'))!;
    expect(f.fix).toMatch(/firmware reports no IOMMU.*BIOS/);
    expect(f.fix).not.toMatch(/intel_iommu|amd_iommu/);
    // With the table, the check names the flag the plan would add.
    expect(checkHost(off).find((x) => x.message.startsWith('IOMMU is off'))!.fix).toMatch(
      /^add intel_iommu=on, add iommu=pt on the kernel command line/,
    );
  });
});
