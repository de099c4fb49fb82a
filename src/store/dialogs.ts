// Opening and closing dialogs, the one-line flash, quitting.
import type { AppStore, Dialog } from './app-store.ts';

const get = (s: AppStore) => s.getState();

export const flash = (store: AppStore, text: string) => store.setState({ flash: text });
export const openDialog = (store: AppStore, dialog: Dialog | null) => store.setState({ dialog, flash: null });

export function requestQuit(store: AppStore) {
  if (get(store).intents.length) openDialog(store, { kind: 'quit', choice: 0 });
  else store.setState({ exiting: true });
}
