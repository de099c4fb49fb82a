// The first frame in a real pseudo-terminal under each kind of terminal an operator has: the
// words are always there (meaning never by colour alone), colour only where allowed, and not a
// single non-ASCII byte where the locale or the console cannot show it.
import { afterAll, describe, expect, it } from 'vitest';
import { runInPty } from '../helpers/pty.ts';
import { copyFixture, removeTree } from '../helpers/tree.ts';

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

/** SGR sequences that set a colour (foreground, background, 256-colour or true colour). */
const colourSgr = (out: string) =>
  [...out.matchAll(/\x1b\[([0-9;]*)m/g)]
    .map((m) => m[1]!)
    .filter((p) => p.split(';').some((n) => /^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$/.test(n)));
const nonAscii = (out: string) => /[^\x00-\x7f]/.test(out);

const UTF8 = { LANG: 'C.UTF-8', LC_ALL: undefined, LC_CTYPE: undefined };
// The test runner forces colour for its own snapshots; a real terminal does not.
const REAL = { FORCE_COLOR: undefined, NO_COLOR: undefined, COLORTERM: undefined };

describe('renders on every terminal', () => {
  for (const [name, env, want] of [
    ['TERM=xterm-256color, UTF-8', { TERM: 'xterm-256color', ...UTF8 }, { colour: true, ascii: false }],
    [
      'COLORTERM=truecolor',
      { TERM: 'xterm-256color', COLORTERM: 'truecolor', ...UTF8 },
      { colour: true, ascii: false },
    ],
    ['tmux (TERM=tmux-256color)', { TERM: 'tmux-256color', ...UTF8 }, { colour: true, ascii: false }],
    ['NO_COLOR=1', { TERM: 'xterm-256color', NO_COLOR: '1', ...UTF8 }, { colour: false, ascii: false }],
    [
      'LANG=C',
      { TERM: 'xterm-256color', LANG: 'C', LC_ALL: undefined, LC_CTYPE: undefined },
      { colour: true, ascii: true },
    ],
    ['TERM=linux (VGA console, UTF-8 locale)', { TERM: 'linux', ...UTF8 }, { colour: true, ascii: true }],
    [
      'TERM=linux, LANG=C, NO_COLOR',
      { TERM: 'linux', LANG: 'C', LC_ALL: undefined, LC_CTYPE: undefined, NO_COLOR: '1' },
      { colour: false, ascii: true },
    ],
    ['TERM=dumb', { TERM: 'dumb', ...UTF8 }, { colour: false, ascii: true }],
  ] as const) {
    it(
      name,
      async () => {
        const root = copyFixture('guide');
        roots.push(root);
        const run = runInPty(['--root', root], { env: { ...REAL, ...env } });
        const screen = await run.waitFor('IOMMU groups');
        // Verdicts in words, whatever the colour.
        expect(screen).toContain('isolated');
        expect(screen).toContain('host-critical');
        expect(screen).toContain(want.ascii ? '[!!] host-critical' : '✖ host-critical');
        run.write('q');
        expect((await run.exited).exitCode).toBe(0);
        const out = run.output();
        expect(nonAscii(out), 'non-ASCII bytes on an ASCII terminal').toBe(!want.ascii);
        if (want.colour) {
          expect(colourSgr(out).length).toBeGreaterThan(0);
          // The palette is the 16 basic colours: right on the Linux console, fine everywhere else.
          expect(colourSgr(out).filter((p) => /(^|;)[34]8;/.test(p))).toEqual([]);
        } else {
          expect(colourSgr(out)).toEqual([]);
        }
      },
      30_000,
    );
  }
});
