// The pending-changes pane as lines: staged items first (selectable, droppable), then what the
// commit will do: each file's coloured diff, each command in order, reboot, warnings, errors.
import { describeStep, writtenBy } from '../model/plan/describe.ts';
import { unifiedDiff } from '../model/diff.ts';
import type { Intent, Notice, Plan } from '../model/types.ts';
import { describeVfioIdsChange } from '../model/vfio-ids.ts';
import { describeIntent } from '../store/actions.ts';
import { selectPlan, type AppState } from '../store/app-store.ts';
import { wrapText } from './Styled.tsx';
import type { Colour } from './theme.ts';

export interface PendingLine {
  text: string;
  colour?: Colour;
  bold?: boolean;
  /** Index into the staged intents when this line is one. */
  intent?: number;
}

export function pendingLines(intents: Intent[], plan: Plan, notices: Notice[] = []): PendingLine[] {
  const out: PendingLine[] = [{ text: `Staged changes (${intents.length})${intents.length ? ': d drops the selected one' : ''}`, bold: true }];
  if (!intents.length) out.push({ text: '  Nothing staged. In the tree: space reserves for vfio-pci, v sets VFs, a assigns to a VM.' });
  intents.forEach((i, k) => out.push({ text: `  ${describeIntent(i)}`, intent: k }));
  if (!intents.length) return [...out, ...noticeLines(notices)];
  out.push({ text: '' });
  if (!plan.edits.length && !plan.steps.length) out.push({ text: 'The host already matches: the commit would change nothing.', colour: 'green' });
  for (const [k, e] of plan.edits.entries()) {
    out.push({ text: `/${e.path}  (${e.reason}${writtenBy(plan, k)})`, bold: true });
    for (const l of unifiedDiff(e.before, e.after, e.path)) {
      if (l.kind === 'header') continue;
      out.push({ text: `  ${l.text}`, colour: l.kind === 'add' ? 'green' : l.kind === 'del' ? 'red' : l.kind === 'hunk' ? 'cyan' : undefined });
    }
  }
  if (plan.steps.length) {
    out.push({ text: 'Steps, in order:', bold: true });
    plan.steps.forEach((s, i) => out.push({ text: `  ${i + 1}. ${describeStep(plan, s)}` }));
  }
  if (plan.vfioIds) out.push({ text: describeVfioIdsChange(plan.vfioIds), colour: 'cyan' });
  out.push({ text: plan.rebootRequired ? `Reboot needed: ${plan.rebootReasons.join('; ')}` : 'No reboot needed.', colour: plan.rebootRequired ? 'yellow' : 'green', bold: true });
  for (const w of plan.warnings) out.push({ text: `warning: ${w.where}: ${w.message}`, colour: 'yellow' });
  for (const e of plan.errors) out.push({ text: `BLOCKED: ${e.where}: ${e.message}`, colour: 'red', bold: true });
  return [...out, ...noticeLines(notices)];
}

/** What was wrong while reading the host (malformed VM configs, garbled attributes, ...). */
function noticeLines(notices: Notice[]): PendingLine[] {
  if (!notices.length) return [];
  return [{ text: '' }, { text: `Read from the host with problems (${notices.length}):`, bold: true, colour: 'yellow' }, ...notices.map((n) => ({ text: `  ${n.where}: ${n.message}`, colour: 'yellow' as const }))];
}

/** The pane as the screen shows it: lines wrapped to the width, and how far it can scroll. */
export interface PendingView {
  lines: PendingLine[];
  /** Rows for plan lines (the title row excluded). */
  room: number;
  /** The last scroll position: the last line sits on the last row. */
  maxScroll: number;
  /** The wrapped line where each staged item starts. */
  intentLine: number[];
}

const viewMemo = new WeakMap<Intent[], { key: string; plan: Plan; view: PendingView }>();

export function pendingView(st: Pick<AppState, 'intents' | 'snapshot' | 'size'>): PendingView {
  const plan = selectPlan(st as AppState);
  const key = `${st.size.columns}x${st.size.rows}`;
  const hit = viewMemo.get(st.intents);
  if (hit && hit.key === key && hit.plan === plan) return hit.view;
  const room = Math.max(1, st.size.rows - 4); // status line, pane title, legend, hint bar
  const lines: PendingLine[] = [];
  const intentLine: number[] = [];
  for (const l of pendingLines(st.intents, plan, st.snapshot.notices)) {
    if (l.intent !== undefined) intentLine[l.intent] = lines.length;
    wrapText(l.text, st.size.columns).forEach((text, i) => lines.push({ ...l, text, intent: i === 0 ? l.intent : undefined }));
  }
  const view = { lines, room, maxScroll: Math.max(0, lines.length - room), intentLine };
  viewMemo.set(st.intents, { key, plan, view });
  return view;
}

export const clampScroll = (v: PendingView, scroll: number) => Math.max(0, Math.min(scroll, v.maxScroll));
