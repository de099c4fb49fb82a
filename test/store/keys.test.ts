// Key handling on the store, without rendering: the pending pane's scrolling, the assign defaults.
import { beforeAll, describe, expect, it } from 'vitest';
import * as A from '../../src/store/actions.ts';
import { selectPlan, type AppStore } from '../../src/store/app-store.ts';
import { assignDefaults, existingLine } from '../../src/model/assign-defaults.ts';
import type { HostSnapshot, Intent } from '../../src/model/types.ts';
import { clampScroll, pendingView } from '../../src/ui/pending-lines.ts';
import { fixtureSnapshot } from '../helpers/snapshots.ts';
import { press, storeOn } from '../helpers/store.ts';

let snap: HostSnapshot;
beforeAll(async () => {
  snap = await fixtureSnapshot('guide');
});
const make = (columns = 80, rows = 24): AppStore => storeOn(snap, { columns, rows });

const LONG_PLAN: Intent[] = [
  { kind: 'reserve', address: '0000:03:00.0' },
  { kind: 'reserve', address: '0000:03:00.1' },
  { kind: 'vfs', address: '0000:04:00.1', count: 8 },
  {
    kind: 'assign',
    address: '0000:07:00.0',
    vmid: 102,
    options: { allFunctions: true, pcie: true, xVga: false, rombar: true },
  },
];

describe('pending pane keys', () => {
  for (const [cols, rows] of [
    [80, 24],
    [60, 16],
    [200, 60],
  ] as const) {
    it(`reaches the last line of a long plan with PgDn, G and Down at ${cols}x${rows}`, () => {
      const s = make(cols, rows);
      s.setState({ intents: LONG_PLAN, pane: 'pending' });
      const v = pendingView(s.getState());
      const lastTop = v.maxScroll;
      const shownEnd = () => clampScroll(v, s.getState().pendingScroll) + v.room;
      if (rows === 24) expect(v.lines.length).toBeGreaterThan(v.room);
      for (let i = 0; i < 50 && shownEnd() < v.lines.length; i++) press(s, { pageDown: true });
      expect(s.getState().pendingScroll).toBe(lastTop);
      press(s, { pageDown: true }); // no overshoot
      expect(s.getState().pendingScroll).toBe(lastTop);
      press(s, 'g');
      expect(s.getState()).toMatchObject({ pendingScroll: 0, pendingCursor: 0 });
      press(s, 'G');
      expect(s.getState().pendingScroll).toBe(lastTop);
      press(s, 'g');
      let n = 0;
      for (; n < v.lines.length + LONG_PLAN.length && shownEnd() < v.lines.length; n++) press(s, { downArrow: true });
      expect(shownEnd()).toBe(v.lines.length);
      expect(s.getState().pendingCursor).toBe(LONG_PLAN.length - 1); // Down selected every item on the way
      // Up comes back the same way: to the top line and the first item.
      for (let i = 0; i < n + 5; i++) press(s, 'k');
      expect(s.getState()).toMatchObject({ pendingScroll: 0, pendingCursor: 0 });
    });
  }

  it('j/k select staged items while they are in view; d never drops an item out of view', () => {
    const s = make();
    s.setState({ intents: LONG_PLAN, pane: 'pending' });
    press(s, 'j', 'j');
    expect(s.getState().pendingCursor).toBe(2);
    press(s, 'G'); // the last line, and the last item selected
    expect(s.getState().pendingCursor).toBe(3);
    press(s, 'd'); // the item is scrolled away: d shows it first
    expect(s.getState().intents).toHaveLength(4);
    expect(s.getState().flash).toMatch(/Selected: assign 0000:07:00 to VM 102.*\. d again drops it/);
    expect(s.getState().pendingScroll).toBe(pendingView(s.getState()).intentLine[3]! - 1); // its line in view, one above
    press(s, 'd');
    expect(s.getState().intents.map((i) => i.kind)).toEqual(['reserve', 'reserve', 'vfs']);
  });
});

