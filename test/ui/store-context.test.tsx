// Components read the store through its context and select only what they draw: a flash message
// re-renders the bottom bar, not the tree; moving the cursor re-renders the tree.
import { render } from 'ink-testing-library';
import { Profiler } from 'react';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { HostSnapshot } from '../../src/model/types.ts';
import * as A from '../../src/store/actions.ts';
import { type AppStore } from '../../src/store/app-store.ts';
import { Legend } from '../../src/ui/BottomBars.tsx';
import { StoreContext } from '../../src/ui/store-context.tsx';
import { TreePane } from '../../src/ui/TreePane.tsx';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { storeOn } from '../helpers/store.ts';

let snap: HostSnapshot;
beforeAll(async () => {
  snap = await fixtureSnapshot('guide');
});
const make = (): AppStore => storeOn(snap);
let unmount: (() => void) | null = null;
afterEach(() => unmount?.());

it('the tree re-renders when the cursor moves, not when the flash line changes', async () => {
  const store = make();
  const renders = { tree: 0, legend: 0 };
  const r = render(
    <StoreContext.Provider value={store}>
      <Profiler id="tree" onRender={() => renders.tree++}>
        <TreePane />
      </Profiler>
      <Profiler id="legend" onRender={() => renders.legend++}>
        <Legend />
      </Profiler>
    </StoreContext.Provider>,
  );
  unmount = r.unmount;
  // Polls for a condition (frames are drawn asynchronously), never asserting on time itself.
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((res) => setTimeout(res, 10));
    return ok();
  };
  expect(await until(() => renders.tree > 0)).toBe(true); // Profiler reports in this (development) build
  const before = { ...renders };
  A.flash(store, 'hello');
  expect(await until(() => (r.lastFrame() ?? '').includes('hello'))).toBe(true);
  expect(renders.legend).toBeGreaterThan(before.legend);
  expect(renders.tree).toBe(before.tree);
  A.moveCursor(store, 1);
  expect(await until(() => renders.tree > before.tree)).toBe(true);
});

it('a component outside the provider says what is missing', () => {
  const r = render(<TreePane />);
  unmount = r.unmount;
  expect(r.lastFrame()).toMatch(/no store here/);
});
