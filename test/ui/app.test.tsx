import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUIDE_MAPPING_FILLED_IN, goTo, renderFixture, type Harness } from '../helpers/app.tsx';
import { KEY } from '../helpers/keys.ts';
import { removeTree } from '../helpers/tree.ts';

const SNAP = (name: string) => `../../snapshots/${name}.txt`;
let h: Harness | null = null;
afterEach(() => {
  h?.unmount();
  if (h) removeTree(h.root);
  h = null;
});

describe('tree and details', () => {
  it('renders the guide host at 80x24', async () => {
    h = await renderFixture('guide');
    await expect(h.frame()).toMatchFileSnapshot(SNAP('tree-80x24'));
    expect(h.frame().split('\n')).toHaveLength(24);
  });

  it('renders side by side at 200x60, details of the selected device', async () => {
    h = await renderFixture('guide', { columns: 200, rows: 60 });
    await goTo(h, '0000:04:00.0');
    await h.press(KEY.RIGHT);
    const f = h.frame();
    expect(f).toContain('SR-IOV 4 of 32 VFs live');
    expect(f).toMatch(/04:02\.0 Ethernet Virtual Function 700 Series \(grp 40\)/);
    await expect(f).toMatchFileSnapshot(SNAP('tree-200x60'));
  });

  it('shows each verdict with its colour and word (ANSI kept)', async () => {
    h = await renderFixture('consumer', { columns: 100, rows: 40 });
    expect(h.raw()).toMatch(/\x1b\[31m✖ host-critical/);
    expect(h.raw()).toMatch(/\x1b\[33m◐ shared/);
    expect(h.raw()).toMatch(/\x1b\[32m● isolated|\x1b\[32m  ● isolated/);
    await expect(h.raw()).toMatchFileSnapshot(SNAP('verdict-colours.ansi'));
  });

  it('without colour and UTF-8: ASCII glyphs, cursor marked with >', async () => {
    h = await renderFixture('guide', { colour: false, ascii: true });
    const f = h.raw();
    expect(f).not.toMatch(/\x1b\[3\dm/); // no colour codes
    expect(f).toMatch(/\[!!\] host-critical/);
    expect(/[^\x00-\x7f]/.test(h.frame())).toBe(false);
    await expect(h.frame()).toMatchFileSnapshot(SNAP('no-colour-ascii'));
  });

  it('a terminal of 40x10 gets a clear message, and the layout comes back on resize', async () => {
    h = await renderFixture('guide', { columns: 40, rows: 10 });
    expect(h.frame().replace(/\s+/g, ' ')).toContain('Terminal too small: 40x10, need at least 60x16');
    await expect(h.frame()).toMatchFileSnapshot(SNAP('too-small-40x10'));
    const { setSize } = await import('../../src/store/actions.ts');
    setSize(h.store, { columns: 80, rows: 24 });
    await h.waitFor((f) => f.includes('IOMMU groups'));
  });

  it('/ filters by driver; Esc clears', async () => {
    h = await renderFixture('guide');
    await h.press('/', 'i', 'g', 'b');
    const f = await h.waitFor((x) => x.includes('Filter: igb'));
    expect(f).toContain('03:00.0 I350');
    expect(f).not.toContain('SAS3008');
    await expect(f).toMatchFileSnapshot(SNAP('filter'));
    await h.press(KEY.ESC);
    await h.waitFor((x) => x.includes('IOMMU groups'));
  });

  it('? shows every key; Esc closes', async () => {
    h = await renderFixture('guide', { columns: 100, rows: 40 });
    await h.press('?');
    const f = await h.waitFor((x) => x.includes('Keys (Esc or ? closes)'));
    expect(f).toContain('reserve / release the device for vfio-pci');
    await expect(f).toMatchFileSnapshot(SNAP('help'));
    await h.press(KEY.ESC);
    await h.waitFor((x) => !x.includes('Keys (Esc'));
  });

  it('? at 80x24 scrolls when the keys do not fit', async () => {
    h = await renderFixture('guide');
    await h.press('?');
    let f = await h.waitFor((x) => x.includes('j/k scroll'));
    expect(f.split('\n')).toHaveLength(24);
    await expect(f).toMatchFileSnapshot(SNAP('help-80x24'));
    expect(f).not.toMatch(/~ │/); // descriptions wrap under their column, nothing is cut
    expect(f).toMatch(
      /reserve \/ release the device for vfio-pci \(asks for\s+│\n│\s+shared and host-critical groups\)/,
    );
    // Page by page to the end: nothing cut anywhere.
    const at = (x: string) => Number(/(\d+)-\d+\/\d+, j\/k scroll/.exec(x)?.[1] ?? 0);
    for (let i = 0; i < 12 && !/\d+-(\d+)\/\1, j\/k scroll/.test(f); i++) {
      const before = at(f);
      await h.press(KEY.PGDN);
      f = await h.waitFor((x) => at(x) > before);
      expect(f).not.toMatch(/~ │/);
    }
    expect(f).toContain('a notice (IOMMU off): close it'); // the last key of the help, whole
    await h.press('g');
    f = await h.waitFor((x) => at(x) === 1);
    await h.press('G');
    f = await h.waitFor((x) => /\d+-(\d+)\/\1, j\/k scroll/.test(x));
    expect(f).toMatch(/PCI-Express, x-vga,\s+│\n│\s+ROM-Bar/);
  });
});

describe('pre-flight checks', () => {
  it('the status line counts problems, ! lists them with fixes, details show them on the device', async () => {
    h = await renderFixture('consumer');
    expect(h.frame().split('\n')[0]).toContain('1 warning (!)');
    await h.press('!');
    const f = await h.waitFor((x) => x.includes('Checks: 1 warning'));
    expect(f).toContain('WARN   VM 200 hostpci0');
    expect(f).toContain('fix: move the card to a slot with its own group');
    await expect(f).toMatchFileSnapshot(SNAP('checks'));
    await h.press(KEY.ESC);
    await h.waitFor((x) => !x.includes('Checks:'));
    await goTo(h, '0000:06:00.0');
    expect(await h.waitFor((x) => x.includes('Warning (VM 200 hostpci0)'))).toContain('[! for the fix]');
  });

  it('j/k select a problem; x stages removing its hostpci line, which the pending pane shows as a diff', async () => {
    h = await renderFixture('guide', {
      files: {
        ...GUIDE_MAPPING_FILLED_IN,
        'etc/pve/qemu-server/105.conf': 'name: moved\nhostpci0: 0000:0a:00,pcie=1\nmachine: q35\n',
        'etc/pve/qemu-server/106.conf': 'name: twice\nonboot: 1\nhostpci0: 0000:00:1f.6\n',
      },
    });
    await h.press('!');
    let f = await h.waitFor((x) => x.includes('Checks: 2 errors'));
    expect(f).toMatch(/>ERROR  VM 105 hostpci0\s+\[x: remove hostpci0 from VM 105\]/);
    await h.press('j');
    f = await h.waitFor((x) => x.includes('>ERROR  VM 106 hostpci0'));
    await h.press('k', 'x');
    f = await h.waitFor((x) => x.includes('Staged: remove hostpci0 from VM 105'));
    expect(f).toContain('1 staged');
    await h.press('p');
    f = await h.waitFor((x) => x.includes('qm set 105 --delete hostpci0'));
    expect(f).toContain('-hostpci0: 0000:0a:00,pcie=1');
    await h.press(KEY.TAB, '!');
    expect(await h.waitFor((x) => x.includes('(removal staged)'))).toContain('VM 105 hostpci0   (removal staged)');
  });

  it('a clean host says so and shows no count', async () => {
    h = await renderFixture('guide', { files: GUIDE_MAPPING_FILLED_IN });
    expect(h.frame().split('\n')[0]).not.toMatch(/warning|error/);
    await h.press('!');
    expect(await h.waitFor((x) => x.includes('Checks: no problems found'))).toContain(
      'every VM with PCI devices can start as configured',
    );
  });
});

describe('staging', () => {
  it('space on a host-critical device asks twice, naming what the host loses', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:06:00.0');
    await h.press(KEY.SPACE);
    let f = await h.waitFor((x) => x.includes('is host-critical'));
    expect(f).toMatch(/member of ZFS pool rpool/);
    await expect(f).toMatchFileSnapshot(SNAP('critical-1'));
    await h.press(KEY.RIGHT, KEY.ENTER);
    f = await h.waitFor((x) => x.includes('Second confirmation'));
    await expect(f).toMatchFileSnapshot(SNAP('critical-2'));
    await h.press(KEY.ENTER); // Cancel is focused: nothing staged
    expect(h.store.getState().intents).toEqual([]);
    await h.press(KEY.SPACE, KEY.RIGHT, KEY.ENTER, KEY.RIGHT, KEY.ENTER);
    expect(h.store.getState().intents).toEqual([{ kind: 'reserve', address: '0000:06:00.0', force: true }]);
  });

  it('v opens the VF editor bounded by sriov_totalvfs, showing the VFs that will appear', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:04:00.0');
    await h.press('v', KEY.BACKSPACE, '9', '9');
    let f = await h.waitFor((x) => x.includes('Too many'));
    await h.press(KEY.BACKSPACE, KEY.BACKSPACE, '6');
    f = await h.waitFor((x) => x.includes('[ 6 ]'));
    expect(f).toContain('04:02.0 0000:04:02.1');
    expect(f).toMatch(/\.\.\.[\s│]+0000:04:02\.5/);
    expect(f).toMatch(/0000:04:02\.0 is in use by running VM 100: shut it down first/);
    await expect(f).toMatchFileSnapshot(SNAP('vf-editor'));
    await h.press(KEY.ENTER);
    expect(h.store.getState().intents).toEqual([{ kind: 'vfs', address: '0000:04:00.0', count: 6 }]);
  });

  it('a picks a VM with options and warnings, then the pending pane shows the diffs', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:07:00.0');
    await h.press('a');
    let f = await h.waitFor((x) => x.includes('to which VM'));
    expect(f).toMatch(/102 win11-gaming\s+stopped\s+pc-i440fx-8.1\s+seabios/);
    await expect(f).toMatchFileSnapshot(SNAP('vm-picker'));
    await h.press(KEY.DOWN, KEY.DOWN, KEY.ENTER);
    f = await h.waitFor((x) => x.includes('-> VM 102'));
    expect(f).toContain('[x] All functions');
    // i440fx: PCI-Express is not ticked (no silent machine type change); ticking it, the planner says what happens.
    expect(f).toMatch(/\[ \] PCI-Express\s+VM is pc-i440fx-8.1/);
    expect(f).not.toContain('machine type changes');
    expect(f).toContain('[ ] Primary GPU'); // SeaBIOS VM: no x-vga by default
    await h.press('2');
    f = await h.waitFor((x) => x.includes('[x] PCI-Express'));
    expect(f.replace(/[\s│]+/g, ' ')).toContain(
      'warning: VM 102: machine type changes from pc-i440fx-8.1 to q35 for PCI-Express: the guest sees new hardware',
    );
    await h.press('3');
    f = await h.waitFor((x) => x.includes('[x] Primary GPU'));
    await expect(f).toMatchFileSnapshot(SNAP('assign-options'));
    await h.press(KEY.ENTER);
    expect(h.store.getState().intents[0]).toMatchObject({
      kind: 'assign',
      address: '0000:07:00.0',
      vmid: 102,
      options: { allFunctions: true, xVga: true, pcie: true, rombar: true },
    });
    await h.press('p');
    f = await h.waitFor((x) => x.includes('Pending changes'));
    expect(f).toContain('+hostpci0: 0000:07:00,pcie=1,x-vga=1');
    expect(f).toContain('qm set 102 --hostpci0 0000:07:00,pcie=1,x-vga=1 --machine q35');
    await expect(f).toMatchFileSnapshot(SNAP('pending-diffs'));
  });

  it('Enter in the VM picker without moving leads to the options, with defaults from the device and the VM', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:07:00.0');
    await h.press('a');
    await h.waitFor((x) => x.includes('to which VM'));
    await h.press(KEY.ENTER); // VM 100 (q35, OVMF), the first in the list
    const f = await h.waitFor((x) => x.includes('-> VM 100'));
    expect(h.store.getState().intents).toEqual([]); // nothing staged yet
    expect(f).toContain('[x] All functions'); // the GPU's audio function goes with it
    expect(f).toMatch(/\[x\] PCI-Express\s+VM is q35/);
    expect(f).toMatch(/\[x\] Primary GPU \(x-vga\)\s+the card becomes the VM display/);
    await h.press(KEY.ENTER);
    expect(h.store.getState().intents).toEqual([
      {
        kind: 'assign',
        address: '0000:07:00.0',
        vmid: 100,
        options: { allFunctions: true, pcie: true, xVga: true, rombar: true },
      },
    ]);
  });

  it('u undoes, d drops from the pending pane; a blocked plan cannot be committed', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:03:00.0');
    await h.press(KEY.SPACE, KEY.DOWN, KEY.ENTER); // only this function
    expect(h.store.getState().intents).toEqual([{ kind: 'reserve', address: '0000:03:00.0' }]);
    await h.press('u');
    expect(h.store.getState().intents).toEqual([]);
    await goTo(h, '0000:05:00.0');
    await h.press('a', KEY.ENTER, KEY.ENTER); // VM 100, defaults
    await h.press('c');
    const f = await h.waitFor((x) => x.includes('Cannot commit'));
    expect(f).toMatch(/error: .*host-critical/);
    await expect(f).toMatchFileSnapshot(SNAP('pending-blocked'));
    await h.press('d');
    expect(h.store.getState().intents).toEqual([]);
  });
});

