// The pending-changes pane: staged items and the full plan, scrollable.
import { Box } from 'ink';
import { useStore } from 'zustand';
import { selectPlan, type AppStore } from '../store/app-store.ts';
import { pendingLines } from './pending-lines.ts';
import { T, fit, g, titleRule, useLook, wrapText } from './Styled.tsx';

export function PendingPane({ store }: { store: AppStore }) {
  const st = useStore(store);
  const { ascii } = useLook();
  const height = st.size.rows - 3;
  const width = st.size.columns;
  const lines = pendingLines(st.intents, selectPlan(st), st.snapshot.notices).flatMap((l) => wrapText(l.text, width).map((text, i) => ({ ...l, text, intent: i === 0 ? l.intent : undefined })));
  // Keep the selected staged item visible; PgUp/PgDn scroll the rest.
  const sel = lines.findIndex((l) => l.intent === st.pendingCursor);
  const maxScroll = Math.max(0, lines.length - (height - 1));
  let scroll = Math.min(st.pendingScroll, maxScroll);
  if (sel >= 0 && sel < scroll) scroll = Math.max(0, sel - 1);
  const shown = lines.slice(scroll, scroll + height - 1);
  const rule = g(ascii, '─', '-');
  const pos = lines.length > height - 1 ? ` ${scroll + 1}-${Math.min(lines.length, scroll + height - 1)}/${lines.length} (PgUp/PgDn)` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <T bold>{titleRule(`${rule}${rule} Pending changes${pos}`, width, rule)}</T>
      {shown.map((l, i) => (
        <T key={i} c={l.colour} bold={l.bold} inverse={l.intent !== undefined && l.intent === st.pendingCursor}>
          {fit(l.text, width)}
        </T>
      ))}
    </Box>
  );
}
