// The Monitor view (m): every NIC, VF and passed-through network function with link, rates and
// a sparkline; alerts on top. Full screen between the status line and the bottom bars.
import { Box } from 'ink';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { monitorStore } from '../store/monitor.ts';
import { monitorScreen } from './monitor-lines.ts';
import { T, useLook } from './Styled.tsx';
import { useAppState, useAppStore, useSize } from './store-context.tsx';

export function MonitorView({ height }: { height: number }) {
  const store = useAppStore();
  const m = useStore(monitorStore(store));
  const size = useSize();
  const available = useAppState((s) => Boolean(s.host.monitor));
  const { ascii } = useLook();
  const screen = monitorScreen(size, ascii, m, available);
  // Keep the stored scroll within the rows (they change with a commit, or the window size).
  useEffect(() => {
    if (screen.scroll !== m.scroll) monitorStore(store).setState({ scroll: screen.scroll });
  }, [screen.scroll, m.scroll, store]);
  const rows = screen.rows.slice(screen.scroll, screen.scroll + screen.page);
  return (
    <Box flexDirection="column" height={height}>
      <T bold c="cyan">
        {screen.title}
      </T>
      {screen.alerts.map((a, i) => (
        <T key={`a${i}`} c={a.colour} bold>
          {a.text}
        </T>
      ))}
      <T bold>{screen.header}</T>
      {rows.map((r, i) => (
        <Box key={i} height={1}>
          <T c={r.colour}>{r.text}</T>
          {r.spark !== undefined && <T c="cyan">{r.spark}</T>}
        </Box>
      ))}
    </Box>
  );
}
