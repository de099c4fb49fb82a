// The first screen and the small texts at 80x24: devices first (bridges-only groups folded into
// one line), details sized to what they show and never cut (i shows them all), the root path
// shortened from the left, "1 device", and a VF's verdict never glued to its driver.
import { afterEach, describe, expect, it } from 'vitest';
import { GUIDE_MAPPING_FILLED_IN, renderFixture, type Harness } from '../helpers/app.tsx';
import { KEY } from '../helpers/keys.ts';
import { removeTree } from '../helpers/tree.ts';

let h: Harness | null = null;
afterEach(() => {
  h?.unmount();
  if (h) removeTree(h.root);
  h = null;
});
const lines = (f: string) => f.split('\n');
const deviceRows = (f: string) =>
  lines(f).filter((l) => /^[> ]\s*(?:[▸▾+-] )?[0-9a-f]{2}:[0-9a-f]{2}\.\d /.test(l)).length;

describe('first screen at 80x24', () => {
  it('shows devices first: no bridges-only group rows, one folded line for them at the end, which opens', async () => {
    h = await renderFixture('guide');
    const f = h.frame();
    expect(f).not.toContain('bridges only');
    expect(deviceRows(f)).toBeGreaterThanOrEqual(10); // 6 before, behind four bridges-only group rows
    await h.press('G');
    let g = await h.waitFor((x) => x.includes('groups with bridges only'));
    expect(lines(g).find((l) => l.startsWith('>'))).toMatch(/6 groups with bridges only/);
    expect(g).toContain('Groups 0, 2, 3, 8, 10, 11: nothing in them can be passed through');
    await h.press('l');
    await h.waitFor((x) => x.includes('Group 0  bridges only'));
    await h.press('G');
    g = await h.waitFor((x) => x.includes('Group 11  bridges only'));
  });

  it('sizes the details pane to what it shows: no blank rows between the details and the legend', async () => {
    h = await renderFixture('guide');
    const f = lines(h.frame());
    const details = f.findIndex((l) => l.startsWith('── Details'));
    const legend = f.findIndex((l) => l.startsWith(' Legend'));
    expect(f.slice(details + 1, legend).every((l) => l.trim() !== '')).toBe(true);
    expect(f).toHaveLength(24);
  });

  it('details that do not fit say how many lines are left, and i shows all of them in a dialog that scrolls', async () => {
    h = await renderFixture('guide', { columns: 80, rows: 18 });
    await h.press('/', ...'04:00.0', KEY.ENTER);
    const f = await h.waitFor((x) => x.includes('i shows them all'));
    expect(f).not.toContain('widen the terminal');
    await h.press('i');
    let d = await h.waitFor((x) => x.includes('0000:04:00.0 (Esc or i closes)'));
    expect(d).toContain('SR-IOV 4 of 32 VFs live');
    await h.press('G');
    d = await h.waitFor((x) => x.includes('- only 0000:04:00 (2 functions) in this group'));
    await h.press('i');
    await h.waitFor((x) => !x.includes('(Esc or i closes)'));
  });
});

describe('small texts', () => {
  it('shortens the root path in the status line from the left, with an ellipsis', async () => {
    h = await renderFixture('guide', { files: GUIDE_MAPPING_FILLED_IN });
    const root = '/srv/copies/of/nodes/pve-lab-7/test/fixtures/guide';
    h.store.setState({ host: { ...h.store.getState().host, root } });
    const top = lines(await h.waitFor((x) => x.includes('/guide')))[0]!;
    const shown = / root …(\S+)$/.exec(top)?.[1];
    expect(shown && root.endsWith(shown)).toBe(true); // the end of the path, whole
    expect(top).not.toContain('~');
    expect(top).toContain('0 staged'); // the counts come first and are never cut for the path
  });

  it('keeps the problem count whole on a long status line: boot loader and flags give way first', async () => {
    h = await renderFixture('guide', {
      files: {
        'etc/pve/qemu-server/105.conf': 'name: moved\nhostpci0: 0000:0a:00,pcie=1\nmachine: q35\n',
        'etc/pve/qemu-server/106.conf': 'name: twice\nonboot: 1\nhostpci0: 0000:00:1f.6\n',
      },
    });
    h.store.setState({ host: { ...h.store.getState().host, demo: true } });
    const top = lines(await h.waitFor((x) => x.includes('DEMO')))[0]!;
    expect(top).toMatch(/^ pve1 DEMO {2}IOMMU on {2}.*0 staged {2}3 errors \(!\)/);
    expect(top).not.toContain('~');
  });

  it('says "1 device", and "2 devices"', async () => {
    h = await renderFixture('guide');
    await h.press('/', ...'01:00.0');
    expect(await h.waitFor((x) => x.includes('Filter: 01:00.0'))).toContain('(1 device)');
    await h.press('\x15', ...'03:00'); // Ctrl-U clears the line first
    expect(await h.waitFor((x) => x.includes('Filter: 03:00'))).toContain('(2 devices)');
  });

  it('keeps a blank column between a VF row text and its verdict (ASCII and UTF-8)', async () => {
    for (const ascii of [true, false]) {
      h = await renderFixture('guide', { ascii, colour: false });
      await h.press('/', ...'04:02');
      const f = await h.waitFor((x) => x.includes('04:02.3'));
      const vfs = lines(f).filter((l) => /04:02\.\d/.test(l));
      expect(vfs.length).toBeGreaterThan(2);
      for (const l of vfs) expect(l).toMatch(ascii ? / \[ok\]$/ : / ●$/);
      h.unmount();
      removeTree(h.root);
      h = null;
    }
  });
});

describe('progress', () => {
  it('wraps a long step instead of cutting it', async () => {
    const { render } = await import('ink-testing-library');
    const { ProgressDialog } = await import('../../src/ui/dialogs/ProgressDialog.tsx');
    const step = 'qm set 102 --hostpci0 0000:07:00,pcie=1,x-vga=1 --machine q35 --delete hostpci3';
    const r = render(<ProgressDialog steps={[{ text: step, status: 'running' }]} width={40} />);
    const f = r.lastFrame()!.replace(/\x1b\[[0-9;]*m/g, '');
    r.unmount();
    expect(f).not.toContain('~');
    // Every word of the command is on the screen, in order.
    expect(f.replace(/[│╭╮╰╯─\s]+/g, ' ')).toContain(`1. ${step}`);
  });
});
