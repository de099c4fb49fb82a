// Moving around: the tree cursor and its scroll, folding, the filter, the terminal size, the pane.
import { selectCursorIndex, selectRows, type AppStore } from './app-store.ts';
import { layout } from './layout.ts';

const get = (s: AppStore) => s.getState();

function keepInView(store: AppStore) {
  const st = get(store);
  const i = selectCursorIndex(st);
  const h = layout(st.size).treeRows;
  let scroll = st.scroll;
  if (i < scroll) scroll = i;
  if (i >= scroll + h) scroll = i - h + 1;
  scroll = Math.max(0, Math.min(scroll, Math.max(0, selectRows(st).length - h)));
  if (scroll !== st.scroll) store.setState({ scroll });
}

export function moveCursor(store: AppStore, delta: number | 'top' | 'bottom' | 'pageUp' | 'pageDown') {
  const st = get(store);
  const rows = selectRows(st);
  if (!rows.length) return;
  const page = Math.max(1, layout(st.size).treeRows - 1);
  const cur = selectCursorIndex(st);
  const next =
    delta === 'top'
      ? 0
      : delta === 'bottom'
        ? rows.length - 1
        : delta === 'pageUp'
          ? cur - page
          : delta === 'pageDown'
            ? cur + page
            : cur + delta;
  const i = Math.max(0, Math.min(rows.length - 1, next));
  store.setState({ cursorId: rows[i]!.id, flash: null });
  keepInView(store);
}

export function setExpanded(store: AppStore, open: boolean) {
  const st = get(store);
  const row = selectRows(st)[selectCursorIndex(st)];
  if (!row) return;
  const expandable = row.kind === 'group' || row.kind === 'fold' || row.expandable;
  if (expandable && row.expanded !== open) {
    const next = new Set(st.expanded);
    if (open) next.add(row.id);
    else next.delete(row.id);
    store.setState({ expanded: next });
  } else if (!open) {
    // Already closed (or a leaf): go to the parent row, like a file tree.
    const rows = selectRows(st);
    for (let i = selectCursorIndex(st) - 1; i >= 0; i--) {
      if (rows[i]!.depth < row.depth) {
        store.setState({ cursorId: rows[i]!.id });
        break;
      }
    }
  }
  keepInView(store);
}

export function setSize(store: AppStore, size: { columns: number; rows: number }) {
  store.setState({ size });
  keepInView(store);
}

export function setFilter(store: AppStore, filter: string) {
  store.setState({ filter, scroll: 0 });
  const st = get(store);
  const rows = selectRows(st);
  // Typing a filter puts the cursor on the first device that matches, unless it is on one already.
  const on = rows.find((r) => r.id === st.cursorId);
  if (!on || (filter && on.kind !== 'device'))
    store.setState({ cursorId: rows.find((r) => r.kind === 'device')?.id ?? rows[0]?.id ?? null });
  keepInView(store);
}

/** The device under the cursor; null on a group or the bridges-only line. */
export function currentDevice(store: AppStore) {
  const st = get(store);
  const row = selectRows(st)[selectCursorIndex(st)];
  if (row?.kind !== 'device') return null;
  return st.snapshot.devices.find((d) => d.address === row.address) ?? null;
}

export function togglePane(store: AppStore) {
  const st = get(store);
  store.setState({ pane: st.pane === 'tree' ? 'pending' : 'tree', pendingCursor: 0, pendingScroll: 0, flash: null });
}
