// THE table of keys: one binding list per context (the tree, the filter line, the pending pane,
// each dialog). Key handling (input.ts), the hint bar, the `?` help and the manual page are all
// generated from it, so they cannot disagree; test/ui/keymap.test.ts checks that every key a
// binding names is the key it handles, and the other way round.
import * as A from '../store/actions.ts';
import { INTERVALS, scrollMonitor, stepInterval } from '../store/monitor.ts';
import { selectFindings, selectPlan, type AppStore, type Dialog } from '../store/app-store.ts';
import { detailsDialogLines } from './dialogs/DetailsDialog.tsx';
import { dialogRoom, helpWidth, type DialogLine } from './dialogs/ScrollingDialog.tsx';
import { monitorPage } from './monitor-lines.ts';
import * as M from '../store/mappings.ts';
import * as P from './pending-keys.ts';
import * as V from '../store/vf-settings.ts';
import { fit, width as textWidth, wrapText } from './Styled.tsx';

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
  shift?: boolean;
  backspace?: boolean;
  delete?: boolean;
  home?: boolean;
  end?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

/** Sections of the help and the manual. */
export type KeyContext = 'tree' | 'pending' | 'monitor' | 'global' | 'dialog';

/** Where a binding applies: the pane, the filter line, or one dialog. */
export type Scope = 'tree' | 'filter' | 'pending' | 'monitor' | 'global' | Dialog['kind'];

export interface Binding {
  /** How the keys are written in hints, help and the manual (tokens split on spaces and '/'). */
  keys: string;
  /** Short word for the hint bar; omitted bindings appear in help only. */
  hint?: string;
  /** The key as shown in the hint bar (defaults to the first of `keys`). */
  hintKey?: string;
  description: string;
  scope: Scope;
  /** The help / manual section (derived from the scope). */
  context: KeyContext;
  match: (k: KeyInfo) => boolean;
  /** Absent: the key is handled by a component of its own (the VM list, ink-select-input). */
  run?: (store: AppStore, k: KeyInfo) => void;
}

const plain = (k: KeyInfo) => !k.ctrl && !k.meta;
const ch =
  (...cs: string[]) =>
  (k: KeyInfo) =>
    plain(k) && cs.includes(k.input);
const ctrl = (c: string) => (k: KeyInfo) => Boolean(k.ctrl) && k.input === c;
const any =
  (...ms: Array<(k: KeyInfo) => boolean>) =>
  (k: KeyInfo) =>
    ms.some((m) => m(k));
const up = (k: KeyInfo) => Boolean(k.upArrow);
const down = (k: KeyInfo) => Boolean(k.downArrow);
const left = (k: KeyInfo) => Boolean(k.leftArrow);
const right = (k: KeyInfo) => Boolean(k.rightArrow);
const pgUp = (k: KeyInfo) => Boolean(k.pageUp);
const pgDn = (k: KeyInfo) => Boolean(k.pageDown);
const enter = (k: KeyInfo) => Boolean(k.return);
const esc = (k: KeyInfo) => Boolean(k.escape);
const tab = (k: KeyInfo) => Boolean(k.tab) && !k.shift;
const shiftTab = (k: KeyInfo) => Boolean(k.tab) && Boolean(k.shift);
const home = (k: KeyInfo) => Boolean(k.home);
const end = (k: KeyInfo) => Boolean(k.end);
// Ink reports the Backspace key (DEL) as `delete`: both erase.
const erase = (k: KeyInfo) => Boolean(k.backspace || k.delete);
const digit = (k: KeyInfo) => plain(k) && /^[0-9]$/.test(k.input);
const typed = (k: KeyInfo) => plain(k) && k.input.length === 1 && k.input >= ' ' && !k.upArrow && !k.downArrow;

const contextOf = (scope: Scope): KeyContext =>
  scope === 'tree' || scope === 'filter'
    ? 'tree'
    : scope === 'pending' || scope === 'monitor' || scope === 'global'
      ? scope
      : 'dialog';
