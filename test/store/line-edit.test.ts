// The filter line's readline keys, pure and through the key handler.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows, type AppStore } from '../../src/store/app-store.ts';
import { editLine } from '../../src/store/line-edit.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { press, storeOn } from '../helpers/store.ts';

describe('editLine', () => {
  const at = (text: string, cursor = text.length) => ({ text, cursor });
  it('Ctrl-U deletes to the start (all of it with the cursor at the end), Ctrl-K to the end', () => {
    expect(editLine(at('igb 03:00'), { input: 'u', ctrl: true })).toEqual(at('', 0));
    expect(editLine(at('igb 03:00', 4), { input: 'u', ctrl: true })).toEqual(at('03:00', 0));
    expect(editLine(at('igb 03:00', 3), { input: 'k', ctrl: true })).toEqual(at('igb', 3));
  });
  it('Ctrl-W deletes the word before the cursor and the blanks after it', () => {
    expect(editLine(at('intel x710 '), { input: 'w', ctrl: true })).toEqual(at('intel ', 6));
    expect(editLine(at('intel x710', 5), { input: 'w', ctrl: true })).toEqual(at(' x710', 0));
  });
  it('Ctrl-A / Ctrl-E / Home / End / arrows move; typing inserts at the cursor; Backspace deletes before it', () => {
    expect(editLine(at('gb'), { input: 'a', ctrl: true })).toEqual(at('gb', 0));
    expect(editLine(at('gb', 0), { input: 'i' })).toEqual(at('igb', 1));
    expect(editLine(at('igb', 0), { input: 'e', ctrl: true })).toEqual(at('igb', 3));
    expect(editLine(at('igb', 3), { input: '', leftArrow: true })).toEqual(at('igb', 2));
    expect(editLine(at('igb', 2), { input: '', delete: true })).toEqual(at('ib', 1));
    expect(editLine(at('igb', 0), { input: '', backspace: true })).toEqual(at('igb', 0));
    expect(editLine(at('igb'), { input: '', end: true })).toEqual(at('igb', 3));
  });
  it('leaves other keys to the caller', () => {
    expect(editLine(at('x'), { input: 'c', ctrl: true })).toBeNull();
  });
});

describe('the filter line in the tree', () => {
  let snap: HostSnapshot;
  beforeAll(async () => {
    snap = await fixtureSnapshot('guide');
  });
  const make = (): AppStore => storeOn(snap);

  it('reopening / continues the filter with the cursor at its end; Ctrl-U clears it, Ctrl-W drops a word', () => {
    const s = make();
    press(s, '/', 'i', 'g', 'b', { return: true });
    expect(s.getState()).toMatchObject({ filter: 'igb', filtering: false });
    press(s, '/');
    expect(s.getState()).toMatchObject({ filtering: true, filterCursor: 3 });
    press(s, { input: 'u', ctrl: true });
    expect(s.getState().filter).toBe('');
    press(s, 'i', 'n', 't', 'e', 'l', ' ', 'x', '7', { input: 'w', ctrl: true });
    expect(s.getState().filter).toBe('intel ');
    press(s, { input: 'a', ctrl: true }, 'x', { input: 'e', ctrl: true }, '!');
    expect(s.getState().filter).toBe('xintel !');
  });

  it('typing a filter puts the cursor on the first matching device', () => {
    const s = make();
    press(s, '/', '0', '8', ':');
    const row = selectRows(s.getState()).find((r) => r.id === s.getState().cursorId);
    expect(row).toMatchObject({ kind: 'device', address: '0000:08:00.0' });
  });
});
