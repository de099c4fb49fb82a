// The pending pane on the node configured by hand: the one vfio-pci ids= list before and after,
// the admin's files edited or retired as diffs, and the host interfaces that go with the VFs.
import { afterEach, expect, it } from 'vitest';
import { renderFixture, type Harness } from '../helpers/app.tsx';
import { removeTree } from '../helpers/tree.ts';

const SNAP = (name: string) => `../../snapshots/${name}.txt`;

let h: Harness | null = null;
afterEach(() => {
  if (h) {
    h.unmount();
    removeTree(h.root);
    h = null;
  }
});

it('shows the effective reservation list and the adopted VF-count writers', async () => {
  h = await renderFixture('by-hand', { columns: 120, rows: 110, colour: false });
  h.store.setState({
    intents: [
      { kind: 'reserve', address: '0000:07:00.0' },
      { kind: 'reserve', address: '0000:07:00.1' },
      { kind: 'vfs', address: '0000:03:00.0', count: 4 }, // the count stays: only its rule moves
      { kind: 'vfs', address: '0000:03:00.1', count: 1 },
    ],
  });
  await h.press('p');
  const f = await h.waitFor((x) => x.includes('vfio-pci ids= at boot'), 'the reservation list');
  expect(f).toContain(
    'vfio-pci ids= at boot (/etc/modprobe.d/vfio.conf line 2): 1000:0097 -> 1000:0097,10de:228e,10de:2504',
  );
  expect(f).toContain('+options vfio-pci ids=1000:0097,10de:228e,10de:2504');
  expect(f).toMatch(
    /- {4}post-up echo 2 > \/sys\/class\/net\/enp3s0f1\/device\/sriov_numvfs\n\s+\+ {4}# pve-passthrough: VF count of 0000:03:00.1 now kept/,
  );
  expect(f).toContain(
    '+# ACTION=="add", SUBSYSTEM=="net", KERNELS=="0000:03:00.0", DRIVERS=="igb", ATTR{device/sriov_numvfs}="4"',
  );
  expect(f).toContain(
    '+ACTION=="add|bind", SUBSYSTEM=="pci", KERNEL=="0000:03:00.0", DRIVER=="igb", ATTR{sriov_numvfs}="4"',
  );
  expect(f).toMatch(/host interface enp3s16f1 on this VF goes down/);
  await expect(f).toMatchFileSnapshot(SNAP('pending-by-hand'));
});
