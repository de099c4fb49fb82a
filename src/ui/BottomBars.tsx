// The flash / legend line and the key-hint bar (hints come from the keymap table).
import { Box } from 'ink';
import { useStore } from 'zustand';
import type { AppStore } from '../store/app-store.ts';
import { hintsFor } from './keymap.ts';
import { T, fit, useLook } from './Styled.tsx';
import { VERDICT } from './theme.ts';

export function Legend({ store }: { store: AppStore }) {
  const flash = useStore(store, (s) => s.flash);
  const columns = useStore(store, (s) => s.size.columns);
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

export function HintBar({ store }: { store: AppStore }) {
  const pane = useStore(store, (s) => s.pane);
  const filtering = useStore(store, (s) => s.filtering);
  const columns = useStore(store, (s) => s.size.columns);
  const text = ` ${hintsFor(filtering ? 'filter' : pane)
    .map((h) => (h.keys ? `${h.keys} ${h.hint}` : h.hint))
    .join(filtering ? '  ' : ' ')}`;
  const { ascii } = useLook();
  return <T inverse>{fit(ascii ? text.replace(/[↑↓]/g, (c) => (c === '↑' ? '^' : 'v')).replace('→', '>') : text, columns)}</T>;
}
