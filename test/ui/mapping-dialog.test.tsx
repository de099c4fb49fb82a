// The mapping dialog (m) on the two-node cluster fixture at 80x24: the devices of the selected
// VF's kind on pve1 and pve2, the existing x710-vf mapping and where it resolves, ticking and
// staging; then assigning through the mapping from the assign options (m there).
import { afterEach, describe, expect, it } from 'vitest';
import { BEING_READ } from '../../src/host/cluster.ts';
import { renderFixture, type Harness } from '../helpers/app.tsx';
import { KEY } from '../helpers/keys.ts';

const SNAP = (name: string) => `../../snapshots/${name}.txt`;

describe('mapping dialog', () => {
  let h: Harness | undefined;
  afterEach(() => h?.unmount());

  const selectVf = async (addr: string) => {
    h = await renderFixture('cluster');
    await h.press('/', ...addr.split(''), KEY.ENTER);
    // The filter keeps the PF above a matching VF: move down to the VF itself.
    for (let i = 0; i < 6 && !h.store.getState().cursorId?.includes(addr); i++) await h.press(KEY.DOWN);
    expect(h.store.getState().cursorId).toContain(addr);
  };

  it("opened before pvesh has answered: pve2 is 'being read', and its devices appear when they arrive", async () => {
    await selectVf('04:02.2');
    const full = h!.store.getState().snapshot;
    // The TUI's first snapshot of a cluster (host/cluster.ts startClusterRead: members).
    const first = {
      ...full,
      cluster: { ...full.cluster!, devices: { pve2: null }, notices: [{ where: 'pve2', message: BEING_READ }] },
    };
    h!.store.setState({ snapshot: first });
    await h!.press('M');
    let f = await h!.waitFor((x) => x.includes('Resource mapping: 0000:04:02.2'), 'mapping dialog');
    await expect(f).toMatchFileSnapshot(SNAP('mapping-dialog-pvesh-pending-80x24'));
    expect(f).toMatch(/ pve2: its devices are being read \(pvesh\)/);
    expect(f).not.toMatch(/pve2 {3}0000:41:02.0/);
    expect(f).toMatch(/\[x\] pve1 {3}0000:04:02.2/);
    h!.store.setState({ snapshot: full }); // the second pass
    f = await h!.waitFor((x) => /\[ \] pve2 {3}0000:41:02.0/.test(x), "pve2's devices");
    expect(f).toMatch(/\[x\] pve1 {3}0000:04:02.2/);
    expect(f).not.toMatch(/being read/);
  });

  it("M on a VF opens the mapping of its kind, lists every node's devices of that kind; space ticks, Enter stages pvesh set", async () => {
    await selectVf('04:02.2');
    await h!.press('M');
    const f = await h!.waitFor((x) => x.includes('Resource mapping: 0000:04:02.2'), 'mapping dialog');
    await expect(f).toMatchFileSnapshot(SNAP('mapping-dialog-80x24'));
    expect(f.split('\n')).toHaveLength(24);
    expect(f).toMatch(/Name: \[x710-vf_\] {2}existing, 1 entry/);
    expect(f).toMatch(/pve1: does NOT resolve/);
    expect(f).toMatch(/\[=\] pve1 {3}0000:04:02.1 \(in it\)/);
    expect(f).toMatch(/\[x\] pve1 {3}0000:04:02.2/);
    expect(f).toMatch(/\[ \] pve2 {3}0000:41:02.0/);
    // The cursor starts on the selected VF (its entry is shown); down past 04:02.3 to pve2's first VF, tick it, stage.
    expect(f).toMatch(/map id=8086:154c,iommugroup=42,node=pve1,path=0000:04:02.2,subsystem-id/);
    // Tab: a new mapping instead (nothing of its kind is in it), Tab again: back to x710-vf.
    await h!.press(KEY.TAB);
    await h!.waitFor((x) => x.includes('Name: [pci-8086-154c-vf_]  new mapping') && !x.includes('[=]'), 'new name');
    await h!.press(KEY.TAB);
    await h!.waitFor((x) => x.includes('Name: [x710-vf_]'), 'back to x710-vf');
    await h!.press(KEY.DOWN, KEY.DOWN, KEY.SPACE);
    await h!.waitFor((x) => /\[x\] pve2 {3}0000:41:02.0/.test(x), 'pve2 VF ticked');
    await h!.press(KEY.ENTER);
    await h!.waitFor((x) => !x.includes('Resource mapping:'), 'dialog closed');
    const st = h!.store.getState();
    expect(st.intents).toEqual([
      {
        kind: 'mapping',
        name: 'x710-vf',
        devices: [
          { node: null, address: '0000:04:02.2' },
          { node: 'pve2', address: '0000:41:02.0' },
        ],
      },
    ]);
    expect(st.flash).toMatch(/Staged: map 0000:04:02.2 \+ pve2\/0000:41:02.0 as 'x710-vf'/);
  });

  it('a device in no mapping gets a suggested name, typed over; an invalid name is refused with the rule', async () => {
    await selectVf('03:00.0');
    await h!.press('M');
    await h!.waitFor((x) => x.includes('Name: [pci-8086-1521_]  new mapping'), 'suggested name');
    for (let i = 0; i < 'pci-8086-1521'.length; i++) await h!.press(KEY.BACKSPACE);
    await h!.press('9', 'x', KEY.ENTER);
    await h!.waitFor((x) => x.includes("'9x' is not a name Proxmox accepts"), 'refusal');
    await h!.press(KEY.BACKSPACE, KEY.BACKSPACE, 'n', 'i', 'c', KEY.ENTER);
    await h!.waitFor((x) => x.includes("Staged: map 0000:03:00.0 as 'nic'"), 'staged');
  });

  it('Ctrl-D deletes the named mapping: refused naming the VM while one uses it, staged as pvesh delete when none does', async () => {
    await selectVf('04:02.2');
    await h!.press('M');
    await h!.waitFor((x) => x.includes('Name: [x710-vf_]') && x.includes('Ctrl-D deletes,'), 'x710-vf');
    await h!.press(KEY.CTRL_D);
    const f = await h!.waitFor((x) => x.includes('still used by'), 'refusal');
    expect(h!.store.getState().flash).toBe(
      "'x710-vf' is still used by VM 104 (backup) hostpci0, VM 201 (backup2) hostpci0 on node pve2: remove those lines first (the VM would not start without it).",
    );
    expect(f).toContain('Resource mapping:'); // the dialog stays open
    expect(h!.store.getState().intents).toEqual([]);
    // A new name is not a mapping yet: nothing to delete, and the hint does not offer it.
    await h!.press(KEY.TAB);
    await h!.waitFor((x) => x.includes('new mapping') && !x.includes('Ctrl-D'), 'new name');
    await h!.press(KEY.CTRL_D);
    await h!.waitFor((x) => x.includes('is not an existing mapping'), 'not existing');
    h!.unmount();

    // gpu: no VM uses it.
    await selectVf('07:00.0');
    await h!.press('M');
    await h!.waitFor((x) => x.includes('Name: [gpu_]'), 'gpu');
    await h!.press(KEY.CTRL_D);
    await h!.waitFor((x) => !x.includes('Resource mapping:'), 'dialog closed');
    expect(h!.store.getState().intents).toEqual([{ kind: 'unmap', name: 'gpu' }]);
    expect(h!.store.getState().flash).toMatch(/^Staged: delete mapping 'gpu' \(pvesh delete\)/);
    await h!.press('p');
    await h!.waitFor((x) => x.includes("(delete resource mapping 'gpu'; written by pvesh"), 'pending pane');
  });

  it('assign options: m switches to hostpciN: mapping=NAME for a device in a mapping', async () => {
    await selectVf('07:00.0');
    await h!.press('a');
    await h!.waitFor((x) => x.includes('to which VM?'), 'VM list');
    await h!.press(KEY.DOWN, KEY.DOWN, KEY.DOWN, KEY.ENTER); // VM 103
    await h!.waitFor((x) => x.includes('-> VM 103'), 'options');
    await h!.press('m');
    await h!.waitFor((x) => x.includes("m through mapping 'gpu' (hostpciN: mapping=gpu)"), 'via mapping');
    await h!.press(KEY.ENTER);
    await h!.waitFor((x) => !x.includes('-> VM 103'), 'closed');
    expect(h!.store.getState().intents).toEqual([
      {
        kind: 'assign-mapping',
        name: 'gpu',
        vmid: 103,
        options: { allFunctions: false, pcie: true, xVga: true, rombar: true },
      },
    ]); // a GPU: x-vga on by default
  });
});
