// The store reaches components through a context, and each component selects only what it draws
// (one hook per concern, as Ink does with useInput/useApp/useStdout): a flash message re-renders
// the bottom bar, not the tree. Derived views come from the store's per-input caches.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import {
  selectCursorIndex,
  selectFindings,
  selectPlan,
  selectRows,
  type AppState,
  type AppStore,
} from '../store/app-store.ts';
import { screenLayout, type ScreenInputs } from './screen.ts';

export const StoreContext = createContext<AppStore | null>(null);

/** The store itself, for actions (keys, a picked VM). */
export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore: no store here (render under <StoreContext.Provider>)');
  return store;
}

/** One slice of the state; re-renders only when it changes (Object.is). */
export function useAppState<T>(select: (s: AppState) => T): T {
  return useStore(useAppStore(), select);
}

export const useSize = () => useAppState((s) => s.size);
export const useColumns = () => useAppState((s) => s.size.columns);
export const useSnapshot = () => useAppState((s) => s.snapshot);
export const useIntents = () => useAppState((s) => s.intents);
export const useDialog = () => useAppState((s) => s.dialog);
export const usePane = () => useAppState((s) => s.pane);
export const useRows = () => useAppState(selectRows);
export const useCursorIndex = () => useAppState(selectCursorIndex);
export const usePlan = () => useAppState(selectPlan);
export const useFindings = () => useAppState(selectFindings);
export const useFilterLine = () =>
  useAppState(useShallow((s) => ({ text: s.filter, editing: s.filtering, cursor: s.filterCursor })));

const screenInputs = (s: AppState): ScreenInputs => ({
  snapshot: s.snapshot,
  intents: s.intents,
  expanded: s.expanded,
  filter: s.filter,
  cursorId: s.cursorId,
  size: s.size,
});
/** What the tree/details screen is computed from (stable while none of it changes). */
export const useScreenInputs = () => useAppState(useShallow(screenInputs));
/** The layout and the selected row's details, as the panes and the `i` dialog show them. */
export const useScreen = () => screenLayout(useScreenInputs());
