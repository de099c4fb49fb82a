// One key table: every key the help lists (a binding's `keys`) is handled in its context by that
// binding, and every key handled in a context is listed in the help of that binding. Then: a key
// that no binding takes changes nothing (there is no key handling outside the table).
import { beforeAll, describe, expect, it } from 'vitest';
import { type AppState, type Dialog } from '../../src/store/app-store.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { handleKey, scopeOf } from '../../src/ui/input.ts';
import { KEYMAP, bindingsFor, type KeyInfo, type Scope } from '../../src/ui/keymap.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { storeOn } from '../helpers/store.ts';

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const NAMED: Record<string, KeyInfo[]> = {
  '↑': [{ input: '', upArrow: true }],
  '↓': [{ input: '', downArrow: true }],
  '←': [{ input: '', leftArrow: true }],
  '→': [{ input: '', rightArrow: true }],
  PgUp: [{ input: '', pageUp: true }],
  PgDn: [{ input: '', pageDown: true }],
  Enter: [{ input: '', return: true }],
  Esc: [{ input: '', escape: true }],
  Tab: [{ input: '', tab: true }],
  'Shift-Tab': [{ input: '', tab: true, shift: true }],
  Home: [{ input: '', home: true }],
  End: [{ input: '', end: true }],
  Delete: [{ input: '', delete: true }],
  // Ink reports the Backspace key (DEL) as `delete`; ^H as `backspace`.
  Backspace: [
    { input: '', backspace: true },
    { input: '', delete: true },
  ],
  space: [{ input: ' ' }],
  type: PRINTABLE.map((input) => ({ input })),
};
/** Every key a terminal can send that the program might care about. */
const UNIVERSE: KeyInfo[] = [
  ...PRINTABLE.map((input) => ({ input })),
  ...Object.entries(NAMED)
    .filter(([n]) => n !== 'type' && n !== 'space')
    .flatMap(([, ks]) => ks),
  ...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => ({ input: c, ctrl: true })),
];
const id = (k: KeyInfo) =>
  JSON.stringify(
    Object.entries(k)
      .filter(([, v]) => v !== undefined && v !== false && v !== '')
      .sort(),
  );

/** The keys a binding's `keys` text names, as a terminal sends them; throws on a word it cannot read. */
function parseKeys(text: string): KeyInfo[] {
  const out: KeyInfo[] = [];
  for (const word of text.split(' ')) {
    for (const tok of word === '/' ? ['/'] : word.split('/')) {
      if (NAMED[tok]) out.push(...NAMED[tok]!);
      else if (/^Ctrl-[A-Z]$/.test(tok)) out.push({ input: tok.slice(5).toLowerCase(), ctrl: true });
      else if (/^([0-9]-[0-9]|[a-z]-[a-z]|[A-Z]-[A-Z])$/.test(tok))
        for (let c = tok.charCodeAt(0); c <= tok.charCodeAt(2); c++) out.push({ input: String.fromCharCode(c) });
      else if (tok.length === 1) out.push({ input: tok });
      else throw new Error(`cannot read key '${tok}' in '${text}'`);
    }
  }
  return out;
}

const SCOPES = [...new Set(KEYMAP.map((b) => b.scope))].filter((s) => s !== 'global') as Scope[];

describe('the key table', () => {
  it('names keys the help can show and the test can read', () => {
    for (const b of KEYMAP) expect(() => parseKeys(b.keys), b.keys).not.toThrow();
  });

  for (const scope of SCOPES) {
    it(`${scope}: every listed key is handled there by its own binding, and every handled key is listed`, () => {
      const list = bindingsFor(scope);
      for (const b of list) {
        for (const k of parseKeys(b.keys)) {
          const taker = list.find((x) => x.match(k));
          expect(taker?.keys, `${scope}: '${b.keys}' lists ${id(k)}`).toBe(b.keys);
          expect(taker?.description).toBe(b.description);
        }
      }
      for (const k of UNIVERSE) {
        const b = list.find((x) => x.match(k));
        if (b)
          expect(
            parseKeys(b.keys).map(id),
            `${scope}: ${id(k)} is handled by '${b.keys}' (${b.description}) but not listed`,
          ).toContain(id(k));
      }
    });
  }

  it('every binding that runs something belongs to a scope a state can be in; only the VM list leaves keys to its component', () => {
    expect(KEYMAP.filter((b) => !b.run).every((b) => b.scope === 'assign-vm')).toBe(true);
  });
});

describe('no key handling outside the table', () => {
  let snap: HostSnapshot;
  beforeAll(async () => {
    snap = await fixtureSnapshot('guide');
  });
  const states: Array<[string, Partial<AppState>]> = [
    ['tree', {}],
    ['filter', { filtering: true, filter: 'igb', filterCursor: 3 }],
    ['pending', { pane: 'pending', intents: [{ kind: 'vfs', address: '0000:04:00.1', count: 2 }] }],
    ['monitor', { pane: 'monitor' }],
    ['help', { dialog: { kind: 'help', scroll: 0 } }],
    ['details', { dialog: { kind: 'details', scroll: 0 } }],
    ['checks', { dialog: { kind: 'checks', cursor: 0 } }],
    ['quit', { dialog: { kind: 'quit', choice: 0 } }],
    ['vfs', { dialog: { kind: 'vfs', address: '0000:04:00.1', value: '2', total: 32 } }],
    [
      'vf-settings',
      {
        dialog: {
          kind: 'vf-settings',
          address: '0000:04:00.0',
          vf: 0,
          count: 4,
          focus: 1,
          mac: '',
          offered: false,
          vlan: '0',
          qos: '0',
          trust: null,
          spoofchk: null,
          state: null,
        },
      },
    ],
    [
      'assign-options',
      {
        dialog: {
          kind: 'assign-options',
          address: '0000:07:00.0',
          vmid: 103,
          options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
          focus: 0,
        },
      },
    ],
    ['confirm', { dialog: { kind: 'confirm', choice: 0 } }],
    ['info', { dialog: { kind: 'info', title: 't', lines: [] } satisfies Dialog }],
    ['progress', { dialog: { kind: 'progress', steps: [] } }],
  ];
  for (const [name, patch] of states) {
    it(`${name}: a key no binding takes changes nothing`, () => {
      const store = storeOn(snap);
      store.setState(patch);
      const scope = scopeOf(store.getState());
      expect(scope).toBe(name);
      let unhandled = 0;
      for (const k of UNIVERSE) {
        if (bindingsFor(scope).some((b) => b.match(k))) continue;
        unhandled++;
        const before = store.getState();
        handleKey(store, k);
        expect(store.getState(), `${name}: ${id(k)}`).toBe(before);
      }
      expect(unhandled).toBeGreaterThan(0);
    });
  }
});
