// scripts/bundle-options.mjs gives both string-width copies in the bundle a fast path: a string
// made only of NARROW_CHARS (8.x: NARROW_CHARS_8) is as wide as it is long. That must be what
// each copy computes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs build script without types
import { bundleOptions, NARROW_CHARS, NARROW_CHARS_8 } from '../../scripts/bundle-options.mjs';
import { removeTree, tempDir } from '../helpers/tree.ts';

const MODULES = join(import.meta.dirname, '../../node_modules');
const load = async (rel: string) => (await import(join(MODULES, rel))).default as (s: string, o?: object) => number;
const charsOf = (set: RegExp) =>
  Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter((ch) => set.test(ch));
const narrow = new RegExp(`^[${NARROW_CHARS as string}]*$`);
const narrow8 = new RegExp(`^[${NARROW_CHARS_8 as string}]*$`);
// Ink's (8.x) and wrap-ansi's own (7.x), unpatched, each with its set.
const COPIES: Array<[string, string[]]> = [
  ['string-width/index.js', charsOf(narrow8)],
  ['wrap-ansi/node_modules/string-width/index.js', charsOf(narrow)],
];

const trash: string[] = [];
afterAll(() => trash.forEach(removeTree));

describe('string-width fast path', () => {
  it('covers what the TUI draws: tree and box glyphs, arrows, Latin text', () => {
    for (const s of ['─│┌┐└┘├┤', '▸▾●◐', '↑↓←→', '… — ± ✓ ✗', 'Müller Straße']) expect(narrow.test(s), s).toBe(true);
    expect(narrow.test('✖'), '✖: string-width 7 calls it an emoji').toBe(false);
    expect(narrow8.test('✖ host-critical'), '8.x: one column').toBe(true);
    expect(narrow8.test('\u2716\ufe0f'), 'with the emoji selector').toBe(false);
    expect(narrow.test('a\u0301'), 'combining mark').toBe(false);
    expect(narrow.test('\x1b[1m'), 'escape').toBe(false);
  });

  it.each(COPIES)(
    '%s: every fast-path character is one column, and each its own grapheme cluster',
    async (rel, chars) => {
      const stringWidth = await load(rel);
      for (const ch of chars) expect(stringWidth(ch), `U+${ch.charCodeAt(0).toString(16)}`).toBe(1);
      expect(chars.some((ch) => /\p{M}|\p{Cf}|\p{Cc}|\p{Default_Ignorable_Code_Point}/u.test(ch))).toBe(false);
      const all = chars.join('');
      expect([...new Intl.Segmenter().segment(all)].length).toBe(all.length);
      expect(stringWidth(all)).toBe(all.length);
    },
  );

  it.each(COPIES)(
    '%s: any string of them is as wide as it is long (what the fast path returns)',
    async (rel, chars) => {
      const stringWidth = await load(rel);
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...chars), { maxLength: 60 }),
          (cs) => stringWidth(cs.join('')) === cs.length,
        ),
        { numRuns: 300 },
      );
    },
  );

  it('is in the bundle, in both copies', async () => {
    const dir = tempDir('pvept-sw-');
    trash.push(dir);
    const out = join(dir, 'b.mjs');
    await build({
      ...bundleOptions({ outfile: out, minify: false }),
      stdin: {
        contents: "import a from 'string-width'; import w from 'wrap-ansi'; console.log(a, w);",
        resolveDir: join(import.meta.dirname, '../..'),
      },
      entryPoints: undefined,
    });
    const text = readFileSync(out, 'utf8');
    expect(text.split('ambiguousIsNarrow && /^[').length - 1).toBe(2);
  });
});
