// The ! dialog and the status line with changes staged: the checks run on the node as the plan
// would leave it, tagging what the staged changes bring and listing what they fix.
import { afterEach, expect, it } from 'vitest';
import type { Intent } from '../../src/model/types.ts';
import { GUIDE_MAPPING_FILLED_IN, renderFixture, type Harness } from '../helpers/app.tsx';
import { KEY } from '../helpers/keys.ts';
import { removeTree } from '../helpers/tree.ts';

let h: Harness | null = null;
afterEach(() => {
  h?.unmount();
  if (h) removeTree(h.root);
  h = null;
});
const OPTS = { allFunctions: false, pcie: true, xVga: false, rombar: true };

it('staged changes that split a group over two VMs: the status line counts it, ! tags it; dropping them clears it', async () => {
  h = await renderFixture('guide', { columns: 100, rows: 30, files: GUIDE_MAPPING_FILLED_IN });
  await h.waitFor((x) => x.includes('Legend'));
  const intents: Intent[] = [
    { kind: 'assign', address: '0000:03:00.0', vmid: 102, options: { ...OPTS, pcie: false } },
    { kind: 'assign', address: '0000:03:00.1', vmid: 103, options: OPTS },
  ];
  h.store.setState({ intents });
  let f = await h.waitFor((x) => x.includes('2 staged') && x.includes('2 warnings (!)'), 'the count of the plan');
  await h.press('!');
  f = await h.waitFor((x) => x.includes('Checks with the staged changes: 2 warnings'), 'the dialog');
  expect(f).toContain('IOMMU group 14 (staged changes)');
  expect(f).toMatch(/split across VMs 102, 103/);
  await h.press(KEY.ESC);
  h.store.setState({ intents: [] });
  f = await h.waitFor((x) => x.includes('0 staged') && !x.includes('(!)'), 'no count');
});
