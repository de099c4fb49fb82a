// Details of the selected row: ids, names, driver, link, reset, NUMA, SR-IOV, VMs, verdict.
import { Box } from 'ink';
import { useStore } from 'zustand';
import { selectCursorIndex, selectRows, type AppStore } from '../store/app-store.ts';
import { layout } from '../store/layout.ts';
import { detailsLines } from './details-lines.ts';
import { T, fit, g, useLook } from './Styled.tsx';

export function DetailsPane({ store }: { store: AppStore }) {
  const st = useStore(store);
  const { ascii } = useLook();
  const L = layout(st.size);
  const row = selectRows(st)[selectCursorIndex(st)];
  const lines = detailsLines(st.snapshot, row);
  const width = L.detailsWidth;
  const rule = g(ascii, '─', '-');
  const shown = lines.slice(0, L.detailsRows - 1);
  const more = lines.length - shown.length;
  if (more > 0) shown[shown.length - 1] = { text: `... ${more + 1} more lines (widen the terminal)`, colour: 'gray' };
  return (
    <Box flexDirection="column" width={width} height={L.detailsRows}>
      <T bold>{fit(`${rule}${rule} Details ${rule.repeat(Math.max(0, width - 11))}`, width)}</T>
      {shown.map((l, i) => (
        <T key={i} c={l.colour} bold={l.bold}>{fit(` ${l.text}`, width)}</T>
      ))}
    </Box>
  );
}
