// The Monitor view's state, in a small store of its own beside the app store (one per app
// store, found through monitorStore): the latest monitor state, the view's scroll, the last
// sampling error. Sampling is a timer that awaits each sample before arming the next, so a
// slow read never piles up and never blocks a key; it runs from the app's start (alerts show in
// the status line wherever the operator is) until stopMonitor.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { advanceMonitor, initialMonitor, type MonitorState } from '../model/monitor/index.ts';
import type { HostSnapshot } from '../model/types.ts';
import type { AppStore } from './app-store.ts';

export interface MonitorSlice {
  state: MonitorState | null;
  /** First row shown in the view. */
  scroll: number;
  /** Seconds between samples. */
  intervalS: number;
  /** Why the last sample failed (it is tried again at the next tick). */
  error: string | null;
}

const slices = new WeakMap<AppStore, StoreApi<MonitorSlice>>();

export function monitorStore(app: AppStore): StoreApi<MonitorSlice> {
  let s = slices.get(app);
  if (!s) {
    s = createStore<MonitorSlice>()(() => ({
      state: null,
      scroll: 0,
      intervalS: app.getState().host.monitor?.intervalS ?? 1,
      error: null,
    }));
    slices.set(app, s);
  }
  return s;
}

const running = new WeakMap<AppStore, () => void>();

/** One sample now: targets follow the snapshot (after a commit, a VF count change), history is kept by row. */
export async function sampleOnce(app: AppStore): Promise<void> {
  const port = app.getState().host.monitor;
  if (!port) return;
  const m = monitorStore(app);
  const snap: HostSnapshot = app.getState().snapshot;
  let st = m.getState().state;
  if (!st || targetsOf.get(st) !== snap) {
    const targets = port.targets(snap);
    st = st ? { ...st, targets } : initialMonitor(targets);
    targetsOf.set(st, snap);
  }
  try {
    const next = advanceMonitor(st, await port.sample(st.targets));
    targetsOf.set(next, snap);
    m.setState({ state: next, error: null });
  } catch (e) {
    m.setState({ error: (e as Error).message });
  }
}
/** Which snapshot a state's targets were built from. */
const targetsOf = new WeakMap<MonitorState, HostSnapshot>();

/** Starts the sampling timer (once per app store); returns the function that stops it. */
export function startMonitor(app: AppStore): () => void {
  const known = running.get(app);
  if (known) return known;
  if (!app.getState().host.monitor) return () => {};
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const tick = async () => {
    await sampleOnce(app);
    if (stopped) return;
    timer = setTimeout(() => void tick(), monitorStore(app).getState().intervalS * 1000);
    timer.unref?.(); // never what keeps the program alive
  };
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    running.delete(app);
  };
  running.set(app, stop);
  void tick();
  return stop;
}

/** The intervals `+` and `-` step through, in seconds. */
export const INTERVALS = [1, 2, 5, 10, 30, 60];

/** Sample less (+1) or more (-1) often; the next tick is armed with the new interval. */
export function stepInterval(app: AppStore, dir: 1 | -1): void {
  const m = monitorStore(app);
  const now = m.getState().intervalS;
  const next =
    dir > 0
      ? (INTERVALS.find((s) => s > now) ?? INTERVALS.at(-1)!)
      : ([...INTERVALS].reverse().find((s) => s < now) ?? INTERVALS[0]!);
  m.setState({ intervalS: next });
}

/** The view's rows window: scroll by lines, pages (±2) or to an end (±Infinity), clamped at render. */
export function scrollMonitor(app: AppStore, step: number, page: number): void {
  const m = monitorStore(app);
  const rows = m.getState().state?.rows.length ?? 0;
  const by = Math.abs(step) === 2 ? Math.sign(step) * Math.max(1, page - 1) : step;
  m.setState({ scroll: Math.max(0, Math.min(Math.max(0, rows - page), m.getState().scroll + by)) });
}