describe('commit', () => {
  it('confirms with Cancel focused, shows progress and the result, and writes the files', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:03:00.0');
    await h.press(KEY.SPACE);
    let f = await h.waitFor((x) => x.includes('other functions of this card'));
    await expect(f).toMatchFileSnapshot(SNAP('group-functions'));
    await h.press(KEY.ENTER);
    expect(h.store.getState().intents.map((i) => i.kind === 'reserve' && i.address)).toEqual([
      '0000:03:00.0',
      '0000:03:00.1',
    ]);
    await h.press('c');
    f = await h.waitFor((x) => x.includes('Apply these changes?'));
    expect(f).toContain('> Cancel <');
    await expect(f).toMatchFileSnapshot(SNAP('confirm'));
    await h.press(KEY.ENTER); // Cancel
    expect(h.store.getState().dialog).toBeNull();
    await h.press('c', KEY.RIGHT, KEY.ENTER);
    f = await h.waitFor((x) => x.includes('Done'), 'result');
    expect(f).not.toContain('Enter to continue'); // not yet: keys typed during the run are dropped
    await h.press(KEY.ENTER);
    expect(h.store.getState().dialog?.kind).toBe('result');
    f = await h.waitFor((x) => x.includes('Enter to continue'), 'the prompt');
    expect(f).toMatch(/Reboot the node/);
    await expect(f.replace(/\/tmp\/\S+/g, '<tmp>').replace(/\d{4}-\d\d-\d\dT[\d-]+Z/g, '<time>')).toMatchFileSnapshot(
      SNAP('result'),
    );
    expect(readFileSync(join(h.root, 'etc/initramfs-tools/scripts/init-top/pve-passthrough-vfio'), 'utf8')).toContain(
      'bind 0000:03:00.0 8086:1521\nbind 0000:03:00.1 8086:1521',
    );
    await h.press(KEY.ENTER);
    expect(h.store.getState().intents).toEqual([]);
  });

  it('q asks first when changes are staged', async () => {
    h = await renderFixture('guide');
    await goTo(h, '0000:03:00.0');
    await h.press(KEY.SPACE, KEY.ENTER, 'q');
    const f = await h.waitFor((x) => x.includes('Quit?'));
    await expect(f).toMatchFileSnapshot(SNAP('quit'));
    await h.press(KEY.ESC);
    expect(h.store.getState().exiting).toBe(false);
    await h.press('q', 'y');
    expect(h.store.getState().exiting).toBe(true);
  });
});

describe('bad input', () => {
  it('a malformed VM config is still listed and its problem is shown in the pending pane', async () => {
    const { writeFileSync } = await import('node:fs');
    const { copyFixture } = await import('../helpers/tree.ts');
    const root = copyFixture('guide');
    writeFileSync(join(root, 'etc/pve/qemu-server/105.conf'), 'name: broken\n@@@ not a line\nhostpci0: zz:zz\n');
    const { openHost } = await import('../../src/host/open.ts');
    const { readHost } = await import('../../src/host/reader.ts');
    const snap = await readHost(root, openHost({ root }).runner);
    h = await renderFixture('guide');
    h.store.setState({ snapshot: snap });
    await h.waitFor((x) => x.includes('2 notices (p)'));
    await h.press('p');
    const f = await h.waitFor((x) => x.includes('Read from the host with problems (2)'));
    expect(f).toMatch(/105\.conf:2: unreadable line kept as is/);
    await expect(f).toMatchFileSnapshot(SNAP('notices'));
    removeTree(root);
  });
});
