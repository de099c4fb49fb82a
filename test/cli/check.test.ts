import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { FIXTURES, copyFixture, removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

describe('check', () => {
  it('exits 0 on a clean host and says so', async () => {
    const r = await runCli(['check', '--root', join(FIXTURES, 'guide')]);
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
    const root = copyFixture('guide');
    roots.push(root);
    writeFileSync(join(root, 'etc/pve/qemu-server/105.conf'), 'name: moved\nhostpci0: 0000:0a:00.0,pcie=1\n');
    const r = await runCli(['check', '--root', root, '--json']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout) as { errors: number; warnings: number; findings: Array<{ severity: string; where: string; addresses: string[] }> };
    expect(j.errors).toBe(2); // no device there, and pcie=1 on i440fx
    expect(j.findings.map((f) => f.where)).toEqual(['VM 105 hostpci0', 'VM 105 hostpci0']);
    expect(j.findings[0]!.addresses).toEqual(['0000:0a:00.0']);
  });

  it('a missing root is bad usage (2) naming the path, not a report', async () => {
    const r = await runCli(['check', '--root', '/nonexistent/pvept']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('pve-passthrough: --root /nonexistent/pvept: no such folder\n');
  });
});
