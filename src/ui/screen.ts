// What the tree/details screen shows for a state: the selected row's details wrapped to the pane,
// and the layout sized to them. Shared by the panes and the key handler (the `i` dialog).
import { selectCursorIndex, selectFindings, selectRows, type AppState } from '../store/app-store.ts';
import { layout, type Layout } from '../store/layout.ts';
import { detailsLines, type DetailLine } from './details-lines.ts';
import { wrapText } from './Styled.tsx';

/** The selected row's details wrapped to `cols` columns (1 column of margin on the left). */
export function wrappedDetails(st: AppState, cols: number): DetailLine[] {
  const row = selectRows(st)[selectCursorIndex(st)];
  return detailsLines(st.snapshot, row, selectFindings(st)).flatMap((l) => wrapText(l.text, cols - 1).map((text) => ({ ...l, text })));
}

// Both panes ask for the same state in one render: computed once per state.
const memo = new WeakMap<AppState, { L: Layout; details: DetailLine[] }>();

export function screenLayout(st: AppState): { L: Layout; details: DetailLine[] } {
  let hit = memo.get(st);
  if (!hit) {
    const base = layout(st.size);
    const details = wrappedDetails(st, base.detailsWidth);
    hit = { L: base.wide ? base : layout(st.size, details.length), details };
    memo.set(st, hit);
  }
  return hit;
}