const close = (s: AppStore) => A.openDialog(s, null);
const dialogOf = <K extends Dialog['kind']>(s: AppStore, kind: K) => {
  const d = s.getState().dialog;
  return d?.kind === kind ? (d as Extract<Dialog, { kind: K }>) : null;
};

type Row = Omit<Binding, 'scope' | 'context'>;
const scope = (sc: Scope, rows: Row[]): Binding[] => rows.map((r) => ({ ...r, scope: sc, context: contextOf(sc) }));

/** Buttons in a row (or a short list): move between them, Enter chooses, Esc cancels. */
function buttons(
  sc: Dialog['kind'],
  count: (s: AppStore) => number,
  choose: (s: AppStore, c: number) => void,
): Binding[] {
  const what = 'buttons (quit, shared or host-critical group, commit, interrupted apply)';
  const move = (s: AppStore, delta: number) => {
    const d = s.getState().dialog;
    if (d && 'choice' in d) s.setState({ dialog: { ...d, choice: (d.choice + delta + count(s)) % count(s) } });
  };
  const choice = (s: AppStore) => {
    const d = s.getState().dialog;
    return d && 'choice' in d ? d.choice : 0;
  };
  return scope(sc, [
    {
      keys: '←/h ↑/k Shift-Tab',
      description: `${what}: previous choice`,
      match: any(left, up, ch('h', 'k'), shiftTab),
      run: (s) => move(s, -1),
    },
    {
      keys: '→/l ↓/j Tab',
      description: `${what}: next choice`,
      match: any(right, down, ch('l', 'j'), tab),
      run: (s) => move(s, 1),
    },
    { keys: 'Enter', description: `${what}: do the chosen one`, match: enter, run: (s) => choose(s, choice(s)) },
    { keys: 'Esc', description: `${what}: cancel`, match: esc, run: close },
  ]);
}

/** Scrolls the help or details dialog: ±1 a line, ±2 a page, ±Infinity to an end; clamped. */
function scrollDialog(store: AppStore, step: number) {
  const st = store.getState();
  const d = st.dialog;
  if (d?.kind !== 'help' && d?.kind !== 'details') return;
  const total =
    d.kind === 'help' ? helpLines(helpWidth(st.size.columns), st.ascii).length : detailsDialogLines(st).length;
  const room = dialogRoom(st.size.rows - 3);
  const by = Math.abs(step) === 2 ? Math.sign(step) * Math.max(1, room - 1) : step;
  store.setState({ dialog: { ...d, scroll: Math.max(0, Math.min(Math.max(0, total - room), d.scroll + by)) } });
}

/** j/k, PgUp/PgDn/space, g/G in a dialog that scrolls (help, details). */
function scrolling(sc: 'help' | 'details', closeKey: string, what: string): Binding[] {
  return scope(sc, [
    {
      keys: `Esc Enter q ${closeKey}`,
      description: `${what}: close`,
      match: any(esc, enter, ch('q', closeKey)),
      run: close,
    },
    {
      keys: '↑/k ↓/j',
      description: `${what}: scroll a line`,
      match: any(up, down, ch('k', 'j')),
      run: (s, k) => scrollDialog(s, k.upArrow || k.input === 'k' ? -1 : 1),
    },
    {
      keys: 'PgUp PgDn space',
      description: `${what}: scroll a page`,
      match: any(pgUp, pgDn, ch(' ')),
      run: (s, k) => scrollDialog(s, k.pageUp ? -2 : 2),
    },
    {
      keys: 'g G Home End',
      description: `${what}: first / last line`,
      match: any(ch('g', 'G'), home, end),
      run: (s, k) => scrollDialog(s, k.input === 'g' || k.home ? -Infinity : Infinity),
    },
  ]);
}

