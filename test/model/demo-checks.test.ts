// The built-in demo host is the guide's server plus one VM whose card moved away: the checks
// show it at once, so a new user sees what `!` is for.
import { afterAll, expect, it } from 'vitest';
import { demoHost } from '../../src/demo/index.ts';
import { writeTempHost } from '../../src/host/host-tree.ts';
import { checkHost } from '../../src/model/checks.ts';
import { readAt } from '../helpers/snapshots.ts';
import { removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

it("the demo host has two problems: VM 105 points at a slot with no card, VM 104's hand-made mapping lacks a subsystem-id", async () => {
  const root = writeTempHost(demoHost, 'pve-passthrough-demo-');
  roots.push(root);
  const findings = checkHost(await readAt(root));
  expect(findings.map((f) => [f.severity, f.where])).toEqual([
    ['error', 'VM 104 hostpci0'],
    ['error', 'VM 105 hostpci0'],
  ]);
  expect(findings[0]!.message).toContain("mapping 'x710-vf': its entry for 0000:04:02.1 has no subsystem-id");
  expect(findings[1]!.message).toContain('no device at 0000:0a:00 on this node');
});
