// `?`: every key from the keymap table, by context; scrolls when the terminal is short.
import { KEYMAP, type KeyContext } from '../keymap.ts';
import { T, fit, useLook } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

const TITLES: Record<KeyContext, string> = { tree: 'Device tree', pending: 'Pending changes', global: 'Everywhere', dialog: 'Dialogs' };

export function HelpDialog({ width, height, scroll }: { width: number; height: number; scroll: number }) {
  const { ascii } = useLook();
  const plain = (s: string) => (ascii ? s.replace(/↑/g, 'Up').replace(/↓/g, 'Down').replace(/←/g, 'Left').replace(/→/g, 'Right') : s);
  const lines: Array<{ text: string; head: boolean }> = [];
  for (const ctx of ['tree', 'pending', 'global', 'dialog'] as const) {
    lines.push({ text: TITLES[ctx], head: true });
    for (const b of KEYMAP.filter((x) => x.context === ctx)) lines.push({ text: `  ${fit(plain(b.keys), 16)} ${b.description}`, head: false });
  }
  const room = Math.max(3, height - 3); // borders and title
  const top = Math.min(scroll, Math.max(0, lines.length - room));
  const more = lines.length > room ? `  ${top + 1}-${Math.min(lines.length, top + room)}/${lines.length}, j/k scroll` : '';
  return (
    <Frame title={`Keys (Esc or ? closes)${more}`} width={width}>
      {lines.slice(top, top + room).map((l, i) => (
        <T key={i} bold={l.head} c={l.head ? 'cyan' : undefined}>{fit(l.text, width - 4)}</T>
      ))}
    </Frame>
  );
}
