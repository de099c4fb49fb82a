// The TUI's checks follow the staged changes: with intents, selectFindings runs the checks on the
// node as the plan would leave it (model/planned.ts); the ! dialog and the status line show it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findingsSummary } from '../../src/model/checks.ts';
import type { HostSnapshot, Intent } from '../../src/model/types.ts';
import { selectFindings, selectHostFindings, type AppStore } from '../../src/store/app-store.ts';
import { detailsLines } from '../../src/ui/details-lines.ts';
import { checksLines } from '../../src/ui/dialogs/ChecksDialog.tsx';
import { readAt } from '../helpers/snapshots.ts';
import { cleanGuide, removeTree } from '../helpers/tree.ts';
import { storeOn } from '../helpers/store.ts';

let snap: HostSnapshot;
beforeAll(async () => {
  // The guide with its hand-made mapping filled in: no problem until a test makes one.
  const root = cleanGuide();
  try {
    snap = await readAt(root);
  } finally {
    removeTree(root);
  }
});
const make = (): AppStore => storeOn(snap, { columns: 100, rows: 30 });
const OPTS = { allFunctions: false, pcie: true, xVga: false, rombar: true };

describe('checks on the staged plan in the store', () => {
  it('nothing staged: the node as it is; staged: the node as the plan leaves it, memoised on the intents', () => {
    const s = make();
    expect(selectFindings(s.getState())).toBe(selectHostFindings(s.getState()));
    expect(findingsSummary(selectFindings(s.getState()))).toBe('no problems found');
    const intents: Intent[] = [
      { kind: 'assign', address: '0000:03:00.0', vmid: 102, options: { ...OPTS, pcie: false } },
      { kind: 'assign', address: '0000:03:00.1', vmid: 103, options: OPTS },
    ];
    s.setState({ intents });
    const f = selectFindings(s.getState());
    expect(selectFindings(s.getState())).toBe(f);
    expect(f.find((x) => x.where === 'IOMMU group 14')).toMatchObject({ plan: 'new', severity: 'warning' });
    expect(findingsSummary(f)).toBe('2 warnings');
    const text = checksLines(f, 90, 0, intents)
      .lines.map((l) => l.text)
      .join('\n');
    expect(text).toContain('IOMMU group 14 (staged changes)');
    s.setState({ intents: [] });
    expect(findingsSummary(selectFindings(s.getState()))).toBe('no problems found');
  });

  it('a problem the staged changes fix is listed as fixed and not counted', async () => {
    const s = make();
    const root = cleanGuide();
    try {
      // A card that moved (no device at 0a:00), as on the demo host.
      writeFileSync(join(root, 'etc/pve/qemu-server/105.conf'), 'name: moved\nhostpci0: 0000:0a:00.0\n');
      const moved = await readAt(root);
      s.setState({ snapshot: moved });
      expect(findingsSummary(selectFindings(s.getState()))).toBe('1 error');
      const intents: Intent[] = [{ kind: 'unassign', vmid: 105, slot: 'hostpci0' }];
      s.setState({ intents });
      const f = selectFindings(s.getState());
      expect(f.map((x) => [x.where, x.plan])).toEqual([['VM 105 hostpci0', 'resolved']]);
      expect(findingsSummary(f)).toBe('no problems found');
      const lines = checksLines(f, 90, 0, intents).lines.map((l) => l.text);
      expect(lines[0]).toBe('>FIXED  VM 105 hostpci0   (removal staged)');
      expect(lines.join('\n')).not.toContain('fix:');
    } finally {
      removeTree(root);
    }
  });
});

describe('details of a device with changes staged', () => {
  it('show what the staged changes bring, not what they fix', () => {
    const intents: Intent[] = [
      { kind: 'assign', address: '0000:03:00.0', vmid: 102, options: { ...OPTS, pcie: false } },
      { kind: 'assign', address: '0000:03:00.1', vmid: 103, options: OPTS },
    ];
    const s = make();
    s.setState({ intents });
    const row = {
      kind: 'device' as const,
      id: 'd:0000:03:00.0',
      address: '0000:03:00.0',
      depth: 1,
      isolation: 'isolated' as const,
      expandable: false,
      expanded: false,
      marks: [],
    };
    const text = detailsLines(snap, row as never, selectFindings(s.getState()))
      .map((l) => l.text)
      .join('\n');
    expect(text).toContain('Warning (IOMMU group 14, staged changes): split across VMs 102, 103');
    const resolved = [
      {
        severity: 'error' as const,
        where: 'VM 105 hostpci0',
        message: 'gone',
        fix: 'x',
        addresses: ['0000:03:00.0'],
        line: null,
        plan: 'resolved' as const,
      },
    ];
    expect(
      detailsLines(snap, row as never, resolved)
        .map((l) => l.text)
        .join('\n'),
    ).not.toContain('gone');
  });
});
