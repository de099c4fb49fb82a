// The IOMMU tree, windowed: only the rows that fit are rendered, the cursor kept in view.
import { Box } from 'ink';
import { deviceIndex } from '../store/device-index.ts';
import type { Row } from '../store/rows.ts';
import { useAppState, useCursorIndex, useFilterLine, useRows, useScreen, useSnapshot } from './store-context.tsx';
import { T, fit, g, shortAddr, useLook, width as textWidth } from './Styled.tsx';
import { VERDICT } from './theme.ts';

export function TreePane() {
  const look = useLook();
  const rows = useRows();
  const cursor = useCursorIndex();
  const { L } = useScreen();
  const snapshot = useSnapshot();
  const wanted = useAppState((s) => s.scroll);
  const filter = useFilterLine();
  const width = L.treeWidth;
  const { byAddr } = deviceIndex(snapshot);
  // The store keeps the cursor within the fewest rows the tree can have; with more rows (short
  // details) the window only needs clamping at the end of the list.
  const scroll = Math.max(0, Math.min(wanted, rows.length - L.treeRows));
  const visible = rows.slice(scroll, scroll + L.treeRows);
  const devices = rows.filter((r) => r.kind === 'device').length;

  const line = (
    r: Row,
  ): { text: string; colour: (typeof VERDICT)[keyof typeof VERDICT]['colour'] | undefined; verdict: string } => {
    const v = VERDICT[r.isolation];
    const mark = look.ascii ? v.ascii : v.glyph;
    const caretOf = (open: boolean) => (open ? g(look.ascii, '▾', '-') : g(look.ascii, '▸', '+'));
    if (r.kind === 'fold')
      return {
        text: ` ${caretOf(r.expanded)} ${r.count} groups with bridges only (${r.expanded ? 'h folds' : 'l lists them'})`,
        colour: 'gray',
        verdict: '',
      };
    if (r.kind === 'group') {
      const name = r.groupId === null ? 'No IOMMU group' : `Group ${r.groupId}`;
      // Named by its first real device, so a collapsed group still says what it holds.
      const what = r.lead ? `${byAddr.get(r.lead)!.name}${r.others ? ` +${r.others}` : ''}` : 'bridges only';
      return {
        text: ` ${caretOf(r.expanded)} ${name}  ${what}  `,
        colour: v.colour,
        verdict: `${mark} ${v.word}  (${r.count})`,
      };
    }
    const d = byAddr.get(r.address)!;
    const caret = r.expandable ? caretOf(r.expanded) : ' ';
    const indent = r.depth === 2 ? '    ' : '  ';
    const vf = r.depth === 2 && d.iommuGroup !== null ? ` (grp ${d.iommuGroup})` : '';
    const m = r.marks.join(' ');
    const verdict = r.depth === 2 ? mark : '';
    const left = `${indent}${caret} ${shortAddr(d.address)} ${d.name}${vf}`;
    // One blank column before the driver and one before a VF's own verdict: never `iavf[ok]`.
    const right = ` ${d.driver ?? '-'}${m ? ` ${m}` : ''}${verdict ? ' ' : ''}`;
    const room = width - textWidth(right) - textWidth(verdict);
    return { text: fit(left, Math.max(10, room)) + right, colour: undefined, verdict };
  };

  return (
    <Box flexDirection="column" width={width} height={L.treeRows + 1}>
      {filter.editing || filter.text ? (
        <FilterTitle text={filter.text} cursor={filter.cursor} editing={filter.editing} count={devices} width={width} />
      ) : (
        <T bold>{fit(` IOMMU groups (${snapshot.groups.length})  ${cursor + 1}/${rows.length}`, width)}</T>
      )}
      {visible.map((r, i) => {
        const { text, colour, verdict } = line(r);
        const selected = scroll + i === cursor;
        // A '>' marks the cursor too, so it shows where inverse video does not (TERM=dumb).
        const left = fit(selected ? `>${text.slice(1)}` : text, Math.max(0, width - textWidth(verdict)));
        return (
          <Box key={r.id} height={1}>
            <T inverse={selected} bold={r.kind === 'group'} c={r.kind === 'fold' ? 'gray' : undefined}>
              {left}
            </T>
            <T c={colour ?? VERDICT[r.isolation].colour} inverse={selected}>
              {verdict}
            </T>
          </Box>
        );
      })}
    </Box>
  );
}

/** The filter line, with the cursor where typed text goes (shown inverse, like a terminal's). */
function FilterTitle({
  text,
  cursor,
  editing,
  count,
  width,
}: {
  text: string;
  cursor: number;
  editing: boolean;
  count: number;
  width: number;
}) {
  const at = Math.min(cursor, text.length);
  const tail = `  (${count} device${count === 1 ? '' : 's'})`;
  if (!editing) return <T bold>{fit(` Filter: ${text}${tail}`, width)}</T>;
  const before = ` Filter: ${text.slice(0, at)}`;
  const under = text[at] ?? ' ';
  const after = `${text.slice(at + 1)}${tail}`;
  return (
    <Box height={1} width={width}>
      <T bold>{before}</T>
      <T bold inverse>
        {under}
      </T>
      <T bold>{fit(after, Math.max(0, width - textWidth(before) - 1))}</T>
    </Box>
  );
}
