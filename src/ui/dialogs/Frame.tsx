// A dialog box: bordered (ASCII borders when glyphs are off), titled, sized to the terminal.
import { Box } from 'ink';
import type { ReactNode } from 'react';
import { T, fit, useLook } from '../Styled.tsx';
import type { Colour } from '../theme.ts';

export function Frame(props: { title: string; width: number; colour?: Colour; children: ReactNode }) {
  const { ascii, colour } = useLook();
  return (
    <Box
      flexDirection="column"
      borderStyle={ascii ? 'classic' : 'round'}
      borderColor={colour ? (props.colour ?? 'cyan') : undefined}
      width={props.width}
      paddingX={1}
    >
      <T bold c={props.colour}>
        {fit(props.title, props.width - 4)}
      </T>
      {props.children}
    </Box>
  );
}

/** Buttons in a row; the focused one is shown inverse and in brackets (readable without colour). */
export function Buttons({ labels, choice }: { labels: string[]; choice: number }) {
  return (
    <Box marginTop={1}>
      {labels.map((l, i) => (
        <Box key={l} marginRight={2}>
          <T inverse={i === choice} bold={i === choice}>
            {i === choice ? `> ${l} <` : `  ${l}  `}
          </T>
        </Box>
      ))}
    </Box>
  );
}
