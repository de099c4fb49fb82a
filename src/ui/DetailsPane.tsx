// Details of the selected row: ids, names, driver, link, reset, NUMA, SR-IOV, VMs, verdict.
import { Box } from 'ink';
import { useStore } from 'zustand';
import { selectCursorIndex, selectFindings, selectRows, type AppStore } from '../store/app-store.ts';
import { layout } from '../store/layout.ts';
import { detailsLines } from './details-lines.ts';
import { T, fit, g, titleRule, useLook, wrapText } from './Styled.tsx';

export function DetailsPane({ store }: { store: AppStore }) {
  const st = useStore(store);
  const { ascii } = useLook();
  const L = layout(st.size);
  const row = selectRows(st)[selectCursorIndex(st)];
  const width = L.detailsWidth;
  const lines = detailsLines(st.snapshot, row, selectFindings(st)).flatMap((l) => wrapText(l.text, width - 1).map((text) => ({ ...l, text })));
  const rule = g(ascii, '─', '-');
  const shown = lines.slice(0, L.detailsRows - 1);
  const more = lines.length - shown.length;
  if (more > 0) shown[shown.length - 1] = { text: `... ${more + 1} more lines (widen the terminal)`, colour: 'gray' };
  return (
    <Box flexDirection="column" width={width} height={L.detailsRows}>
      <T bold>{titleRule(`${rule}${rule} Details`, width, rule)}</T>
      {shown.map((l, i) => (
        <T key={i} c={l.colour} bold={l.bold}>{fit(` ${l.text}`, width)}</T>
      ))}
    </Box>
  );
}