export const KEYMAP: Binding[] = [
  ...scope('tree', [
    {
      keys: '↑/k ↓/j',
      hint: 'move',
      hintKey: 'jk',
      description: 'move the cursor',
      match: any(up, down, ch('k', 'j')),
      run: (s, k) => A.moveCursor(s, k.upArrow || k.input === 'k' ? -1 : 1),
    },
    {
      keys: 'PgUp PgDn',
      description: 'page up / down',
      match: any(pgUp, pgDn),
      run: (s, k) => A.moveCursor(s, k.pageUp ? 'pageUp' : 'pageDown'),
    },
    {
      keys: 'g G Home End',
      description: 'first / last row',
      match: any(ch('g', 'G'), home, end),
      run: (s, k) => A.moveCursor(s, k.input === 'g' || k.home ? 'top' : 'bottom'),
    },
    {
      keys: '→/l/Enter',
      description: 'expand a group, a physical function or the bridges-only line',
      match: any(right, enter, ch('l')),
      run: (s) => A.setExpanded(s, true),
    },
    {
      keys: '←/h',
      description: 'collapse, or go to the parent row',
      match: any(left, ch('h')),
      run: (s) => A.setExpanded(s, false),
    },
    {
      keys: 'space',
      hint: 'vfio',
      description: 'reserve / release the device for vfio-pci (asks for shared and host-critical groups)',
      match: ch(' '),
      run: A.toggleReserve,
    },
    {
      keys: 'v',
      hint: 'VFs',
      description: 'set the SR-IOV virtual-function count of a physical function',
      match: ch('v'),
      run: A.openVfEditor,
    },
    { keys: 'a', hint: 'assign', description: 'assign the device or VF to a VM', match: ch('a'), run: A.openAssign },
    {
      keys: 'M',
      description:
        'resource mapping: put the device (and others of its kind, on any cluster node) in a new or existing Proxmox mapping',
      match: ch('M'),
      run: M.openMappingDialog,
    },
    {
      keys: 'i',
      description: 'all details of the selected row, in a dialog that scrolls (when the pane is too short)',
      match: ch('i'),
      run: (s) => A.openDialog(s, { kind: 'details', scroll: 0 }),
    },
    {
      keys: '/',
      hint: 'filter',
      description: 'filter by address, name, vendor:device or driver; Enter keeps it, Esc clears it',
      match: ch('/'),
      run: (s) => s.setState({ filtering: true, filterCursor: s.getState().filter.length, flash: null }),
    },
    {
      keys: 'Esc',
      description: 'clear the filter',
      match: esc,
      run: (s) => void (s.getState().filter && A.setFilter(s, '')),
    },
  ]),
  ...scope('filter', [
    {
      keys: 'type',
      hint: 'type to filter',
      hintKey: '',
      description: 'in the filter line: the text goes where the cursor is',
      match: typed,
      run: P.editFilter,
    },
    {
      keys: 'Enter',
      hint: 'keep',
      description: 'in the filter line: keep the filter and go back to the tree',
      match: enter,
      run: (s) => s.setState({ filtering: false }),
    },
    {
      keys: 'Esc',
      hint: 'clear',
      description: 'in the filter line: clear the filter',
      match: esc,
      run: (s) => (s.setState({ filtering: false, filterCursor: 0 }), A.setFilter(s, '')),
    },
    {
      keys: '↑ ↓',
      hint: 'move',
      hintKey: '↑↓',
      description: 'in the filter line: move the cursor in the tree',
      match: any(up, down),
      run: (s, k) => A.moveCursor(s, k.upArrow ? -1 : 1),
    },
    {
      keys: 'Ctrl-U',
      hint: 'erase',
      description: 'in the filter line: delete to the start (all of it with the cursor at the end)',
      match: ctrl('u'),
      run: P.editFilter,
    },
    {
      keys: 'Ctrl-W',
      description: 'in the filter line: delete the word before the cursor',
      match: ctrl('w'),
      run: P.editFilter,
    },
    { keys: 'Ctrl-K', description: 'in the filter line: delete to the end', match: ctrl('k'), run: P.editFilter },
    {
      keys: 'Ctrl-A/Home Ctrl-E/End',
      description: 'in the filter line: go to the start / end',
      match: any(ctrl('a'), ctrl('e'), home, end),
      run: P.editFilter,
    },
    {
      keys: '←/Ctrl-B →/Ctrl-F',
      description: 'in the filter line: move a character',
      match: any(left, right, ctrl('b'), ctrl('f')),
      run: P.editFilter,
    },
    {
      keys: 'Backspace/Ctrl-H',
      description: 'in the filter line: delete before the cursor',
      match: any(erase, ctrl('h')),
      run: P.editFilter,
    },
  ]),
  ...scope('pending', [
    {
      keys: '↑/k ↓/j',
      description: 'select a staged change; past the first / last one, scroll the plan a line',
      match: any(up, down, ch('k', 'j')),
      run: (s, k) => P.pendingLine(s, k.upArrow || k.input === 'k' ? -1 : 1),
    },
    {
      keys: 'PgUp PgDn space',
      description: 'scroll the plan a page',
      match: any(pgUp, pgDn, ch(' ')),
      run: (s, k) => P.pendingPage(s, k.pageUp ? -1 : 1),
    },
    {
      keys: 'g G Home End',
      description: 'first / last line of the plan (its steps and warnings)',
      match: any(ch('g', 'G'), home, end),
      run: (s, k) => P.pendingEnd(s, k.input === 'g' || k.home ? 'top' : 'bottom'),
    },
    {
      keys: 'd/Delete',
      hint: 'drop',
      hintKey: 'd',
      description: 'drop the selected staged change (shown first when it is scrolled away)',
      match: any(ch('d'), (k) => Boolean(k.delete)),
      run: P.pendingDrop,
    },
    { keys: 'Esc', description: 'back to the device tree', match: esc, run: A.togglePane },
  ]),
  // The Monitor view takes the whole screen: only its own keys (q goes back, it does not quit).
  ...scope('monitor', [
    {
      keys: '↑/k ↓/j',
      hint: 'scroll',
      hintKey: 'jk',
      description: 'scroll a row',
      match: any(up, down, ch('k', 'j')),
      run: (s, k) => scrollMonitor(s, k.upArrow || k.input === 'k' ? -1 : 1, monitorPage(s)),
    },
    {
      keys: 'PgUp PgDn space',
      description: 'scroll a page',
      match: any(pgUp, pgDn, ch(' ')),
      run: (s, k) => scrollMonitor(s, k.pageUp ? -2 : 2, monitorPage(s)),
    },
    {
      keys: 'g G Home End',
      description: 'first / last row',
      match: any(ch('g', 'G'), home, end),
      run: (s, k) => scrollMonitor(s, k.input === 'g' || k.home ? -Infinity : Infinity, monitorPage(s)),
    },
    {
      keys: '+ -',
      hint: 'interval',
      hintKey: '+-',
      description: `sample less / more often (${INTERVALS.join(', ')} s; rates are per second either way)`,
      match: ch('+', '-'),
      run: (s, k) => stepInterval(s, k.input === '+' ? 1 : -1),
    },
    {
      keys: 'Esc q m',
      hint: 'back',
      hintKey: 'Esc',
      description: 'back to where you were (the monitor keeps sampling: alerts stay in the status line)',
      match: any(esc, ch('q', 'm')),
      run: (s) => s.setState({ pane: 'tree', flash: null }),
    },
    {
      keys: '?',
      hint: 'help',
      description: 'show all keys',
      match: ch('?'),
      run: (s) => A.openDialog(s, { kind: 'help', scroll: 0 }),
    },
    {
      keys: 'Ctrl-C',
      description: 'quit at once, staged changes are dropped',
      match: ctrl('c'),
      run: (s) => s.setState({ exiting: true }),
    },
  ]),
  ...scope('global', [
    {
      keys: 'p/Tab',
      hint: 'pending',
      hintKey: 'p',
      description: 'switch between the device tree and the pending-changes pane',
      match: any(tab, ch('p')),
      run: A.togglePane,
    },
    {
      keys: 'm',
      description: 'Monitor view: link, throughput and errors of each NIC and VF, with alerts',
      match: ch('m'),
      run: (s) => s.setState({ pane: 'monitor', flash: null }),
    },
    { keys: 'u', description: 'unstage the last staged change', match: ch('u'), run: A.undoLast },
    {
      keys: 'c',
      hint: 'commit',
      description: 'review and apply the plan (asks first)',
      match: ch('c'),
      run: A.requestCommit,
    },
    {
      keys: '!',
      description: 'pre-flight checks: VMs that will not start, devices in two VMs, boot risks',
      match: ch('!'),
      run: (s) => A.openDialog(s, { kind: 'checks', cursor: 0 }),
    },
    {
      keys: '?',
      hint: 'help',
      description: 'show all keys',
      match: ch('?'),
      run: (s) => A.openDialog(s, { kind: 'help', scroll: 0 }),
    },
    {
      keys: 'q',
      hint: 'quit',
      description: 'quit (asks first when changes are staged)',
      match: ch('q'),
      run: A.requestQuit,
    },
    {
      keys: 'Ctrl-C',
      description: 'quit at once, staged changes are dropped',
      match: ctrl('c'),
      run: (s) => s.setState({ exiting: true }),
    },
    {
      keys: 'Ctrl-Z',
      description: 'suspend to the shell; fg brings the program back as it was',
      match: ctrl('z'),
      run: (s) => void (s.getState().host.suspend?.() === false && A.flash(s, 'Cannot suspend now.')),
    },
  ]),
  ...scrolling('help', '?', 'help'),
  ...scrolling('details', 'i', 'details (i)'),
  ...scope('checks', [
    { keys: 'Esc Enter q !', description: 'checks: close', match: any(esc, enter, ch('q', '!')), run: close },
    {
      keys: '↑/k ↓/j',
      description: 'checks: select a problem',
      match: any(up, down, ch('k', 'j')),
      run: (s, k) => P.checksMove(s, k.upArrow || k.input === 'k' ? -1 : 1, selectFindings(s.getState()).length),
    },
    {
      keys: 'x',
      description: 'checks: stage removing the hostpci line the selected problem is about',
      match: ch('x'),
      run: (s) => A.stageFindingFix(s, dialogOf(s, 'checks')?.cursor ?? 0),
    },
  ]),
  ...scope('quit', [
    {
      keys: 'y',
      description: 'quit dialog: quit, dropping the staged changes',
      match: ch('y'),
      run: (s) => s.setState({ exiting: true }),
    },
    { keys: 'n', description: 'quit dialog: stay', match: ch('n'), run: close },
  ]),
  ...buttons(
    'quit',
    () => 2,
    (s, c) => (c === 1 ? s.setState({ exiting: true }) : close(s)),
  ),
  ...buttons(
    'shared',
    () => 3,
    (s, c) => (c === 0 ? A.answerShared(s, true) : c === 1 ? A.answerShared(s, false) : close(s)),
  ),
  ...buttons(
    'critical',
    () => 2,
    (s, c) => (c === 1 ? A.answerCritical(s) : close(s)),
  ),
  ...scope('mapping', [
    {
      keys: '↑ ↓',
      description: 'mapping dialog: move in the device list',
      match: any(up, down),
      run: (s, k) => M.moveMappingCursor(s, k.upArrow ? -1 : 1),
    },
    {
      keys: 'space',
      description: 'mapping dialog: tick / untick the device to add',
      match: ch(' '),
      run: M.toggleMappingPick,
    },
    {
      keys: 'Tab',
      description: 'mapping dialog: the next existing mapping of this kind, then a new name',
      match: tab,
      run: M.cycleMappingName,
    },
    {
      keys: 'a-z A-Z 0-9 - _',
      description: 'mapping dialog: type the name',
      match: (k) => plain(k) && /^[A-Za-z0-9_-]$/.test(k.input),
      run: (s, k) => M.editMappingName(s, (n) => n + k.input),
    },
    {
      keys: 'Backspace',
      description: 'mapping dialog: delete a character of the name',
      match: erase,
      run: (s) => M.editMappingName(s, (n) => n.slice(0, -1)),
    },
    {
      keys: 'Enter',
      description: 'mapping dialog: stage creating or extending the mapping (pvesh)',
      match: enter,
      run: M.confirmMapping,
    },
    {
      keys: 'Ctrl-D',
      description: 'mapping dialog: stage deleting the named mapping (pvesh delete; refused while a VM uses it)',
      match: ctrl('d'),
      run: M.deleteMapping,
    },
    { keys: 'Esc', description: 'mapping dialog: cancel', match: esc, run: close },
  ]),
  ...scope('vfs', [
    {
      keys: '0-9',
      description: 'VF editor: type the count',
      match: digit,
      run: (s, k) => A.editVfValue(s, (v) => v + k.input),
    },
    {
      keys: '↑/+/k ↓/-/j',
      description: 'VF editor: one more / one less',
      match: any(up, down, ch('+', 'k', '-', 'j')),
      run: (s, k) => P.stepVfs(s, k.upArrow || k.input === '+' || k.input === 'k' ? 1 : -1),
    },
    {
      keys: 'Backspace',
      description: 'VF editor: delete a digit',
      match: erase,
      run: (s) => A.editVfValue(s, (v) => v.slice(0, -1)),
    },
    { keys: 'Enter', description: 'VF editor: stage the count', match: enter, run: A.confirmVfs },
    {
      keys: 'Tab',
      description:
        'VF editor: the settings of each VF (MAC, VLAN and QoS, trust, spoof check, link state), of the count typed (Enter there stages it with them)',
      match: tab,
      run: V.openVfSettings,
    },
    { keys: 'Esc', description: 'VF editor: cancel', match: esc, run: close },
  ]),
  ...scope('vf-settings', [
    {
      keys: '↑ ↓ Tab Shift-Tab',
      description: 'VF settings: previous / next field',
      match: any(up, down, tab, shiftTab),
      run: (s, k) => V.moveVfField(s, k.upArrow || k.shift ? -1 : 1),
    },
    {
      keys: '← →',
      description: 'VF settings: previous / next VF, flip trust or spoof check, cycle the link state',
      match: any(left, right),
      run: (s, k) => V.changeVfField(s, k.leftArrow ? -1 : 1),
    },
    {
      keys: 'type',
      description: 'VF settings: type the MAC (hex digits and :), VLAN or QoS; space flips a switch',
      match: typed,
      run: (s, k) => V.typeVfField(s, k.input),
    },
    {
      keys: 'Backspace',
      description: 'VF settings: delete a character (the offered MAC at once)',
      match: erase,
      run: V.eraseVfField,
    },
    {
      keys: 'Enter',
      description: 'VF settings: stage what differs from the live values',
      match: enter,
      run: V.confirmVfSettings,
    },
    { keys: 'Esc', description: 'VF settings: back to the count', match: esc, run: V.backToVfCount },
  ]),
  ...scope('assign-vm', [
    // The list is ink-select-input (a fixed choice): it moves and picks; the options come next.
    { keys: '↑/k ↓/j', description: 'VM list: move', match: any(up, down, ch('k', 'j')) },
    {
      keys: 'Enter 1-9',
      description: 'VM list: pick the VM (then its options)',
      match: any(enter, (k) => plain(k) && /^[1-9]$/.test(k.input)),
    },
    { keys: 'Esc', description: 'VM list: cancel', match: esc, run: close },
  ]),
  ...scope('assign-options', [
    {
      keys: '↑/k ↓/j Tab',
      description: 'assign options: move',
      match: any(up, down, ch('k', 'j'), tab),
      run: (s, k) => A.moveAssignFocus(s, k.upArrow || k.input === 'k' ? -1 : 1),
    },
    {
      keys: 'space 1-4',
      description: 'assign options: toggle all functions, PCI-Express, x-vga, ROM-Bar',
      match: (k) => plain(k) && /^[ 1-4]$/.test(k.input),
      run: (s, k) => A.toggleAssignOption(s, k.input === ' ' ? undefined : Number(k.input) - 1),
    },
    { keys: 'Enter', description: 'assign options: stage the assignment', match: enter, run: M.confirmAssignOptions },
    {
      keys: 'Esc',
      description: 'assign options: back to the VM list',
      match: esc,
      run: (s) => A.openDialog(s, { kind: 'assign-vm', address: dialogOf(s, 'assign-options')!.address }),
    },
    {
      keys: 'm',
      description:
        'assign options: through a resource mapping that holds the device (hostpciN: mapping=NAME), the next one, or by address',
      match: ch('m'),
      run: M.cycleViaMapping,
    },
  ]),
  ...scope('confirm', [
    { keys: 'y', description: 'commit dialog: apply now', match: ch('y'), run: (s) => void A.commit(s) },
    {
      keys: 't',
      description:
        'commit dialog, when a reboot is needed: apply with a trial boot (the next boot tries the change once; the recovery entry is the default until the node is confirmed healthy)',
      match: ch('t'),
      run: (s) => void (selectPlan(s.getState()).rebootRequired && A.commit(s, true)),
    },
  ]),
  ...buttons(
    'interrupted',
    () => 2,
    (s, c) => (c === 0 ? void A.rollbackInterrupted(s) : close(s)),
  ),
  // A third button, "Apply + trial boot", when the plan needs a reboot.
  ...buttons(
    'confirm',
    (s) => (selectPlan(s.getState()).rebootRequired ? 3 : 2),
    (s, c) => (c === 0 ? close(s) : void A.commit(s, c === 2)),
  ),
  // progress: no keys at all while the apply runs.
  ...scope('result', [
    {
      keys: 'Enter Esc',
      description: 'after a commit: close the result (keys typed during the run are ignored)',
      match: any(enter, esc),
      run: (s) => void (Date.now() >= (dialogOf(s, 'result')?.readyAt ?? 0) && close(s)),
    },
  ]),
  ...scope('info', [
    { keys: 'Enter Esc', description: 'a notice (IOMMU off): close it', match: any(enter, esc), run: close },
  ]),
];

