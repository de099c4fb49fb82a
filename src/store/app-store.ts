// The one store: snapshot, cursor, expanded rows, filter, staged intents, dialogs. The plan and
// the visible rows are derived (cached per snapshot and the other inputs' identities), never stored. Built by a
// factory that takes the host port, so tests drive it with a fixture copy and no React at all.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApplyResult } from '../host/apply.ts';
import { planChanges } from '../model/plan/index.ts';
import { checkHost, type Finding } from '../model/checks.ts';
import { checkPlan } from '../model/planned.ts';
import type { MonitorTarget, Sample } from '../model/monitor/types.ts';
import type { AssignOptions, HostSnapshot, Intent, Plan, VfLinkState } from '../model/types.ts';
import { buildRows, defaultExpanded, type Row } from './rows.ts';

export interface HostPort {
  root: string;
  /** A fixture or demo tree (nothing runs on the machine). */
  fixture: boolean;
  demo: boolean;
  apply(
    plan: Plan,
    onProgress: (i: number, status: 'running' | 'done' | 'failed', detail?: string) => void,
  ): Promise<ApplyResult>;
  reread(): Promise<HostSnapshot>;
  /** Roll back the interrupted (or last) apply; absent where nothing can be rolled back (tests). */
  rollback?(): Promise<ApplyResult>;
  /** Ctrl-Z: stop as a shell job until `fg`; false when not now (an apply runs). Absent in tests. */
  suspend?(): boolean;
  /** Network sampling for the Monitor view (store/monitor.ts); absent: the view says it is not available. */
  monitor?: {
    targets(s: HostSnapshot): MonitorTarget[];
    sample(targets: MonitorTarget[]): Promise<Sample>;
    intervalS?: number;
  };
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
  | {
      kind: 'shared';
      address: string;
      groupId: number;
      members: string[];
      choice: number;
      /** the group is one device's functions */ isolated: boolean;
    }
  | {
      kind: 'critical';
      address: string;
      groupId: number;
      lost: string[];
      members: string[];
      choice: number;
      confirmed: boolean;
    }
  | { kind: 'vfs'; address: string; value: string; total: number }
  /** The VF editor's settings page (store/vf-settings.ts): VF `vf` of `count`, field `focus`. */
  | {
      kind: 'vf-settings';
      address: string;
      vf: number;
      count: number;
      /** The count typed in the VF editor but not staged: the page is about it, Enter stages it too. */
      typedCount?: number;
      focus: number;
      mac: string;
      offered: boolean;
      vlan: string;
      qos: string;
      trust: boolean | null;
      spoofchk: boolean | null;
      state: VfLinkState | null;
    }
  | { kind: 'assign-vm'; address: string }
  /** `replaces`: the VM's hostpciN that already has the device; staging swaps it for these options. */
  | {
      kind: 'assign-options';
      address: string;
      vmid: number;
      options: AssignOptions;
      focus: number;
      replaces?: string;
      /** m: assign through this resource mapping instead of the address */ viaMapping?: string | null;
    }
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
  /** `monitor`: the Monitor view (m), full screen. */
  pane: 'tree' | 'pending' | 'monitor';
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
    dialog:
      o.snapshot.interruptedApply && !o.snapshot.interruptedApply.running ? { kind: 'interrupted', choice: 0 } : null,
    flash: null,
    exiting: false,
  }));
}

// ---- derived, cached per input ------------------------------------------------------------
// Each cache is keyed by the snapshot, then by the other inputs' identities (weakly), never a
// module-wide "last result" slot: two stores (tests, a re-read) never evict or see each other's.

/** What the derived views are computed from (a whole AppState will do). */
export type DerivedInputs = Pick<AppState, 'snapshot' | 'intents' | 'expanded' | 'filter'>;

/** A cache slot per (a, b) pair of objects, dropped with either of them. */
function pairCache<A extends object, B extends object, V>() {
  const outer = new WeakMap<A, WeakMap<B, V>>();
  return {
    get: (a: A, b: B) => outer.get(a)?.get(b),
    set(a: A, b: B, v: V) {
      let inner = outer.get(a);
      if (!inner) outer.set(a, (inner = new WeakMap()));
      inner.set(b, v);
      return v;
    },
  };
}

// Rows per (snapshot, expanded set): the last filter and intents seen with them.
const rowsCache = pairCache<HostSnapshot, ReadonlySet<string>, { f: string; i: Intent[]; rows: Row[] }>();
export function selectRows(st: Pick<DerivedInputs, 'snapshot' | 'expanded' | 'filter' | 'intents'>): Row[] {
  const hit = rowsCache.get(st.snapshot, st.expanded);
  if (hit && hit.f === st.filter && hit.i === st.intents) return hit.rows;
  return rowsCache.set(st.snapshot, st.expanded, {
    f: st.filter,
    i: st.intents,
    rows: buildRows(st.snapshot, st.expanded, st.filter, st.intents),
  }).rows;
}

const planCache = pairCache<HostSnapshot, Intent[], Plan>();
export function selectPlan(st: Pick<DerivedInputs, 'snapshot' | 'intents'>): Plan {
  return (
    planCache.get(st.snapshot, st.intents) ??
    planCache.set(st.snapshot, st.intents, planChanges(st.snapshot, st.intents))
  );
}

const hostFindingsCache = new WeakMap<HostSnapshot, Finding[]>();
/** The pre-flight checks on the snapshot (the node as it is, not as staged). */
export function selectHostFindings(st: Pick<DerivedInputs, 'snapshot'>): Finding[] {
  let f = hostFindingsCache.get(st.snapshot);
  if (!f) hostFindingsCache.set(st.snapshot, (f = checkHost(st.snapshot)));
  return f;
}

const planFindingsCache = pairCache<HostSnapshot, Intent[], Finding[]>();
/**
 * The pre-flight checks the UI shows: on the node as it is, or, with changes staged, on the node
 * as the plan would leave it (findings marked `plan: 'new'` / `'resolved'`, see model/planned.ts).
 */
export function selectFindings(st: Pick<DerivedInputs, 'snapshot' | 'intents'>): Finding[] {
  if (!st.intents.length) return selectHostFindings(st);
  return (
    planFindingsCache.get(st.snapshot, st.intents) ??
    planFindingsCache.set(
      st.snapshot,
      st.intents,
      checkPlan(st.snapshot, st.intents, selectPlan(st), selectHostFindings(st)).findings,
    )
  );
}

export function selectCursorIndex(st: DerivedInputs & Pick<AppState, 'cursorId'>): number {
  const rows = selectRows(st);
  const i = rows.findIndex((r) => r.id === st.cursorId);
  return i < 0 ? 0 : i;
}