describe('assign defaults', () => {
  const dev = (a: string) => snap.devices.find((d) => d.address === a)!;
  const vm = (id: number) => snap.vms.find((v) => v.vmid === id)!;

  it('a GPU to a q35 OVMF VM: all functions (its audio), PCI-Express, x-vga', () => {
    expect(assignDefaults(snap, dev('0000:07:00.0'), vm(103))).toEqual({
      allFunctions: true,
      pcie: true,
      xVga: true,
      rombar: true,
    });
  });

  it('a GPU to an i440fx SeaBIOS VM: no PCI-Express (no silent switch to q35), no x-vga', () => {
    expect(assignDefaults(snap, dev('0000:07:00.0'), vm(102))).toEqual({
      allFunctions: true,
      pcie: false,
      xVga: false,
      rombar: true,
    });
  });

  it('a network VF: its own function only, never x-vga', () => {
    const vf = snap.devices.find((d) => d.physfn === '0000:04:00.0')!;
    expect(assignDefaults(snap, vf, vm(104))).toMatchObject({ allFunctions: false, pcie: true, xVga: false });
  });

  it("a device the VM already has opens with that line's options, and staging replaces the line (no second one)", () => {
    expect(existingLine(snap, dev('0000:07:00.0'), vm(102))).toBeNull();
    const s = make();
    s.setState({ cursorId: 'd:0000:01:00.0' }); // VM 101 has it: hostpci0: 0000:01:00.0,pcie=1
    A.openAssign(s);
    A.pickVm(s, 101);
    expect(s.getState().dialog).toMatchObject({
      kind: 'assign-options',
      vmid: 101,
      replaces: 'hostpci0',
      options: { allFunctions: false, pcie: true, xVga: false, rombar: true },
    });
    press(s, '4', { return: true }); // ROM-Bar off
    expect(s.getState().intents).toEqual([
      { kind: 'unassign', vmid: 101, slot: 'hostpci0' },
      {
        kind: 'assign',
        address: '0000:01:00.0',
        vmid: 101,
        options: { allFunctions: false, pcie: true, xVga: false, rombar: false },
      },
    ]);
    const plan = selectPlan(s.getState());
    expect(plan.errors).toEqual([]);
    expect(plan.steps.some((x) => x.kind === 'command' && x.argv.join(' ').includes('--delete hostpci0'))).toBe(true);
  });

  it('Enter in the picker goes to the options with those defaults; a staged assignment reopens with its own', () => {
    const s = make();
    s.setState({ cursorId: 'd:0000:07:00.0' });
    A.openAssign(s);
    A.pickVm(s, 102);
    expect(s.getState().dialog).toMatchObject({
      kind: 'assign-options',
      vmid: 102,
      options: { pcie: false, xVga: false },
    });
    press(s, '2', { return: true });
    expect(s.getState().intents).toEqual([
      {
        kind: 'assign',
        address: '0000:07:00.0',
        vmid: 102,
        options: { allFunctions: true, pcie: true, xVga: false, rombar: true },
      },
    ]);
    A.openAssign(s);
    A.pickVm(s, 102);
    expect(s.getState().dialog).toMatchObject({ options: { pcie: true } });
  });
});

describe('commit result', () => {
  it('keys typed while the commit runs are dropped, and do not dismiss the result screen', async () => {
    let finish!: () => void;
    const ran = new Promise<void>((r) => (finish = r));
    const result = {
      ok: true,
      outcome: 'applied',
      message: 'Applied. Backups in /var/lib/x',
      backupDir: '/var/lib/x',
      stepsRun: 1,
      failedStep: null,
      rebootRequired: true,
      nextSteps: ['Reboot the node'],
    } as never;
    const s = storeOn(snap, { apply: async () => (await ran, result) });
    s.setState({ cursorId: 'd:0000:04:00.1' });
    A.openVfEditor(s);
    A.editVfValue(s, () => '2');
    A.confirmVfs(s);
    A.requestCommit(s);
    const done = A.commit(s);
    await new Promise((r) => setTimeout(r, 0));
    expect(s.getState().dialog?.kind).toBe('progress');
    press(s, { return: true }, 'q', { escape: true }, 'j', ' '); // typed while it runs
    expect(s.getState().dialog?.kind).toBe('progress');
    finish();
    await done;
    expect(s.getState().dialog?.kind).toBe('result');
    press(s, { return: true }, 'q', { escape: true }); // arriving late, right after the screen came up
    expect(s.getState().dialog?.kind).toBe('result');
    const d = s.getState().dialog as Extract<NonNullable<ReturnType<typeof s.getState>['dialog']>, { kind: 'result' }>;
    s.setState({ dialog: { ...d, readyAt: Date.now() - 1 } }); // the grace time is over
    press(s, 'q', 'x'); // not a deliberate key for this screen
    expect(s.getState().dialog?.kind).toBe('result');
    press(s, { return: true });
    expect(s.getState().dialog).toBeNull();
  });
});

