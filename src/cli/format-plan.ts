// A Plan for a human: the model's description of it (model/plan/describe.ts), the same lines the
// TUI's pending pane shows, painted for a terminal.
import { describePlan } from '../model/plan/describe.ts';
import type { Plan } from '../model/types.ts';
import { PLAN_STYLE, bold, paint } from '../ui/theme.ts';

export function formatPlan(plan: Plan, colour: boolean): string {
  const out = describePlan(plan).map(({ role, text }) => {
    const s = PLAN_STYLE[role];
    const painted = s.colour ? paint(colour, s.colour, text) : text;
    return s.bold ? bold(colour, painted) : painted;
  });
  return `${out.join('\n')}\n`;
}
