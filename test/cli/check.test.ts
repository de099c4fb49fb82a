import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { FIXTURES, cleanGuide, removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

/** The guide host with its hand-made mapping filled in: no problem (the fixture as it is has one, see checks.test.ts). */
const clean = () => {
  const root = cleanGuide();
  roots.push(root);
  return root;
};

describe('check', () => {
  it('exits 0 on a clean host and says so', async () => {
    const r = await runCli(['check', '--root', clean()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Node pve1: no problems found (5 VMs, 3 with PCI devices)\n');
  });

  it('prints warnings with their fix and still exits 0', async () => {
    const r = await runCli(['check', '--root', join(FIXTURES, 'consumer')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Node desk: 1 warning/);
    expect(r.stdout).toContain('\nWARN   VM 200 hostpci0\n');
    expect(r.stdout).toContain('       fix: move the card');
  });

  it('exits 3 when a VM will not start, and --json carries the counts and findings', async () => {
    const root = clean();
    writeFileSync(join(root, 'etc/pve/qemu-server/105.conf'), 'name: moved\nhostpci0: 0000:0a:00.0,pcie=1\n');
    const r = await runCli(['check', '--root', root, '--json']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout) as {
      errors: number;
      warnings: number;
      findings: Array<{ severity: string; where: string; addresses: string[] }>;
    };
    expect(j.errors).toBe(2); // no device there, and pcie=1 on i440fx
    expect(j.findings.map((f) => f.where)).toEqual(['VM 105 hostpci0', 'VM 105 hostpci0']);
    expect(j.findings[0]!.addresses).toEqual(['0000:0a:00.0']);
  });

  it('with the change flags of plan: the node as the plan would leave it, findings of the plan marked', async () => {
    const root = clean();
    const args = ['check', '--root', root, '--assign', '03:00.0=102,pcie=0', '--assign', '03:00.1=103'];
    const r = await runCli(args);
    expect(r.code).toBe(0); // warnings only
    expect(r.stdout).toMatch(/^Node pve1 as the plan \(2 changes\) would leave it: 2 warnings/);
    expect(r.stdout).toContain(
      '\nWARN   IOMMU group 14 (plan)\n       split across VMs 102, 103 (0000:03:00.0, 0000:03:00.1)',
    );
    const j = JSON.parse((await runCli([...args, '--json'])).stdout) as {
      errors: number;
      warnings: number;
      planErrors: unknown[];
      findings: Array<{ where: string; plan?: string }>;
    };
    expect(j).toMatchObject({ errors: 0, warnings: 2, planErrors: [] });
    expect(j.findings.map((f) => [f.where, f.plan])).toEqual([
      ['IOMMU group 14', 'new'],
      ['VM 103', 'new'],
    ]);
    // Nothing was written: the same node checks clean without the flags.
    expect((await runCli(['check', '--root', root])).stdout).toBe(
      'Node pve1: no problems found (5 VMs, 3 with PCI devices)\n',
    );
  });

  it('a plan that leaves a VM unable to start exits 3; one that removes the problem shows it resolved, not counted', async () => {
    const root = clean();
    writeFileSync(join(root, 'etc/pve/qemu-server/105.conf'), 'name: moved\nhostpci0: 0000:0a:00.0\n');
    const before = await runCli(['check', '--root', root]);
    expect(before.code).toBe(3);
    const fixed = await runCli(['check', '--root', root, '--unassign', '105:hostpci0']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(/^Node pve1 as the plan \(1 change\) would leave it: no problems found/);
    expect(fixed.stdout).toContain('\nFIXED  VM 105 hostpci0 (resolved by the plan)\n       no device at 0000:0a:00.0');
    const blocked = await runCli(['check', '--root', join(FIXTURES, 'guide'), '--assign', '00:1f.6=100']);
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toContain(
      '\nThe plan itself is blocked (it would not be applied):\n  0000:00:1f.6: IOMMU group 9 is host-critical',
    );
    expect(blocked.stdout).toMatch(
      /ERROR  VM 100 hostpci1 \(plan\)\n       starts at boot \(onboot=1\) with 0000:00:1f.6/,
    );
    const bad = await runCli(['check', '--root', join(FIXTURES, 'guide'), '--vfs', 'nope']);
    expect(bad.code).toBe(2);
  });

  it('a missing root is bad usage (2) naming the path, not a report', async () => {
    const r = await runCli(['check', '--root', '/nonexistent/pvept']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('pve-passthrough: --root /nonexistent/pvept: no such folder\n');
  });
});
