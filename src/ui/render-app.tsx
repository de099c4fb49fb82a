// Starts the Ink app on a terminal: size from the terminal, resizes followed, resolves when the
// operator quits. Terminal setup/restore (alternate screen, signals) is the launcher's job.
import { render } from 'ink';
import { setSize } from '../store/actions.ts';
import type { AppStore } from '../store/app-store.ts';
import { App } from './App.tsx';

export async function renderApp(
  store: AppStore,
  io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream },
): Promise<void> {
  const onResize = () => setSize(store, { columns: io.stdout.columns || 80, rows: io.stdout.rows || 24 });
  io.stdout.on('resize', onResize);
  const app = render(<App store={store} />, {
    stdin: io.stdin,
    stdout: io.stdout,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await app.waitUntilExit();
  } finally {
    io.stdout.off('resize', onResize);
  }
}
