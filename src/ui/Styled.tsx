// Colour-aware text: colour props apply only when colour is on (NO_COLOR, TERM=dumb), and glyphs
// fall back to ASCII on a non-UTF-8 locale or the Linux console.
import { Text, type TextProps } from 'ink';
import { createContext, useContext, type ReactNode } from 'react';
import type { Colour } from './theme.ts';

export interface Look {
  colour: boolean;
  ascii: boolean;
}

export const LookContext = createContext<Look>({ colour: true, ascii: false });
export const useLook = () => useContext(LookContext);

export function T(props: { c?: Colour; bold?: boolean; dim?: boolean; inverse?: boolean; wrap?: TextProps['wrap']; children?: ReactNode }) {
  const { colour } = useLook();
  return (
    <Text color={colour ? props.c : undefined} bold={props.bold} dimColor={colour ? props.dim : false} inverse={props.inverse} wrap={props.wrap ?? 'truncate-end'}>
      {props.children}
    </Text>
  );
}

/** Glyph with its ASCII fallback. */
export const g = (ascii: boolean, utf: string, plain: string) => (ascii ? plain : utf);

/** Cut or pad to exactly `width` columns (names are ASCII in pci.ids; good enough for layout). */
export function fit(raw: string, width: number): string {
  if (width <= 0) return '';
  const text = detab(raw);
  if (text.length > width) return width > 1 ? `${text.slice(0, width - 1)}~` : text.slice(0, width);
  return text.padEnd(width);
}

export const shortAddr = (a: string) => (a.startsWith('0000:') ? a.slice(5) : a);

/** Word-wraps to `width` columns (long words are cut), keeping a hanging indent of 2. */
/** Tabs would let the terminal, not us, decide the width: expand them (config files use them). */
export const detab = (s: string) => (s.includes('\t') ? s.replace(/\t/g, '    ') : s);

export function wrapText(raw: string, width: number): string[] {
  const text = detab(raw);
  if (text.length <= width || width < 8) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= width) line = next;
    else {
      if (line) out.push(line);
      line = `  ${word}`.slice(0, width);
    }
  }
  if (line) out.push(line);
  return out;
}

/** A title followed by a rule to the full width. */
export const titleRule = (title: string, width: number, rule: string) => fit(`${title} ${rule.repeat(Math.max(0, width - title.length - 1))}`, width);
