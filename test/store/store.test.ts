// The store without React: actions, derived rows and plan.
import { beforeAll, describe, expect, it } from 'vitest';
import * as A from '../../src/store/actions.ts';
import { selectPlan, selectRows, type AppStore } from '../../src/store/app-store.ts';
import { layout } from '../../src/store/layout.ts';
import type { HostSnapshot } from '../../src/model/types.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { storeOn } from '../helpers/store.ts';

let snap: HostSnapshot;
beforeAll(async () => {
  snap = await fixtureSnapshot('guide');
});
const make = (rows = 24, snapshot = snap): AppStore => storeOn(snapshot, { rows });
const cursorTo = (s: AppStore, addr: string) => s.setState({ cursorId: `d:${addr}` });

describe('store', () => {
  it('nests VFs under their PF and does not list VF-only groups again', () => {
    const s = make();
    s.setState({ expanded: new Set([...s.getState().expanded, 'd:0000:04:00.0']) });
    const ids = selectRows(s.getState()).map((r) => r.id);
    expect(ids.indexOf('d:0000:04:02.0')).toBe(ids.indexOf('d:0000:04:00.0') + 1);
    expect(ids).not.toContain('g:40');
  });

  it('names each group by its first non-bridge device, counts the others, and says when it holds bridges only', async () => {
    const consumer = await fixtureSnapshot('consumer');
    const s = make(24, consumer);
    s.setState({ expanded: new Set([...s.getState().expanded, 'fold:bridges']) }); // bridges-only groups are folded
    const groups = selectRows(s.getState()).filter((r) => r.kind === 'group');
    const big = groups.find((r) => r.groupId === 13)!;
    // 02:00.x is the lead (USB + SATA, one slot); 05:00.0 and 06:00.0/.1 sit in other slots.
    expect(big).toMatchObject({ lead: '0000:02:00.0', others: 3 });
    expect(groups.find((r) => r.groupId === 0)).toMatchObject({ lead: null, others: 0 });
  });

  it('space on a device reserved at boot stages a release; on a free one a reserve', () => {
    const s = make();
    cursorTo(s, '0000:01:00.0');
    A.toggleReserve(s);
    expect(s.getState().intents).toEqual([{ kind: 'release', address: '0000:01:00.0' }]);
    A.toggleReserve(s); // pressing again unstages
    expect(s.getState().intents).toEqual([]);
    s.setState({ expanded: new Set([...s.getState().expanded, 'd:0000:04:00.0']) });
    cursorTo(s, '0000:04:02.0'); // bound to vfio-pci by a VM start, not reserved at boot
    A.toggleReserve(s);
    expect(s.getState().intents).toEqual([{ kind: 'reserve', address: '0000:04:02.0' }]);
  });

  it('keeps the cursor in view while moving through a long tree', () => {
    const s = make(16);
    A.moveCursor(s, 'bottom');
    const st = s.getState();
    const rows = selectRows(st);
    expect(st.scroll).toBe(rows.length - layout(st.size).treeRows);
    A.moveCursor(s, 'top');
    expect(s.getState().scroll).toBe(0);
  });

  it('derives the plan from staged intents, memoised on identity', () => {
    const s = make();
    cursorTo(s, '0000:03:00.0');
    A.toggleReserve(s);
    expect(s.getState().dialog).toMatchObject({
      kind: 'shared',
      members: ['0000:03:00.0', '0000:03:00.1'],
      isolated: true,
    });
    A.answerShared(s, false);
    const p1 = selectPlan(s.getState());
    expect(selectPlan(s.getState())).toBe(p1);
    expect(p1.edits.map((e) => e.path)).toContain('etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio');
    A.undoLast(s);
    expect(selectPlan(s.getState()).steps).toEqual([]);
  });

  it('rejects a VF count above sriov_totalvfs in the editor', () => {
    const s = make();
    cursorTo(s, '0000:04:00.0');
    A.openVfEditor(s);
    A.editVfValue(s, () => '40');
    A.confirmVfs(s);
    expect(s.getState().intents).toEqual([]);
    expect(s.getState().flash).toMatch(/At most 32/);
  });

  it('each device row carries its marks: bound to vfio-pci, staged changes (a whole card with allFunctions), VMs', () => {
    const s = make();
    const marks = (addr: string) => {
      const r = selectRows(s.getState()).find((x) => x.id === `d:${addr}`);
      return r?.kind === 'device' ? r.marks : null;
    };
    expect(marks('0000:07:00.1')).toEqual([]);
    s.setState({
      intents: [
        {
          kind: 'assign',
          address: '0000:07:00.0',
          vmid: 102,
          options: { allFunctions: true, pcie: false, xVga: false, rombar: true },
        },
        { kind: 'release', address: '0000:01:00.0' },
      ],
    });
    expect(marks('0000:07:00.0')).toEqual(['+VM102']);
    expect(marks('0000:07:00.1')).toEqual(['+VM102']);
    expect(marks('0000:01:00.0')).toEqual(expect.arrayContaining(['vfio', '-vfio']));
    expect(marks('0000:01:00.0')!.indexOf('vfio')).toBeLessThan(marks('0000:01:00.0')!.indexOf('-vfio'));
  });
});
