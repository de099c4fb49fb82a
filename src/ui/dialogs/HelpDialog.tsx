// `?`: every key from the keymap table, by context; descriptions wrap under their column (nothing
// is cut), and the dialog scrolls when the terminal is short.
import { helpLines } from '../keymap.ts';
import { useLook } from '../Styled.tsx';
import { ScrollingDialog } from './ScrollingDialog.tsx';

export function HelpDialog({ width, height, scroll }: { width: number; height: number; scroll: number }) {
  const { ascii } = useLook();
  return (
    <ScrollingDialog
      title="Keys (Esc or ? closes)"
      lines={helpLines(width, ascii)}
      width={width}
      height={height}
      scroll={scroll}
    />
  );
}
