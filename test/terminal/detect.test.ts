// Colour and glyphs are decided once, from the environment (and whether stdout is a terminal).
import { describe, expect, it } from 'vitest';
import { detectTerminal } from '../../src/entry/terminal/detect.ts';

const tty = { isTTY: true } as unknown as NodeJS.WriteStream;
const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
const UTF8 = { LANG: 'en_US.UTF-8' };

describe('detectTerminal', () => {
  it.each([
    ['xterm-256color, UTF-8 locale', { TERM: 'xterm-256color', ...UTF8 }, { colour: true, ascii: false }],
    ['truecolor', { TERM: 'xterm-256color', COLORTERM: 'truecolor', ...UTF8 }, { colour: true, ascii: false }],
    ['tmux / screen', { TERM: 'screen-256color', LC_CTYPE: 'C.utf8' }, { colour: true, ascii: false }],
    ['NO_COLOR (any value)', { TERM: 'xterm-256color', NO_COLOR: '0', ...UTF8 }, { colour: false, ascii: false }],
    [
      'NO_COLOR empty counts as unset (no-color.org)',
      { TERM: 'xterm-256color', NO_COLOR: '', ...UTF8 },
      { colour: true, ascii: false },
    ],
    ['TERM=dumb', { TERM: 'dumb', ...UTF8 }, { colour: false, ascii: true }],
    ['TERM=linux: 16 colours, ASCII glyphs and borders', { TERM: 'linux', ...UTF8 }, { colour: true, ascii: true }],
    ['LANG=C', { TERM: 'xterm-256color', LANG: 'C' }, { colour: true, ascii: true }],
    ['no locale at all', { TERM: 'xterm' }, { colour: true, ascii: true }],
    [
      'LC_ALL=C overrides a UTF-8 LANG',
      { TERM: 'xterm', LANG: 'en_US.UTF-8', LC_ALL: 'C' },
      { colour: true, ascii: true },
    ],
    [
      'LC_CTYPE UTF-8 overrides LANG=C',
      { TERM: 'xterm', LANG: 'C', LC_CTYPE: 'de_DE.utf8' },
      { colour: true, ascii: false },
    ],
  ])('%s', (_name, env, want) => {
    expect(detectTerminal(tty, env)).toEqual(want);
  });

  it('no colour when stdout is not a terminal', () => {
    expect(detectTerminal(pipe, { TERM: 'xterm-256color', ...UTF8 }).colour).toBe(false);
  });
});
