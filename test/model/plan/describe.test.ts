// One description of a plan (model/plan/describe.ts): `plan` prints it and the pending pane shows
// it, so a blocking error, a warning or a step reads the same in both.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatPlan } from '../../../src/cli/format-plan.ts';
import { describePlan } from '../../../src/model/plan/describe.ts';
import { planChanges } from '../../../src/model/plan/index.ts';
import type { HostSnapshot, Intent } from '../../../src/model/types.ts';
import { pendingLines } from '../../../src/ui/pending-lines.ts';
import { fixtureSnapshot } from '../../helpers/snapshots.ts';

let guide: HostSnapshot;
beforeAll(async () => {
  guide = await fixtureSnapshot('guide');
});

// A reserve (files, steps, reboot), an assignment to a VM (qm set, warnings) and a device that
// does not exist (a blocking error).
const INTENTS: Intent[] = [
  { kind: 'reserve', address: '0000:03:00.0' },
  {
    kind: 'assign',
    address: '0000:07:00.0',
    vmid: 102,
    options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
  },
  { kind: 'reserve', address: '0000:0a:00.0' },
];

describe('describePlan', () => {
  it('lists files with diffs, steps, reboot, warnings and errors in that order, each with its role', () => {
    const plan = planChanges(guide, INTENTS);
    const lines = describePlan(plan);
    const roles = lines.map((l) => l.role);
    expect(roles.filter((r) => r === 'file')).toHaveLength(plan.edits.length);
    expect(roles.filter((r) => r === 'step')).toHaveLength(plan.steps.length);
    expect(roles.filter((r) => r === 'warning')).toHaveLength(plan.warnings.length);
    expect(roles.filter((r) => r === 'error')).toHaveLength(plan.errors.length);
    expect(plan.errors.length).toBeGreaterThan(0);
    const first = (r: string) => roles.indexOf(r as never);
    expect(first('file')).toBeLessThan(first('heading'));
    expect(first('heading')).toBeLessThan(first('step'));
    expect(first('step')).toBeLessThan(first('reboot'));
    expect(first('reboot')).toBeLessThan(first('warning'));
    expect(first('warning')).toBeLessThan(first('error'));
    expect(lines.find((l) => l.role === 'error')!.text).toBe(
      `error: ${plan.errors[0]!.where}: ${plan.errors[0]!.message}`,
    );
    // Data, not ANSI: the renderers colour by role.
    expect(lines.some((l) => l.text.includes('\x1b'))).toBe(false);
  });

  it('says there is nothing to do when the host already matches', () => {
    expect(describePlan(planChanges(guide, []))).toEqual([
      { role: 'nothing', text: 'Nothing to do: the host already matches what was asked.' },
    ]);
  });

  it('`plan` and the pending pane show every line with the same words', () => {
    const plan = planChanges(guide, INTENTS);
    const printed = formatPlan(plan, false).split('\n');
    const pane = pendingLines(INTENTS, plan).map((l) => l.text.trim());
    for (const l of describePlan(plan)) {
      if (l.role === 'blank') continue;
      expect(printed).toContain(l.text);
      if (l.role !== 'diff-header') expect(pane).toContain(l.text.trim());
    }
  });
});
