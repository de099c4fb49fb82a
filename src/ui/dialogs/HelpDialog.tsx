// `?`: every key from the keymap table, by context; scrolls when the terminal is short.
import { KEYMAP, type KeyContext } from '../keymap.ts';
import { fit, useLook } from '../Styled.tsx';
import { ScrollingDialog, type DialogLine } from './ScrollingDialog.tsx';

const TITLES: Record<KeyContext, string> = { tree: 'Device tree', pending: 'Pending changes', global: 'Everywhere', dialog: 'Dialogs' };

export function HelpDialog({ width, height, scroll }: { width: number; height: number; scroll: number }) {
  const { ascii } = useLook();
  const plain = (s: string) => (ascii ? s.replace(/↑/g, 'Up').replace(/↓/g, 'Down').replace(/←/g, 'Left').replace(/→/g, 'Right') : s);
  const lines: DialogLine[] = [];
  for (const ctx of ['tree', 'pending', 'global', 'dialog'] as const) {
    lines.push({ text: TITLES[ctx], bold: true, colour: 'cyan' });
    for (const b of KEYMAP.filter((x) => x.context === ctx)) lines.push({ text: `  ${fit(plain(b.keys), 16)} ${b.description}` });
  }
  return <ScrollingDialog title="Keys (Esc or ? closes)" lines={lines} width={width} height={height} scroll={scroll} />;
}
