// What the tree/details screen shows for a state: the selected row's details wrapped to the pane,
// and the layout sized to them. Shared by the panes and the key handler (the `i` dialog).
import {
  selectCursorIndex,
  selectFindings,
  selectRows,
  type AppState,
  type DerivedInputs,
} from '../store/app-store.ts';
import { layout, type Layout } from '../store/layout.ts';
import { detailsLines, type DetailLine } from './details-lines.ts';
import { wrapText } from './Styled.tsx';

/** What the screen is computed from (a whole AppState will do). */
export type ScreenInputs = DerivedInputs & Pick<AppState, 'cursorId' | 'size'>;

/** The selected row's details wrapped to `cols` columns (1 column of margin on the left). */
export function wrappedDetails(st: ScreenInputs, cols: number): DetailLine[] {
  const row = selectRows(st)[selectCursorIndex(st)];
  return detailsLines(st.snapshot, row, selectFindings(st)).flatMap((l) =>
    wrapText(l.text, cols - 1).map((text) => ({ ...l, text })),
  );
}

// Both panes ask for the same inputs in one render: computed once per inputs object.
const memo = new WeakMap<ScreenInputs, { L: Layout; details: DetailLine[] }>();

export function screenLayout(st: ScreenInputs): { L: Layout; details: DetailLine[] } {
  let hit = memo.get(st);
  if (!hit) {
    const base = layout(st.size);
    const details = wrappedDetails(st, base.detailsWidth);
    hit = { L: base.wide ? base : layout(st.size, details.length), details };
    memo.set(st, hit);
  }
  return hit;
}
