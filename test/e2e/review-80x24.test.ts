// The review pane at 80x24 in a real pseudo-terminal: a plan longer than the screen is read to
// its last line (the last warning) with PgDn, with G and with Down; and Enter in the VM picker,
// without moving, leads to the assign options instead of staging with defaults.
import { afterAll, describe, expect, it } from 'vitest';
import { openHost } from '../../src/host/open.ts';
import { readHost } from '../../src/host/reader.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { pendingView } from '../../src/ui/pending-lines.ts';
import { KEY } from '../helpers/keys.ts';
import { runInPty, settled, type PtyRun } from '../helpers/pty.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

const rowsOf = (s: string) => s.split('\n');
/** The pane's position counter, e.g. "53-72/72". */
const position = (s: string) => /Pending changes (\d+)-(\d+)\/(\d+)/.exec(s)?.slice(1).map(Number) ?? null;

/** Puts the cursor on a device through the filter, then clears the filter (the cursor stays). */
async function goTo(run: PtyRun, short: string) {
  run.write('/');
  await run.waitFor('Filter:');
  run.write(short);
  await run.waitFor(`Filter: ${short}`);
  run.write(KEY.ENTER);
  await run.waitFor((s) => (rowsOf(s).find((l) => l.startsWith('>')) ?? '').includes(short));
  run.write(KEY.ESC);
  await run.waitFor(
    (s) => s.includes('IOMMU groups') && (rowsOf(s).find((l) => l.startsWith('>')) ?? '').includes(short),
  );
}

describe('review at 80x24 in a pseudo-terminal', () => {
  it('stages a plan longer than the screen; its last line is reached with PgDn, with G and with Down', async () => {
    const root = copyFixture('guide');
    roots.push(root);
    const run = runInPty(['--root', root], { cols: 80, rows: 24 });
    await run.waitFor('IOMMU groups');
    await goTo(run, '03:00.0');
    run.write(KEY.SPACE);
    await run.waitFor('other functions of this card');
    run.write(KEY.ENTER);
    await run.waitFor('2 staged');
    await goTo(run, '04:00.1');
    run.write('v');
    await run.waitFor('Virtual functions');
    run.write(KEY.BACKSPACE);
    run.write('8');
    await run.waitFor('[ 8 ]');
    run.write(KEY.ENTER);
    await run.waitFor('3 staged');
    await goTo(run, '07:00.0');
    run.write('a');
    await run.waitFor('to which VM');
    await settled(run, 25);
    run.write(KEY.ENTER); // VM 100, without moving: the options come first
    await run.waitFor('-> VM 100');
    run.write(KEY.ENTER);
    await run.waitFor('4 staged');

    // What the pane holds, computed the way the program does for this terminal size.
    const snapshot = await readHost(root, openHost({ root }).runner);
    const intents = [
      { kind: 'reserve', address: '0000:03:00.0' },
      { kind: 'reserve', address: '0000:03:00.1' },
      { kind: 'vfs', address: '0000:04:00.1', count: 8 },
      {
        kind: 'assign',
        address: '0000:07:00.0',
        vmid: 100,
        options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
      },
    ] as const;
    const st = createAppStore({
      snapshot,
      size: { columns: 80, rows: 24 },
      colour: false,
      ascii: false,
      host: { root, fixture: true, demo: false, apply: async () => ({}) as never, reread: async () => snapshot },
    }).getState();
    const view = pendingView({ ...st, intents: intents.map((i) => ({ ...i })) });
    const total = view.lines.length;
    expect(total).toBeGreaterThan(22); // longer than the screen
    const last = view.lines.at(-1)!.text.trimEnd();
    expect(view.lines.some((l) => l.text.startsWith('warning:'))).toBe(true);
    expect(view.lines.some((l) => l.text.includes('update-initramfs -u -k all'))).toBe(true);

    const atEnd = (s: string) => position(s)?.[1] === total && position(s)?.[2] === total;
    const lastPaneRow = (s: string) => rowsOf(s)[21]!.trimEnd(); // status, title, 20 plan rows
    run.write('p');
    let s = await run.waitFor((x) => position(x)?.[0] === 1);
    expect(position(s)).toEqual([1, 20, total]);

    // PgDn, page by page
    for (let i = 0; i < Math.ceil(total / 20) + 2 && !atEnd(s); i++) {
      run.write(KEY.PGDN);
      await run.waitFor((x) => (position(x)?.[0] ?? 0) > (position(s)?.[0] ?? 0));
      s = await settled(run, 25);
    }
    expect(atEnd(s)).toBe(true);
    expect(lastPaneRow(s)).toBe(last);
    expect(s).toContain('Steps, in order:');

    // G from the top
    run.write('g');
    await run.waitFor((x) => position(x)?.[0] === 1);
    run.write('G');
    s = await run.waitFor(atEnd);
    expect(lastPaneRow(await settled(run, 25))).toBe(last);

    // Down, one line at a time, from the top: past the staged items it scrolls the plan
    run.write('g');
    s = await run.waitFor((x) => position(x)?.[0] === 1);
    for (let i = 0; i < total + intents.length && !atEnd(s); i++) {
      run.write(KEY.DOWN);
      s = await settled(run, 25);
    }
    expect(atEnd(s)).toBe(true);
    expect(lastPaneRow(s)).toBe(last);

    run.write(KEY.CTRL_C);
    expect((await run.exited).exitCode).toBe(0);
  }, 90_000);
});
