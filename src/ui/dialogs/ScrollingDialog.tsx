// A framed list of lines that scrolls with j/k PgUp PgDn when the terminal is short (help, checks).
import { T, fit } from '../Styled.tsx';
import type { Colour } from '../theme.ts';
import { Frame } from './Frame.tsx';

export interface DialogLine {
  text: string;
  colour?: Colour;
  bold?: boolean;
}

/** Width of the wide dialogs (help, details, checks). */
export const helpWidth = (columns: number) => Math.min(columns, 100);

/** Rows a scrolling dialog of this height shows (borders and title take 3). */
export const dialogRoom = (height: number) => Math.max(3, height - 3);

export function ScrollingDialog({
  title,
  lines,
  width,
  height,
  scroll,
  colour,
}: {
  title: string;
  lines: DialogLine[];
  width: number;
  height: number;
  scroll: number;
  colour?: Colour;
}) {
  const room = dialogRoom(height);
  const top = Math.min(scroll, Math.max(0, lines.length - room));
  const more =
    lines.length > room ? `  ${top + 1}-${Math.min(lines.length, top + room)}/${lines.length}, j/k scroll` : '';
  return (
    <Frame title={`${title}${more}`} width={width} colour={colour}>
      {lines.slice(top, top + room).map((l, i) => (
        <T key={i} bold={l.bold} c={l.colour}>
          {fit(l.text, width - 4)}
        </T>
      ))}
    </Frame>
  );
}