/** The bindings a key is looked up in, in order: the scope's own, then the keys of both panes. */
export function bindingsFor(sc: Scope): Binding[] {
  const own = KEYMAP.filter((b) => b.scope === sc);
  return sc === 'tree' || sc === 'pending' ? [...own, ...KEYMAP.filter((b) => b.scope === 'global')] : own;
}

export function hintsFor(sc: 'tree' | 'pending' | 'monitor' | 'filter'): Array<{ keys: string; hint: string }> {
  return bindingsFor(sc)
    .filter((b) => b.hint)
    .map((b) => ({ keys: b.hintKey ?? b.keys.split(' ')[0]!, hint: b.hint! }));
}

// ---- the `?` help, written from the table ----------------------------------------------------------

const TITLES: Record<KeyContext, string> = {
  tree: 'Device tree',
  pending: 'Pending changes',
  monitor: 'Monitor view',
  global: 'Everywhere',
  dialog: 'Dialogs',
};
const KEYS = 16;

/** The help as lines for a dialog of `width` columns (its inner width is width - 4). */
export function helpLines(width: number, ascii: boolean): DialogLine[] {
  const plain = (s: string) =>
    ascii ? s.replace(/↑/g, 'Up').replace(/↓/g, 'Down').replace(/←/g, 'Left').replace(/→/g, 'Right') : s;
  const lines: DialogLine[] = [];
  const listed = new Set<string>();
  for (const ctx of ['tree', 'pending', 'monitor', 'global', 'dialog'] as const) {
    lines.push({ text: TITLES[ctx], bold: true, colour: 'cyan' });
    for (const b of KEYMAP.filter((x) => x.context === ctx)) {
      const keys = plain(b.keys);
      // Bindings several dialogs share (their buttons) are listed once.
      const seen = `${b.keys}\n${b.description}`;
      if (listed.has(seen)) continue;
      listed.add(seen);
      // Keys wider than their column get a line of their own: nothing is cut.
      if (textWidth(keys) > KEYS) lines.push({ text: `  ${keys}` });
      const head = textWidth(keys) > KEYS ? ' '.repeat(KEYS) : fit(keys, KEYS);
      for (const text of wrapText(`  ${head} ${b.description}`, width - 4, KEYS + 3)) lines.push({ text });
    }
  }
  return lines;
}
