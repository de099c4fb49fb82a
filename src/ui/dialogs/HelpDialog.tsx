// `?`: every key from the keymap table, by context.
import { Box } from 'ink';
import { KEYMAP, type KeyContext } from '../keymap.ts';
import { T, fit, useLook } from '../Styled.tsx';
import { Frame } from './Frame.tsx';

const TITLES: Record<KeyContext, string> = { tree: 'Device tree', pending: 'Pending changes', global: 'Everywhere', dialog: 'Dialogs' };

export function HelpDialog({ width }: { width: number }) {
  const { ascii } = useLook();
  const plain = (s: string) => (ascii ? s.replace(/↑/g, 'Up').replace(/↓/g, 'Down').replace(/←/g, 'Left').replace(/→/g, 'Right') : s);
  const keyW = 16;
  return (
    <Frame title="Keys (Esc or ? closes)" width={width}>
      {(['tree', 'pending', 'global', 'dialog'] as const).map((ctx) => (
        <Box key={ctx} flexDirection="column">
          <T bold c="cyan">{TITLES[ctx]}</T>
          {KEYMAP.filter((b) => b.context === ctx).map((b) => (
            <T key={b.keys + b.description}>{fit(`  ${fit(plain(b.keys), keyW)} ${b.description}`, width - 4)}</T>
          ))}
        </Box>
      ))}
    </Frame>
  );
}
