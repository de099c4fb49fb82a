// THE table of keys: it drives input handling, the hint bar, the `?` overlay and the manual
// page, so they can never disagree.
import * as A from '../store/actions.ts';
import type { AppStore } from '../store/app-store.ts';

export interface KeyInfo {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  home?: boolean;
  end?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type KeyContext = 'tree' | 'pending' | 'global' | 'dialog';

export interface Binding {
  /** How the key is written in hints, help and the manual. */
  keys: string;
  /** Short word for the hint bar; omitted bindings appear in help only. */
  hint?: string;
  /** The key as shown in the hint bar (defaults to the first of `keys`). */
  hintKey?: string;
  description: string;
  context: KeyContext;
  match?: (k: KeyInfo) => boolean;
  run?: (store: AppStore) => void;
}

const ch = (...cs: string[]) => (k: KeyInfo) => !k.ctrl && cs.includes(k.input);

export const KEYMAP: Binding[] = [
  { keys: '↑/k ↓/j', hint: 'move', hintKey: 'jk', description: 'move the cursor', context: 'tree', match: (k) => Boolean(k.upArrow) || Boolean(k.downArrow) || ch('k', 'j')(k), run: undefined },
  { keys: 'PgUp PgDn g G', description: 'page up / down, first / last row', context: 'tree', match: (k) => Boolean(k.pageUp || k.pageDown) || ch('g', 'G')(k) },
  { keys: '→/l/Enter', description: 'expand a group or a physical function', context: 'tree', match: (k) => Boolean(k.rightArrow || k.return) || ch('l')(k), run: (s) => A.setExpanded(s, true) },
  { keys: '←/h', description: 'collapse, or go to the parent row', context: 'tree', match: (k) => Boolean(k.leftArrow) || ch('h')(k), run: (s) => A.setExpanded(s, false) },
  { keys: 'space', hint: 'vfio', description: 'reserve / release the device for vfio-pci (asks for shared and host-critical groups)', context: 'tree', match: ch(' '), run: A.toggleReserve },
  { keys: 'v', hint: 'VFs', description: 'set the SR-IOV virtual-function count of a physical function', context: 'tree', match: ch('v'), run: A.openVfEditor },
  { keys: 'a', hint: 'assign', description: 'assign the device or VF to a VM', context: 'tree', match: ch('a'), run: A.openAssign },
  { keys: 'i', description: 'all details of the selected row, in a dialog that scrolls (when the pane is too short)', context: 'tree', match: ch('i'), run: (s) => A.openDialog(s, { kind: 'details', scroll: 0 }) },
  { keys: '/', hint: 'filter', description: 'filter by address, name, vendor:device or driver; Enter keeps it, Esc clears it', context: 'tree', match: ch('/'), run: (s) => s.setState({ filtering: true, filterCursor: s.getState().filter.length, flash: null }) },
  { keys: 'Ctrl-U Ctrl-W Ctrl-A Ctrl-E', description: 'in the filter line: delete to the start (all of it), delete a word, go to the start / end', context: 'tree' },
  { keys: '↑/k ↓/j', description: 'select a staged change; past the first / last one, scroll the plan a line', context: 'pending' },
  { keys: 'PgUp PgDn space', description: 'scroll the plan a page', context: 'pending' },
  { keys: 'g G', description: 'first / last line of the plan (its steps and warnings)', context: 'pending' },
  { keys: 'd/Delete', hint: 'drop', hintKey: 'd', description: 'drop the selected staged change', context: 'pending', match: (k) => Boolean(k.delete) || ch('d')(k), run: (s) => A.dropIntent(s, s.getState().pendingCursor) },
  { keys: 'p/Tab', hint: 'pending', hintKey: 'p', description: 'switch between the device tree and the pending-changes pane', context: 'global', match: (k) => Boolean(k.tab) || ch('p')(k), run: A.togglePane },
  { keys: 'u', description: 'unstage the last staged change', context: 'global', match: ch('u'), run: A.undoLast },
  { keys: 'c', hint: 'commit', description: 'review and apply the plan (asks first)', context: 'global', match: ch('c'), run: A.requestCommit },
  { keys: '!', description: 'pre-flight checks: VMs that will not start, devices in two VMs, boot risks', context: 'global', match: ch('!'), run: (s) => A.openDialog(s, { kind: 'checks', cursor: 0 }) },
  { keys: '?', hint: 'help', description: 'show all keys', context: 'global', match: ch('?'), run: (s) => A.openDialog(s, { kind: 'help', scroll: 0 }) },
  { keys: 'q', hint: 'quit', description: 'quit (asks first when changes are staged)', context: 'global', match: ch('q'), run: A.requestQuit },
  { keys: 'Ctrl-C', description: 'quit at once, staged changes are dropped', context: 'global', match: (k) => Boolean(k.ctrl) && k.input === 'c', run: (s) => s.setState({ exiting: true }) },
  { keys: 'Ctrl-Z', description: 'suspend to the shell; fg brings the program back as it was', context: 'global', match: (k) => Boolean(k.ctrl) && k.input === 'z', run: (s) => void (s.getState().host.suspend?.() === false && A.flash(s, 'Cannot suspend now.')) },
  { keys: 'Esc', description: 'back out of a dialog, the filter or the pending pane', context: 'dialog' },
  { keys: 'j/k PgUp PgDn g G', description: 'scroll the help or the details (i) when they do not fit', context: 'dialog' },
  { keys: '←/→ Tab Enter', description: 'choose a button in a dialog', context: 'dialog' },
  { keys: 'j/k x', description: 'checks: select a problem; x stages removing its hostpci line from the VM', context: 'dialog' },
  { keys: '0-9 +/- ↑/↓', description: 'VF editor: type or step the count', context: 'dialog' },
  { keys: 'space 1-4', description: 'assign options: toggle all functions, PCI-Express, x-vga, ROM-Bar', context: 'dialog' },
];

export function hintsFor(context: 'tree' | 'pending'): Array<{ keys: string; hint: string }> {
  return KEYMAP.filter((b) => b.hint && (b.context === context || b.context === 'global')).map((b) => ({ keys: b.hintKey ?? b.keys.split(' ')[0]!, hint: b.hint! }));
}
