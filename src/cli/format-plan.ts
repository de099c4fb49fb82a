// A Plan for a human: each file with its unified diff, each step in order, reboot or not,
// warnings and blocking errors. The TUI shows the same content in its pending pane.
import { describeStep, writtenBy } from '../model/plan/describe.ts';
import { unifiedDiff } from '../model/diff.ts';
import type { Plan } from '../model/types.ts';
import { describeVfioIdsChange } from '../model/vfio-ids.ts';
import { bold, paint } from '../ui/theme.ts';

export function formatPlan(plan: Plan, colour: boolean): string {
  const out: string[] = [];
  if (!plan.edits.length && !plan.steps.length && !plan.errors.length) {
    return 'Nothing to do: the host already matches what was asked.\n';
  }
  for (const [k, e] of plan.edits.entries()) {
    out.push(bold(colour, `/${e.path}`) + paint(colour, 'gray', `  (${e.reason}${writtenBy(plan, k)})`));
    for (const l of unifiedDiff(e.before, e.after, e.path)) {
      const c = l.kind === 'add' ? 'green' : l.kind === 'del' ? 'red' : l.kind === 'hunk' ? 'cyan' : null;
      out.push(c ? paint(colour, c, l.text) : l.text);
    }
    out.push('');
  }
  if (plan.steps.length) {
    out.push(bold(colour, 'Steps, in order:'));
    plan.steps.forEach((s, i) => out.push(`  ${i + 1}. ${describeStep(plan, s)}`));
    out.push('');
  }
  if (plan.vfioIds) out.push(paint(colour, 'cyan', describeVfioIdsChange(plan.vfioIds)));
  out.push(plan.rebootRequired ? paint(colour, 'yellow', `Reboot needed: ${plan.rebootReasons.join('; ')}`) : 'No reboot needed.');
  for (const w of plan.warnings) out.push(paint(colour, 'yellow', `warning: ${w.where}: ${w.message}`));
  for (const e of plan.errors) out.push(paint(colour, 'red', `error: ${e.where}: ${e.message}`));
  return `${out.join('\n')}\n`;
}
