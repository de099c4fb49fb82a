// Routes one key press to the binding list of where the operator is: the open dialog, else the
// filter line, else the focused pane (with the keys both panes share). Every key it handles is a
// binding of the keymap table, which also writes the help, the hint bar and the manual. Pure
// over the store (no React), so tests and the benchmark can drive it directly.
import type { AppState, AppStore } from '../store/app-store.ts';
import { bindingsFor, type Binding, type KeyInfo, type Scope } from './keymap.ts';

export function scopeOf(st: AppState): Scope {
  return st.dialog ? st.dialog.kind : st.filtering ? 'filter' : st.pane;
}

/** The binding that takes this key where the operator is, if any. */
export function bindingFor(st: AppState, k: KeyInfo): Binding | undefined {
  return bindingsFor(scopeOf(st)).find((b) => b.match(k));
}

export function handleKey(store: AppStore, k: KeyInfo): void {
  bindingFor(store.getState(), k)?.run?.(store, k);
}
