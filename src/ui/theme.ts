// Semantic colours and glyphs, shared by the TUI and the CLI's human output. Meaning is never
// carried by colour alone: every verdict also has a symbol and a word, with ASCII fallbacks.
import type { PlanLineRole } from '../model/plan/describe.ts';
import type { Isolation } from '../model/types.ts';

export type Colour = 'green' | 'yellow' | 'red' | 'gray' | 'cyan' | 'magenta' | 'blue' | 'white';

export const VERDICT: Record<
  Isolation,
  { word: string; glyph: string; ascii: string; colour: Colour; meaning: string }
> = {
  isolated: {
    word: 'isolated',
    glyph: '●',
    ascii: '[ok]',
    colour: 'green',
    meaning: 'only this device: safe to pass through',
  },
  shared: {
    word: 'shared',
    glyph: '◐',
    ascii: '[sh]',
    colour: 'yellow',
    meaning: 'other devices must go to the VM too',
  },
  'host-critical': {
    word: 'host-critical',
    glyph: '✖',
    ascii: '[!!]',
    colour: 'red',
    meaning: 'the host needs a device in this group',
  },
  'no-iommu': { word: 'no-iommu', glyph: '?', ascii: '[--]', colour: 'gray', meaning: 'IOMMU is off: no isolation' },
};

/** How each line of a described plan looks, in the pending pane and in `plan`'s output alike. */
export const PLAN_STYLE: Record<PlanLineRole, { colour?: Colour; bold?: boolean }> = {
  file: { bold: true },
  'diff-header': {},
  hunk: { colour: 'cyan' },
  context: {},
  add: { colour: 'green' },
  del: { colour: 'red' },
  heading: { bold: true },
  step: {},
  'vfio-ids': { colour: 'cyan' },
  reboot: { colour: 'yellow', bold: true },
  'no-reboot': { colour: 'green', bold: true },
  nothing: { colour: 'green' },
  warning: { colour: 'yellow' },
  error: { colour: 'red', bold: true },
  blank: {},
};

const SGR: Record<Colour, number> = {
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
};

/** ANSI colouring for plain-text output (the CLI); identity when colour is off. */
export function paint(on: boolean, colour: Colour, text: string): string {
  return on ? `\x1b[${SGR[colour]}m${text}\x1b[39m` : text;
}

export function bold(on: boolean, text: string): string {
  return on ? `\x1b[1m${text}\x1b[22m` : text;
}

/** Colour for plain output: a TTY, and NO_COLOR unset (chalk does not check NO_COLOR itself). */
export function wantsColour(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return Boolean((stream as NodeJS.WriteStream).isTTY);
}

/** UTF-8 glyphs only when the locale says UTF-8 and the terminal is not the Linux console. */
export function wantsAscii(env: NodeJS.ProcessEnv): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (env.TERM === 'linux' || env.TERM === 'dumb') return true;
  return !/utf-?8/i.test(loc);
}
