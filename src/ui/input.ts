// Routes one key press: an open dialog takes keys first, then the filter line, then the
// focused pane, then global keys from the keymap table. Pure over the store (no React), so
// tests and the benchmark can drive it directly.
import * as A from '../store/actions.ts';
import { describeIntent } from '../store/actions.ts';
import { editLine } from '../store/line-edit.ts';
import { selectFindings, type AppStore, type Dialog } from '../store/app-store.ts';
import { KEYMAP, type KeyInfo } from './keymap.ts';
import { clampScroll, pendingView } from './pending-lines.ts';
import { helpLines, helpWidth } from './dialogs/HelpDialog.tsx';
import { dialogRoom } from './dialogs/ScrollingDialog.tsx';
import { detailsDialogLines } from './dialogs/DetailsDialog.tsx';

export function handleKey(store: AppStore, k: KeyInfo): void {
  const st = store.getState();
  if (st.dialog) return dialogKey(store, k);
  if (st.filtering) return filterKey(store, k);
  if (k.escape) {
    if (st.pane === 'pending') return A.togglePane(store);
    if (st.filter) return A.setFilter(store, '');
    return;
  }
  const context = st.pane;
  if (context === 'tree') {
    if (k.upArrow || (k.input === 'k' && !k.ctrl)) return A.moveCursor(store, -1);
    if (k.downArrow || (k.input === 'j' && !k.ctrl)) return A.moveCursor(store, 1);
    if (k.pageUp) return A.moveCursor(store, 'pageUp');
    if (k.pageDown) return A.moveCursor(store, 'pageDown');
    if (k.input === 'g') return A.moveCursor(store, 'top');
    if (k.input === 'G') return A.moveCursor(store, 'bottom');
  } else if (pendingKey(store, k)) return;
  for (const b of KEYMAP) {
    if ((b.context === context || b.context === 'global') && b.run && b.match?.(k)) return b.run(store);
  }
}

/**
 * The pending pane: j/k select a staged item while there is one to select in that direction, and
 * scroll the plan line by line past the ends; PgUp/PgDn page, g/G go to the first / last line.
 * The scroll is clamped here, so the view can always reach its last line and never overshoots.
 */
function pendingKey(store: AppStore, k: KeyInfo): boolean {
  const st = store.getState();
  const v = pendingView(st);
  const n = st.intents.length;
  const scroll = clampScroll(v, st.pendingScroll);
  const page = Math.max(1, v.room - 1);
  const lineOf = (i: number) => v.intentLine[i] ?? 0;
  const visible = (line: number, top: number) => line >= top && line < top + v.room;
  const set = (pendingCursor: number, top: number) => store.setState({ pendingCursor, pendingScroll: clampScroll(v, top), flash: null });
  const select = (i: number) => {
    const line = lineOf(i);
    set(i, visible(line, scroll) ? scroll : line < scroll ? Math.max(0, line - 1) : line - v.room + 1);
  };
  const cur = Math.min(st.pendingCursor, Math.max(0, n - 1));
  if (k.downArrow || (k.input === 'j' && !k.ctrl)) {
    if (cur < n - 1 && lineOf(cur + 1) >= scroll) select(cur + 1);
    else set(cur, scroll + 1);
    return true;
  }
  if (k.upArrow || (k.input === 'k' && !k.ctrl)) {
    if (n && lineOf(cur) >= scroll && cur > 0) select(cur - 1);
    else set(cur, scroll - 1);
    return true;
  }
  if (k.pageDown || (k.input === ' ' && !k.ctrl)) return set(cur, scroll + page), true;
  if (k.pageUp) return set(cur, scroll - page), true;
  if (k.input === 'G' || k.end) return set(Math.max(0, n - 1), v.maxScroll), true;
  if (k.input === 'g' || k.home) return set(0, 0), true;
  if ((k.input === 'd' && !k.ctrl) || k.delete) {
    // Never drop an item the operator cannot see: bring it into view first.
    if (n && !visible(lineOf(cur), scroll)) {
      select(cur);
      A.flash(store, `Selected: ${st.intents[cur] ? describeIntent(st.intents[cur]) : ''}. d again drops it.`);
      return true;
    }
    return false;
  }
  return false;
}

/** The filter line: readline editing keys, Enter keeps the filter, Esc clears it. */
function filterKey(store: AppStore, k: KeyInfo) {
  const st = store.getState();
  if (k.escape) return store.setState({ filtering: false, filterCursor: 0 }), A.setFilter(store, '');
  if (k.return) return store.setState({ filtering: false });
  if (k.upArrow) return A.moveCursor(store, -1);
  if (k.downArrow) return A.moveCursor(store, 1);
  const next = editLine({ text: st.filter, cursor: st.filterCursor }, k);
  if (!next) return;
  store.setState({ filterCursor: next.cursor });
  if (next.text !== st.filter) A.setFilter(store, next.text);
}

