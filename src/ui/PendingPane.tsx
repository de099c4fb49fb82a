// The pending-changes pane: staged items and the full plan. Every line is reachable: the view
// scrolls to its last line (j/Down past the last item, PgDn, G), whatever the terminal size.
import { Box } from 'ink';
import { clampScroll, pendingView } from './pending-lines.ts';
import { useAppState, useIntents, useSize, useSnapshot } from './store-context.tsx';
import { T, fit, g, titleRule, useLook } from './Styled.tsx';

export function PendingPane() {
  const intents = useIntents();
  const snapshot = useSnapshot();
  const size = useSize();
  const cursor = useAppState((s) => s.pendingCursor);
  const wanted = useAppState((s) => s.pendingScroll);
  const { ascii } = useLook();
  const view = pendingView({ intents, snapshot, size });
  const scroll = clampScroll(view, wanted);
  const shown = view.lines.slice(scroll, scroll + view.room);
  const rule = g(ascii, '─', '-');
  const more = view.lines.length > view.room;
  const pos = more
    ? ` ${scroll + 1}-${Math.min(view.lines.length, scroll + view.room)}/${view.lines.length} (PgUp/PgDn g/G)`
    : '';
  return (
    <Box flexDirection="column" width={size.columns} height={view.room + 1}>
      <T bold>{titleRule(`${rule}${rule} Pending changes${pos}`, size.columns, rule)}</T>
      {shown.map((l, i) => (
        <T key={i} c={l.colour} bold={l.bold} inverse={l.intent !== undefined && l.intent === cursor}>
          {fit(l.text, size.columns)}
        </T>
      ))}
    </Box>
  );
}
