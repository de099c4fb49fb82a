// `?`: every key from the keymap table, by context; descriptions wrap under their column (nothing
// is cut), and the dialog scrolls when the terminal is short.
import { KEYMAP, type KeyContext } from '../keymap.ts';
import { fit, useLook, wrapText } from '../Styled.tsx';
import { ScrollingDialog, type DialogLine } from './ScrollingDialog.tsx';

const TITLES: Record<KeyContext, string> = { tree: 'Device tree', pending: 'Pending changes', global: 'Everywhere', dialog: 'Dialogs' };
const KEYS = 16;

/** The help as lines for a dialog of `width` columns (its inner width is width - 4). */
export function helpLines(width: number, ascii: boolean): DialogLine[] {
  const plain = (s: string) => (ascii ? s.replace(/↑/g, 'Up').replace(/↓/g, 'Down').replace(/←/g, 'Left').replace(/→/g, 'Right') : s);
  const lines: DialogLine[] = [];
  for (const ctx of ['tree', 'pending', 'global', 'dialog'] as const) {
    lines.push({ text: TITLES[ctx], bold: true, colour: 'cyan' });
    for (const b of KEYMAP.filter((x) => x.context === ctx)) {
      for (const text of wrapText(`  ${fit(plain(b.keys), KEYS)} ${b.description}`, width - 4, KEYS + 3)) lines.push({ text });
    }
  }
  return lines;
}

export const helpWidth = (columns: number) => Math.min(columns, 100);

export function HelpDialog({ width, height, scroll }: { width: number; height: number; scroll: number }) {
  const { ascii } = useLook();
  return <ScrollingDialog title="Keys (Esc or ? closes)" lines={helpLines(width, ascii)} width={width} height={height} scroll={scroll} />;
}