/** j/k, PgUp/PgDn/space, g/G in a scrolling dialog, clamped to its last page. */
function scrollKey(store: AppStore, k: KeyInfo, d: Extract<Dialog, { scroll: number }>, total: number) {
  const room = dialogRoom(store.getState().size.rows - 3);
  const last = Math.max(0, total - room);
  const to = (n: number) => store.setState({ dialog: { ...d, scroll: Math.max(0, Math.min(last, n)) } });
  if (k.downArrow || k.input === 'j') return to(d.scroll + 1);
  if (k.upArrow || k.input === 'k') return to(d.scroll - 1);
  if (k.pageDown || k.input === ' ') return to(d.scroll + room - 1);
  if (k.pageUp) return to(d.scroll - room + 1);
  if (k.input === 'G' || k.end) return to(last);
  if (k.input === 'g' || k.home) return to(0);
}

function buttons(store: AppStore, k: KeyInfo, count: number, choice: number, onChoose: (c: number) => void, onCancel: () => void) {
  if (k.escape) return onCancel();
  if (k.leftArrow || k.upArrow || (k.tab && k.input === '') || k.input === 'h' || k.input === 'k') return setChoice(store, (choice + count - 1) % count);
  if (k.rightArrow || k.downArrow || k.tab || k.input === 'l' || k.input === 'j') return setChoice(store, (choice + 1) % count);
  if (k.return) return onChoose(choice);
}

function setChoice(store: AppStore, choice: number) {
  const d = store.getState().dialog;
  if (d && 'choice' in d) store.setState({ dialog: { ...d, choice } });
}

function dialogKey(store: AppStore, k: KeyInfo) {
  const d = store.getState().dialog!;
  const close = () => A.openDialog(store, null);
  switch (d.kind) {
    case 'checks': {
      if (k.escape || k.return || k.input === '!' || k.input === 'q') return close();
      const last = Math.max(0, selectFindings(store.getState()).length - 1);
      if (k.downArrow || k.input === 'j') return store.setState({ dialog: { ...d, cursor: Math.min(last, d.cursor + 1) } });
      if (k.upArrow || k.input === 'k') return store.setState({ dialog: { ...d, cursor: Math.max(0, d.cursor - 1) } });
      if (k.input === 'x') return A.stageFindingFix(store, d.cursor);
      return;
    }
    case 'help':
    case 'details': {
      if (k.escape || k.return || k.input === 'q' || k.input === (d.kind === 'help' ? '?' : 'i')) return close();
      const st = store.getState();
      const total = d.kind === 'help' ? helpLines(helpWidth(st.size.columns), st.ascii).length : detailsDialogLines(st).length;
      return scrollKey(store, k, d, total);
    }
    case 'info':
      if (k.escape || k.return) close();
      return;
    case 'quit':
      if (k.input === 'y') return store.setState({ exiting: true });
      if (k.input === 'n') return close();
      return buttons(store, k, 2, d.choice, (c) => (c === 1 ? store.setState({ exiting: true }) : close()), close);
    case 'shared':
      return buttons(store, k, 3, d.choice, (c) => (c === 0 ? A.answerShared(store, true) : c === 1 ? A.answerShared(store, false) : close()), close);
    case 'critical':
      return buttons(store, k, 2, d.choice, (c) => (c === 1 ? A.answerCritical(store) : close()), close);
    case 'vfs':
      if (k.escape) return close();
      if (k.return) return A.confirmVfs(store);
      if (k.upArrow || k.input === '+' || k.input === 'k') return A.editVfValue(store, (v) => String(Math.min(d.total, Number(v || '0') + 1)));
      if (k.downArrow || k.input === '-' || k.input === 'j') return A.editVfValue(store, (v) => String(Math.max(0, Number(v || '0') - 1)));
      if (k.backspace || k.delete) return A.editVfValue(store, (v) => v.slice(0, -1));
      if (/^[0-9]$/.test(k.input)) return A.editVfValue(store, (v) => v + k.input);
      return;
    case 'assign-vm':
      if (k.escape) return close();
      return; // the VM list (ink-select-input) takes the other keys
    case 'assign-options':
      if (k.escape) return A.openDialog(store, { kind: 'assign-vm', address: d.address });
      if (k.return) return A.confirmAssign(store);
      if (k.upArrow || k.input === 'k') return A.moveAssignFocus(store, -1);
      if (k.downArrow || k.input === 'j' || k.tab) return A.moveAssignFocus(store, 1);
      if (k.input === ' ') return A.toggleAssignOption(store);
      if (/^[1-4]$/.test(k.input)) return A.toggleAssignOption(store, Number(k.input) - 1);
      return;
    case 'confirm':
      if (k.input === 'y') return void A.commit(store);
      return buttons(store, k, 2, d.choice, (c) => (c === 1 ? void A.commit(store) : close()), close);
    case 'progress':
      return; // no keys while applying
    case 'result':
      // Only a deliberate key closes it: Enter or Esc, once the grace time is over.
      if (Date.now() < d.readyAt) return;
      if (k.escape || k.return) close();
      return;
  }
}
