// The one store: snapshot, cursor, expanded rows, filter, staged intents, dialogs. The plan and
// the visible rows are derived (memoised on the inputs' identities), never stored. Built by a
// factory that takes the host port, so tests drive it with a fixture copy and no React at all.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApplyResult } from '../host/apply.ts';
import { planChanges } from '../model/plan/index.ts';
import { checkHost, type Finding } from '../model/checks.ts';
import { checkPlan } from '../model/planned.ts';
import type { AssignOptions, HostSnapshot, Intent, Plan } from '../model/types.ts';
import { buildRows, defaultExpanded, type Row } from './rows.ts';

export interface HostPort {
  root: string;
  /** A fixture or demo tree (nothing runs on the machine). */
  fixture: boolean;
  demo: boolean;
  apply(plan: Plan, onProgress: (i: number, status: 'running' | 'done' | 'failed', detail?: string) => void): Promise<ApplyResult>;
  reread(): Promise<HostSnapshot>;
  /** Roll back the interrupted (or last) apply; absent where nothing can be rolled back (tests). */
  rollback?(): Promise<ApplyResult>;
  /** Ctrl-Z: stop as a shell job until `fg`; false when not now (an apply runs). Absent in tests. */
  suspend?(): boolean;
}

export type StepStatus = 'waiting' | 'running' | 'done' | 'failed';

export type Dialog =
  | { kind: 'help'; scroll: number }
  /** `i`: every detail of the selected row, scrolling. */
  | { kind: 'details'; scroll: number }
  /** Something the operator must know at once (Enter or Esc closes). */
  | { kind: 'info'; title: string; lines: string[] }
  | { kind: 'checks'; cursor: number }
  | { kind: 'quit'; choice: number }
  | { kind: 'shared'; address: string; groupId: number; members: string[]; choice: number; /** the group is one device's functions */ isolated: boolean }
  | { kind: 'critical'; address: string; groupId: number; lost: string[]; members: string[]; choice: number; confirmed: boolean }
  | { kind: 'vfs'; address: string; value: string; total: number }
  | { kind: 'assign-vm'; address: string }
  /** `replaces`: the VM's hostpciN that already has the device; staging swaps it for these options. */
  | { kind: 'assign-options'; address: string; vmid: number; options: AssignOptions; focus: number; replaces?: string; /** m: assign through this resource mapping instead of the address */ viaMapping?: string | null }
  /** m: create or extend a resource mapping from the selected device; `picked`: NODE/ADDRESS keys. */
  | { kind: 'mapping'; address: string; name: string; cursor: number; picked: string[] }
  | { kind: 'confirm'; choice: number }
  /** At start: an apply was killed part-way; roll it back now, or look first. */
  | { kind: 'interrupted'; choice: number }
  | { kind: 'progress'; steps: Array<{ text: string; status: StepStatus; detail?: string }> }
  /** Keys before `readyAt` (ms since the epoch) are dropped: typed during the run, not at this screen. */
  | { kind: 'result'; result: ApplyResult; readyAt: number };

export interface AppState {
  snapshot: HostSnapshot;
  host: HostPort;
  size: { columns: number; rows: number };
  colour: boolean;
  ascii: boolean;
  cursorId: string | null;
  scroll: number;
  expanded: ReadonlySet<string>;
  filter: string;
  filtering: boolean;
  /** Where typed text goes in the filter line (0..filter.length). */
  filterCursor: number;
  intents: Intent[];
  pane: 'tree' | 'pending';
  pendingCursor: number;
  pendingScroll: number;
  dialog: Dialog | null;
  /** One-line feedback under the panes (cleared on the next key). */
  flash: string | null;
  exiting: boolean;
}

export interface AppOptions {
  snapshot: HostSnapshot;
  host: HostPort;
  size: { columns: number; rows: number };
  colour: boolean;
  ascii: boolean;
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(o: AppOptions): AppStore {
  const expanded = defaultExpanded(o.snapshot);
  const rows = buildRows(o.snapshot, expanded, '');
  return createStore<AppState>()(() => ({
    snapshot: o.snapshot,
    host: o.host,
    size: o.size,
    colour: o.colour,
    ascii: o.ascii,
    cursorId: rows[0]?.id ?? null,
    scroll: 0,
    expanded,
    filter: '',
    filtering: false,
    filterCursor: 0,
    intents: [],
    pane: 'tree',
    pendingCursor: 0,
    pendingScroll: 0,
    // A killed apply comes before anything else (the reader found its marker).
    dialog: o.snapshot.interruptedApply && !o.snapshot.interruptedApply.running ? { kind: 'interrupted', choice: 0 } : null,
    flash: null,
    exiting: false,
  }));
}

// ---- derived, memoised on identity ----------------------------------------------------------

let rowsMemo: { s: HostSnapshot; e: ReadonlySet<string>; f: string; rows: Row[] } | null = null;
export function selectRows(st: AppState): Row[] {
  if (rowsMemo && rowsMemo.s === st.snapshot && rowsMemo.e === st.expanded && rowsMemo.f === st.filter) return rowsMemo.rows;
  rowsMemo = { s: st.snapshot, e: st.expanded, f: st.filter, rows: buildRows(st.snapshot, st.expanded, st.filter) };
  return rowsMemo.rows;
}

let planMemo: { s: HostSnapshot; i: Intent[]; plan: Plan } | null = null;
export function selectPlan(st: AppState): Plan {
  if (planMemo && planMemo.s === st.snapshot && planMemo.i === st.intents) return planMemo.plan;
  planMemo = { s: st.snapshot, i: st.intents, plan: planChanges(st.snapshot, st.intents) };
  return planMemo.plan;
}

let findingsMemo: { s: HostSnapshot; findings: Finding[] } | null = null;
/** The pre-flight checks on the snapshot (the node as it is, not as staged). */
export function selectHostFindings(st: AppState): Finding[] {
  if (findingsMemo?.s !== st.snapshot) findingsMemo = { s: st.snapshot, findings: checkHost(st.snapshot) };
  return findingsMemo.findings;
}

let planFindingsMemo: { s: HostSnapshot; i: Intent[]; findings: Finding[] } | null = null;
/**
 * The pre-flight checks the UI shows: on the node as it is, or, with changes staged, on the node
 * as the plan would leave it (findings marked `plan: 'new'` / `'resolved'`, see model/planned.ts).
 */
export function selectFindings(st: AppState): Finding[] {
  if (!st.intents.length) return selectHostFindings(st);
  if (planFindingsMemo?.s !== st.snapshot || planFindingsMemo.i !== st.intents) {
    planFindingsMemo = { s: st.snapshot, i: st.intents, findings: checkPlan(st.snapshot, st.intents, selectPlan(st), selectHostFindings(st)).findings };
  }
  return planFindingsMemo.findings;
}

export function selectCursorIndex(st: AppState): number {
  const rows = selectRows(st);
  const i = rows.findIndex((r) => r.id === st.cursorId);
  return i < 0 ? 0 : i;
}