describe('IOMMU off', () => {
  it('the first reservation says at once that nothing passes through until the IOMMU is on, and what the plan changes', async () => {
    const off = await fixtureSnapshot('iommu-off');
    const s = storeOn(off);
    s.setState({ cursorId: 'd:0000:03:00.1' });
    A.toggleReserve(s);
    expect(s.getState().intents).toEqual([{ kind: 'reserve', address: '0000:03:00.1' }]);
    const d = s.getState().dialog;
    expect(d).toMatchObject({ kind: 'info', title: 'IOMMU is off' });
    const text = d?.kind === 'info' ? d.lines.join('\n') : '';
    expect(text).toContain('no device can be passed through to a VM until it is on');
    expect(text).toMatch(/The plan turns it on in \/etc\/default\/grub: intel_iommu=on/);
    expect(text).toMatch(/kernel command line gains intel_iommu=on.*after the reboot/);
    press(s, { return: true });
    expect(s.getState().dialog).toBeNull();
    s.setState({ cursorId: 'd:0000:03:00.0' });
    A.toggleReserve(s); // said once: the next one stages with the status line only
    expect(s.getState().dialog).toBeNull();
    expect(s.getState().intents).toHaveLength(2);
  });

  it('a node with the IOMMU on stages without that dialog', () => {
    const s = make();
    s.setState({ cursorId: 'd:0000:04:00.1' });
    A.toggleReserve(s);
    A.answerShared(s, true); // the other function of the card goes too
    expect(s.getState().intents).toHaveLength(2);
    expect(s.getState().dialog).toBeNull();
  });
});

describe('tree and dialog keys', () => {
  const on = (s: AppStore, addr: string) => s.setState({ cursorId: `d:${addr}` });

  it('space on a card of an isolated group asks; Enter on the first choice stages the whole card, u undoes it', () => {
    const s = make();
    on(s, '0000:03:00.0');
    press(s, ' ');
    expect(s.getState().dialog).toMatchObject({ kind: 'shared', members: ['0000:03:00.0', '0000:03:00.1'] });
    press(s, { return: true });
    expect(s.getState().dialog).toBeNull();
    expect(s.getState().intents).toEqual([
      { kind: 'reserve', address: '0000:03:00.0' },
      { kind: 'reserve', address: '0000:03:00.1' },
    ]);
    press(s, 'u');
    expect(s.getState().intents).toEqual([{ kind: 'reserve', address: '0000:03:00.0' }]);
  });

  it('a host-critical group asks twice before it stages with the override; Esc stages nothing', () => {
    const s = make();
    on(s, '0000:05:00.0');
    press(s, ' ');
    expect(s.getState().dialog).toMatchObject({ kind: 'critical', confirmed: false });
    press(s, { escape: true });
    expect(s.getState()).toMatchObject({ dialog: null, intents: [] });
    press(s, ' ');
    // Two buttons: cancel (the default) and stage anyway; each answer starts on cancel.
    const stageAnyway = () => press(s, 'l', { return: true });
    stageAnyway();
    expect(s.getState().dialog).toMatchObject({ kind: 'critical', confirmed: true });
    expect(s.getState().intents).toEqual([]);
    stageAnyway();
    expect(s.getState().intents).toEqual([{ kind: 'reserve', address: '0000:05:00.0', force: true }]);
  });

  it('v opens the VF editor on a PF; digits, Backspace and Enter stage the count', () => {
    const s = make();
    on(s, '0000:04:00.0');
    press(s, 'v');
    expect(s.getState().dialog).toMatchObject({ kind: 'vfs', address: '0000:04:00.0' });
    press(s, { backspace: true }, { backspace: true }, { backspace: true }, '1', '2', { return: true });
    expect(s.getState().intents).toEqual([{ kind: 'vfs', address: '0000:04:00.0', count: 12 }]);
  });

  it('/ types a filter that narrows the rows; Esc clears it; p and Tab switch panes', () => {
    const s = make();
    press(s, '/', '8', '0', '8', '6', ':', '1', '5', '2', '1');
    expect(s.getState()).toMatchObject({ filtering: true, filter: '8086:1521' });
    const st = s.getState();
    expect(st.cursorId).toBe('d:0000:03:00.0');
    press(s, { escape: true });
    expect(s.getState()).toMatchObject({ filtering: false, filter: '' });
    press(s, 'p');
    expect(s.getState().pane).toBe('pending');
    press(s, { tab: true });
    expect(s.getState().pane).toBe('tree');
  });
});
