// The flash / legend line and the key-hint bar (hints come from the keymap table).
import { Box } from 'ink';
import { hintsFor } from './keymap.ts';
import { useAppState, useColumns, usePane } from './store-context.tsx';
import { T, fit, useLook } from './Styled.tsx';
import { VERDICT } from './theme.ts';

export function Legend() {
  const flash = useAppState((s) => s.flash);
  const columns = useColumns();
  const { ascii } = useLook();
  if (flash) return <T c="cyan">{fit(` ${flash}`, columns)}</T>;
  const items = (['isolated', 'shared', 'host-critical', 'no-iommu'] as const).map((k) => VERDICT[k]);
  return (
    <Box height={1}>
      <T> Legend:</T>
      {items.map((v) => (
        <T key={v.word} c={v.colour}>{`  ${ascii ? v.ascii : v.glyph} ${v.word}`}</T>
      ))}
    </Box>
  );
}

export function HintBar() {
  const pane = usePane();
  const filtering = useAppState((s) => s.filtering);
  const columns = useColumns();
  const text = ` ${hintsFor(filtering ? 'filter' : pane)
    .map((h) => (h.keys ? `${h.keys} ${h.hint}` : h.hint))
    .join(filtering ? '  ' : ' ')}`;
  const { ascii } = useLook();
  return (
    <T inverse>
      {fit(ascii ? text.replace(/[↑↓]/g, (c) => (c === '↑' ? '^' : 'v')).replace('→', '>') : text, columns)}
    </T>
  );
}
