// The pending-changes pane as lines: staged items first (selectable, droppable), then what the
// commit will do, as model/plan/describe.ts words it (the words `plan` prints too).
import { describePlan } from '../model/plan/describe.ts';
import type { Intent, Notice, Plan } from '../model/types.ts';
import { describeIntent } from '../model/staging.ts';
import { selectPlan, type AppState } from '../store/app-store.ts';
import { wrapText } from './Styled.tsx';
import { PLAN_STYLE, type Colour } from './theme.ts';

export interface PendingLine {
  text: string;
  colour?: Colour;
  bold?: boolean;
  /** Index into the staged intents when this line is one. */
  intent?: number;
}

export function pendingLines(intents: Intent[], plan: Plan, notices: Notice[] = []): PendingLine[] {
  const out: PendingLine[] = [
    { text: `Staged changes (${intents.length})${intents.length ? ': d drops the selected one' : ''}`, bold: true },
  ];
  if (!intents.length)
    out.push({ text: '  Nothing staged. In the tree: space reserves for vfio-pci, v sets VFs, a assigns to a VM.' });
  intents.forEach((i, k) => out.push({ text: `  ${describeIntent(i)}`, intent: k }));
  if (!intents.length) return [...out, ...noticeLines(notices)];
  out.push({ text: '' });
  // The plan in the model's words, dense for 80x24: diff lines indented under their file
  // instead of blank lines between files, the diff's own ---/+++ header left out (the file line
  // above names it).
  for (const { role, text } of describePlan(plan)) {
    if (role === 'diff-header' || role === 'blank') continue;
    const diff = role === 'hunk' || role === 'context' || role === 'add' || role === 'del';
    out.push({ text: diff ? `  ${text}` : text, ...PLAN_STYLE[role] });
  }
  return [...out, ...noticeLines(notices)];
}

/** What was wrong while reading the host (malformed VM configs, garbled attributes, ...). */
function noticeLines(notices: Notice[]): PendingLine[] {
  if (!notices.length) return [];
  return [
    { text: '' },
    { text: `Read from the host with problems (${notices.length}):`, bold: true, colour: 'yellow' },
    ...notices.map((n) => ({ text: `  ${n.where}: ${n.message}`, colour: 'yellow' as const })),
  ];
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
  const plan = selectPlan(st);
  const key = `${st.size.columns}x${st.size.rows}`;
  const hit = viewMemo.get(st.intents);
  if (hit && hit.key === key && hit.plan === plan) return hit.view;
  const room = Math.max(1, st.size.rows - 4); // status line, pane title, legend, hint bar
  const lines: PendingLine[] = [];
  const intentLine: number[] = [];
  for (const l of pendingLines(st.intents, plan, st.snapshot.notices)) {
    if (l.intent !== undefined) intentLine[l.intent] = lines.length;
    wrapText(l.text, st.size.columns).forEach((text, i) =>
      lines.push({ ...l, text, intent: i === 0 ? l.intent : undefined }),
    );
  }
  const view = { lines, room, maxScroll: Math.max(0, lines.length - room), intentLine };
  viewMemo.set(st.intents, { key, plan, view });
  return view;
}

export const clampScroll = (v: PendingView, scroll: number) => Math.max(0, Math.min(scroll, v.maxScroll));
