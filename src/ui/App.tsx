// The root component. Props: `store` (from createAppStore) and `onExit` (called once when the
// operator quits). Provides the store to the components (store-context.tsx), dispatches keys
// through handleKey; no I/O here.
import { Box, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect } from 'react';
import { useStore } from 'zustand';
import type { AppStore } from '../store/app-store.ts';
import { MIN, layout } from '../store/layout.ts';
import { startMonitor } from '../store/monitor.ts';
import { Legend, HintBar } from './BottomBars.tsx';
import { DetailsPane } from './DetailsPane.tsx';
import { DialogView } from './dialogs/Dialog.tsx';
import { handleKey } from './input.ts';
import { MonitorView } from './MonitorView.tsx';
import { PendingPane } from './PendingPane.tsx';
import { StatusLine } from './StatusLine.tsx';
import { LookContext, T } from './Styled.tsx';
import { StoreContext } from './store-context.tsx';
import { TreePane } from './TreePane.tsx';

/** A key from a chunk of typed characters (Enter, Tab and Backspace arrive as control bytes). */
function charKey(ch: string) {
  if (ch === '\r' || ch === '\n') return { input: '', return: true };
  if (ch === '\t') return { input: '', tab: true };
  if (ch === '\x7f' || ch === '\b') return { input: '', backspace: true };
  return { input: ch };
}

export function App({ store, onExit }: { store: AppStore; onExit?: () => void }) {
  const { exit } = useApp();
  const size = useStore(store, (s) => s.size);
  const colour = useStore(store, (s) => s.colour);
  const ascii = useStore(store, (s) => s.ascii);
  const pane = useStore(store, (s) => s.pane);
  const dialogOpen = useStore(store, (s) => s.dialog !== null);
  const exiting = useStore(store, (s) => s.exiting);

  // One handler for the app's life: Ink re-subscribes a changed handler, which would move it
  // behind a dialog's own list (ink-select-input) in the order keys are handed out.
  const onInput = useCallback(
    (input: string, key: Key) => {
      // Keys typed fast (or sent by tmux) can arrive as one chunk: handle them one by one.
      if (input.length > 1 && !key.ctrl && !key.meta) for (const ch of input) handleKey(store, charKey(ch));
      else handleKey(store, { ...key, input });
    },
    [store],
  );
  useInput(onInput);
  // Network sampling runs from the start: its alerts reach the status line in every view.
  useEffect(() => startMonitor(store), [store]);
  useEffect(() => {
    if (exiting) {
      onExit?.();
      exit();
    }
  }, [exiting, exit, onExit]);

  const L = layout(size);
  let body;
  if (L.tooSmall) {
    body = (
      <Box flexDirection="column" width={size.columns}>
        <T
          c="yellow"
          wrap="wrap"
        >{`Terminal too small: ${size.columns}x${size.rows}, need at least ${MIN.columns}x${MIN.rows}.`}</T>
        <T wrap="wrap">Make the window larger (nothing is lost), or press q to quit.</T>
      </Box>
    );
  } else {
    const main = dialogOpen ? (
      <DialogView />
    ) : pane === 'pending' ? (
      <PendingPane />
    ) : pane === 'monitor' ? (
      <MonitorView height={L.mainRows} />
    ) : (
      <Box flexDirection={L.wide ? 'row' : 'column'} height={L.mainRows}>
        <TreePane />
        {L.wide && <Box width={1} />}
        <DetailsPane />
      </Box>
    );
    body = (
      <Box flexDirection="column" width={size.columns} height={size.rows}>
        <StatusLine />
        <Box height={L.mainRows} flexDirection="column">
          {main}
        </Box>
        <Legend />
        <HintBar />
      </Box>
    );
  }
  return (
    <StoreContext.Provider value={store}>
      <LookContext.Provider value={{ colour, ascii }}>{body}</LookContext.Provider>
    </StoreContext.Provider>
  );
}
