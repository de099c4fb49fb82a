// The IOMMU tree, windowed: only the rows that fit are rendered, the cursor kept in view.
import { Box } from 'ink';
import { useStore } from 'zustand';
import { slotOf } from '../model/address.ts';
import type { Intent, PciDevice } from '../model/types.ts';
import { selectCursorIndex, selectRows, type AppStore } from '../store/app-store.ts';
import { deviceIndex } from '../store/device-index.ts';
import { layout } from '../store/layout.ts';
import type { Row } from '../store/rows.ts';
import { T, fit, g, shortAddr, useLook } from './Styled.tsx';
import { VERDICT } from './theme.ts';

function marks(d: PciDevice, intents: Intent[]): string {
  const m: string[] = [];
  if (d.driver === 'vfio-pci') m.push('vfio');
  for (const i of intents) {
    if (i.kind === 'reserve' && i.address === d.address) m.push('+vfio');
    if (i.kind === 'release' && i.address === d.address) m.push('-vfio');
    if (i.kind === 'vfs' && i.address === d.address) m.push(`VFs=${i.count}`);
    if (i.kind === 'assign' && (i.address === d.address || (i.options.allFunctions && slotOf(i.address) === slotOf(d.address)))) m.push(`+VM${i.vmid}`);
  }
  if (d.usedBy.length) m.push(d.usedBy.map((u) => `VM${u.vmid}`).join(','));
  return m.join(' ');
}

export function TreePane({ store }: { store: AppStore }) {
  const st = useStore(store);
  const look = useLook();
  const rows = selectRows(st);
  const cursor = selectCursorIndex(st);
  const L = layout(st.size);
  const width = L.treeWidth;
  const { byAddr } = deviceIndex(st.snapshot);
  const visible = rows.slice(st.scroll, st.scroll + L.treeRows);
  const title = st.filtering || st.filter ? ` Filter: ${st.filter}${st.filtering ? '_' : ''}  (${rows.filter((r) => r.kind === 'device').length} devices)` : ` IOMMU groups (${st.snapshot.groups.length})  ${cursor + 1}/${rows.length}`;

  const line = (r: Row): { text: string; colour: (typeof VERDICT)[keyof typeof VERDICT]['colour'] | undefined; verdict: string } => {
    const v = VERDICT[r.isolation];
    const mark = look.ascii ? v.ascii : v.glyph;
    if (r.kind === 'group') {
      const caret = r.expanded ? g(look.ascii, '▾', '-') : g(look.ascii, '▸', '+');
      const name = r.groupId === null ? 'No IOMMU group' : `Group ${r.groupId}`;
      // Named by its first real device, so a collapsed group still says what it holds.
      const what = r.lead ? `${byAddr.get(r.lead)!.name}${r.others ? ` +${r.others}` : ''}` : 'bridges only';
      return { text: ` ${caret} ${name}  ${what}  `, colour: v.colour, verdict: `${mark} ${v.word}  (${r.count})` };
    }
    const d = byAddr.get(r.address)!;
    const caret = r.expandable ? (r.expanded ? g(look.ascii, '▾', '-') : g(look.ascii, '▸', '+')) : ' ';
    const indent = r.depth === 2 ? '    ' : '  ';
    const vf = r.depth === 2 && d.iommuGroup !== null ? ` (grp ${d.iommuGroup})` : '';
    const m = marks(d, st.intents);
    const left = `${indent}${caret} ${shortAddr(d.address)} ${d.name}${vf}`;
    const right = ` ${d.driver ?? '-'}${m ? ` ${m}` : ''}`;
    const room = width - right.length - 4;
    return { text: fit(left, Math.max(10, room)) + right, colour: undefined, verdict: r.depth === 2 ? mark : '' };
  };

  return (
    <Box flexDirection="column" width={width} height={L.treeRows + 1}>
      <T bold>{fit(title, width)}</T>
      {visible.map((r, i) => {
        const { text, colour, verdict } = line(r);
        const selected = st.scroll + i === cursor;
        // A '>' marks the cursor too, so it shows where inverse video does not (TERM=dumb).
        const left = fit(selected ? `>${text.slice(1)}` : text, Math.max(0, width - verdict.length));
        return (
          <Box key={r.id} height={1}>
            <T inverse={selected} bold={r.kind === 'group'}>{left}</T>
            <T c={colour ?? VERDICT[r.isolation].colour} inverse={selected}>{verdict}</T>
          </Box>
        );
      })}
    </Box>
  );
}
