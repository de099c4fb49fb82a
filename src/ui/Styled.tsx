// Colour-aware text: colour props apply only when colour is on (NO_COLOR, TERM=dumb), and glyphs
// fall back to ASCII on a non-UTF-8 locale or the Linux console.
import { Text, type TextProps } from 'ink';
import { createContext, useContext, type ReactNode } from 'react';
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import type { Colour } from './theme.ts';

export interface Look {
  colour: boolean;
  ascii: boolean;
}

export const LookContext = createContext<Look>({ colour: true, ascii: false });
export const useLook = () => useContext(LookContext);

export function T(props: {
  c?: Colour;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  wrap?: TextProps['wrap'];
  children?: ReactNode;
}) {
  const { colour } = useLook();
  return (
    <Text
      color={colour ? props.c : undefined}
      bold={props.bold}
      dimColor={colour ? props.dim : false}
      inverse={props.inverse}
      wrap={props.wrap ?? 'truncate-end'}
    >
      {props.children}
    </Text>
  );
}

/** Glyph with its ASCII fallback. */
export const g = (ascii: boolean, utf: string, plain: string) => (ascii ? plain : utf);

/** Columns a string takes on the terminal (wide and zero-width characters counted as the terminal does). */
export const width = (s: string) => stringWidth(s);

/** Cut or pad to exactly `cols` columns; a cut ends in `~` (for lines that are meant to be one row). */
export function fit(raw: string, cols: number): string {
  if (cols <= 0) return '';
  const text = detab(raw);
  const w = stringWidth(text);
  if (w > cols)
    return cols > 1
      ? `${cliTruncate(text, cols - 1, { position: 'end', truncationCharacter: '' })}~`
      : cliTruncate(text, cols, { truncationCharacter: '' });
  return text + ' '.repeat(cols - w);
}

/** Shortens from the left with an ellipsis, so the end (a path's last folders) stays readable. */
export function fitLeft(text: string, cols: number, ascii: boolean): string {
  if (stringWidth(text) <= cols) return text;
  const dots = ascii ? '...' : '…';
  if (cols <= stringWidth(dots)) return dots.slice(0, Math.max(0, cols));
  return dots + cliTruncate(text, cols - stringWidth(dots), { position: 'start', truncationCharacter: '' });
}

export const shortAddr = (a: string) => (a.startsWith('0000:') ? a.slice(5) : a);

/** Tabs would let the terminal, not us, decide the width: expand them (config files use them). */
export const detab = (s: string) => (s.includes('\t') ? s.replace(/\t/g, '    ') : s);

/**
 * Word-wraps to `cols` columns, measured as the terminal does; continuation lines get a hanging
 * indent (the line's own indent + 2 by default). Nothing is cut: a word longer than a line is
 * broken across lines.
 */
export function wrapText(raw: string, cols: number, hanging?: number): string[] {
  const text = detab(raw);
  const indent = Math.min(hanging ?? /^ */.exec(text)![0].length + 2, Math.floor(cols / 2));
  if (stringWidth(text) <= cols || cols < 8) return [text];
  const pad = ' '.repeat(indent);
  const first = wrapAnsi(text, cols, { hard: true, trim: false, wordWrap: true }).split('\n');
  const out = [first[0]!.trimEnd()];
  const rest = text.slice(out[0]!.length).replace(/^ +/, '');
  if (rest) for (const l of wrapAnsi(rest, cols - indent, { hard: true, trim: true }).split('\n')) out.push(pad + l);
  return out;
}

/** A title followed by a rule to the full width. */
export const titleRule = (title: string, cols: number, rule: string) =>
  fit(`${title} ${rule.repeat(Math.max(0, cols - stringWidth(title) - 1))}`, cols);
