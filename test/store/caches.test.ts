// Derived views (rows, plan, findings) are cached per snapshot and inputs, not in one module-wide
// slot: two stores on different hosts, used in turn, neither evict nor see each other's results.
import { beforeAll, describe, expect, it } from 'vitest';
import * as A from '../../src/store/actions.ts';
import { selectFindings, selectPlan, selectRows, type AppStore } from '../../src/store/app-store.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { storeOn } from '../helpers/store.ts';

let guide: HostSnapshot;
let consumer: HostSnapshot;
beforeAll(async () => {
  [guide, consumer] = await Promise.all([fixtureSnapshot('guide'), fixtureSnapshot('consumer')]);
});
const make = (snapshot: HostSnapshot): AppStore => storeOn(snapshot);
const addresses = (s: AppStore) => selectRows(s.getState()).flatMap((r) => (r.kind === 'device' ? [r.address] : []));

describe('caches per store', () => {
  it('two stores on different fixtures keep their own rows, plan and findings, used in turn', () => {
    const a = make(guide);
    const b = make(consumer);
    const rowsA = selectRows(a.getState());
    const rowsB = selectRows(b.getState());
    // Asking one store does not evict the other's: the same objects come back.
    expect(selectRows(a.getState())).toBe(rowsA);
    expect(selectRows(b.getState())).toBe(rowsB);
    expect(addresses(a).every((x) => guide.devices.some((d) => d.address === x))).toBe(true);
    expect(addresses(b).every((x) => consumer.devices.some((d) => d.address === x))).toBe(true);
    expect(addresses(a)).not.toEqual(addresses(b));

    a.setState({ cursorId: 'd:0000:01:00.0' });
    A.toggleReserve(a); // release, reserved at boot on guide
    const planA = selectPlan(a.getState());
    const planB = selectPlan(b.getState());
    expect(planA.steps.length).toBeGreaterThan(0);
    expect(planB.steps).toEqual([]);
    expect(selectPlan(a.getState())).toBe(planA);
    expect(selectPlan(b.getState())).toBe(planB);
    const findingsB = selectFindings(b.getState());
    selectFindings(a.getState());
    expect(selectFindings(b.getState())).toBe(findingsB);
  });

  it('two stores on the same snapshot with different folds and filters keep their own rows', () => {
    const a = make(guide);
    const b = make(guide);
    A.setFilter(b, '8086:1521');
    const rowsA = selectRows(a.getState());
    const rowsB = selectRows(b.getState());
    expect(rowsB.length).toBeLessThan(rowsA.length);
    expect(selectRows(a.getState())).toBe(rowsA);
    expect(selectRows(b.getState())).toBe(rowsB);
  });
});
