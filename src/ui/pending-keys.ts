// What the keys of the pending pane, the filter line, the checks and the VF editor do: small actions
// over the store that need what the screen shows (wrapped lines, rows that fit). The keymap table
// binds keys to these; nothing here decides which key does what.
import * as A from '../store/actions.ts';
import { describeIntent } from '../model/staging.ts';
import type { AppStore } from '../store/app-store.ts';
import { editLine } from '../store/line-edit.ts';
import type { KeyInfo } from './keymap.ts';
import { clampScroll, pendingView } from './pending-lines.ts';

/** The filter line's editing keys (readline habits), applied to the filter text. */
export function editFilter(store: AppStore, k: KeyInfo) {
  const st = store.getState();
  const next = editLine({ text: st.filter, cursor: st.filterCursor }, k);
  if (!next) return;
  store.setState({ filterCursor: next.cursor });
  if (next.text !== st.filter) A.setFilter(store, next.text);
}

// ---- the pending pane: every line reachable; the scroll is clamped here, never at render --------

function pending(store: AppStore) {
  const st = store.getState();
  const v = pendingView(st);
  const n = st.intents.length;
  const scroll = clampScroll(v, st.pendingScroll);
  const cur = Math.min(st.pendingCursor, Math.max(0, n - 1));
  const lineOf = (i: number) => v.intentLine[i] ?? 0;
  const visible = (line: number, top = scroll) => line >= top && line < top + v.room;
  const set = (pendingCursor: number, top: number) =>
    store.setState({ pendingCursor, pendingScroll: clampScroll(v, top), flash: null });
  const select = (i: number) => {
    const line = lineOf(i);
    set(i, visible(line) ? scroll : line < scroll ? Math.max(0, line - 1) : line - v.room + 1);
  };
  return { st, v, n, scroll, cur, lineOf, visible, set, select };
}

/** j/k: select the next / previous staged item while there is one in that direction in view; past the ends, scroll a line. */
export function pendingLine(store: AppStore, delta: 1 | -1) {
  const { n, scroll, cur, lineOf, set, select } = pending(store);
  if (delta > 0) {
    if (cur < n - 1 && lineOf(cur + 1) >= scroll) select(cur + 1);
    else set(cur, scroll + 1);
  } else if (n && lineOf(cur) >= scroll && cur > 0) select(cur - 1);
  else set(cur, scroll - 1);
}

export function pendingPage(store: AppStore, delta: 1 | -1) {
  const { v, scroll, cur, set } = pending(store);
  set(cur, scroll + delta * Math.max(1, v.room - 1));
}

export function pendingEnd(store: AppStore, where: 'top' | 'bottom') {
  const { v, n, set } = pending(store);
  if (where === 'top') set(0, 0);
  else set(Math.max(0, n - 1), v.maxScroll);
}

/** d: drops the selected item, but never one the operator cannot see: that is brought into view first. */
export function pendingDrop(store: AppStore) {
  const { st, n, cur, lineOf, visible, select } = pending(store);
  if (!n) return;
  if (!visible(lineOf(cur))) {
    select(cur);
    return A.flash(store, `Selected: ${describeIntent(st.intents[cur]!)}. d again drops it.`);
  }
  A.dropIntent(store, cur);
}

export function checksMove(store: AppStore, delta: number, count: number) {
  const d = store.getState().dialog;
  if (d?.kind !== 'checks') return;
  store.setState({ dialog: { ...d, cursor: Math.max(0, Math.min(Math.max(0, count - 1), d.cursor + delta)) } });
}

export function stepVfs(store: AppStore, delta: number) {
  const d = store.getState().dialog;
  if (d?.kind !== 'vfs') return;
  A.editVfValue(store, (v) => String(Math.max(0, Math.min(d.total, Number(v || '0') + delta))));
}
