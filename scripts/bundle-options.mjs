// The esbuild options shared by `npm run build` (the shipped bundle) and the source checkout's
// launcher (bin/pve-passthrough.js, which bundles into node_modules/.cache on first start).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Replaces `from` with `to` in a dependency's file, or stops the build: a patch that no longer
 * applies must be looked at, not skipped silently. */
function patch(text, file, from, to) {
  if (!text.includes(from))
    throw new Error(`bundle patch for ${file} no longer applies (dependency updated?): ${from.slice(0, 60)}`);
  return text.replace(from, to);
}

const inkPatches = {
  name: 'ink-patches',
  setup(b) {
    // Ink imports react-devtools-core only when DEV=true; it is not a dependency: stub it.
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'export default { initialize() {}, connectToDevTools() {} };',
      loader: 'js',
    }));
    // Nor its devtools module (only imported when isDev(), patched below to false): it pulls in
    // the ws WebSocket library, 48 KB of the bundle parsed at every start for nothing.
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]devtools\.js$/ }, () => ({ contents: 'export {};', loader: 'js' }));
    // With DEV=true in the operator's environment Ink would also read ../package.json beside the
    // bundle (and crash). Its isDev() reads a local `process` import, out of `define`'s reach.
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]utils\.js$/ }, () => ({
      contents: 'export const isDev = () => false;',
      loader: 'js',
    }));
    // Garbage per frame. Ink builds every frame as one object (and one styles array) per cell
    // and re-tokenizes every line; the tokenizer diffs styles char by char with three new Sets.
    // At 120x40 that was ~0.5 MB per keystroke, promoted to the old space while typing: peak
    // RSS grew from 85 to 130 MB over 60 keys on a 2,000-function host. Cells are only ever
    // replaced, never changed, so they can share one blank cell, one styles array per run of
    // equally styled characters, and a cache of tokenized lines across frames (bounded).
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, async (a) => {
      let t = await readFile(a.path, 'utf8');
      t = patch(
        t,
        'ink output.js',
        'class OutputCaches {',
        "const BLANK = Object.freeze({ type: 'char', value: ' ', fullWidth: false, styles: Object.freeze([]) });\nclass OutputCaches {",
      );
      t = patch(
        t,
        'ink output.js',
        `row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`,
        'row.push(BLANK);',
      );
      t = patch(t, 'ink output.js', '    caches = new OutputCaches();', '    caches = sharedCaches();');
      t +=
        '\nlet shared = null;\nfunction sharedCaches() {\n  if (!shared || shared.styledChars.size > 4000) shared = new OutputCaches();\n  return shared;\n}\n';
      return { contents: t, loader: 'js' };
    });
    // Yoga's loader gets its embedded WebAssembly from a data: URL with fetch() whenever fetch
    // exists: that loads Node's whole fetch implementation (undici), ~25 ms before the first
    // frame. Decode the base64 here instead; the loader then takes its no-fetch path.
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (a) => {
      const t = await readFile(a.path, 'utf8');
      const from = 'function ya(){return w||"function"!=typeof fetch?';
      return {
        contents: patch(
          t,
          'yoga-wasm-base64-esm.js',
          from,
          'function ya(){w||(w=Buffer.from(H.slice(37),"base64"));return w||"function"!=typeof fetch?',
        ),
        loader: 'js',
      };
    });
    // string-width takes its slow path (grapheme segmenter, Unicode-property regexes, emoji
    // regex) for any line with a box-drawing or tree glyph, i.e. nearly every line here: 37 of
    // the 109 ms of the first render at 2,000 functions, and ~0.15 ms per call after. A line of
    // characters that are one column each, each its own cluster, is as wide as it is long.
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async (a) => {
      const t = await readFile(a.path, 'utf8');
      const { version } = JSON.parse(await readFile(join(dirname(a.path), 'package.json'), 'utf8'));
      const chars = Number(version.split('.')[0]) >= 8 ? NARROW_CHARS_8 : NARROW_CHARS;
      const from = '\tlet width = 0;\n\tconst eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};';
      const fast = `\tif (ambiguousIsNarrow && /^[${chars}]*$/.test(string)) {\n\t\treturn string.length;\n\t}\n\n`;
      let out = patch(t, 'string-width index.js', from, fast + from);
      if (chars === NARROW_CHARS_8) {
        // And 8.x builds its emoji regex (\p{RGI_Emoji}: ~20 ms to construct) when first needed,
        // not when Ink loads.
        out = patch(out, 'string-width index.js', 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', 'let rgiEmojiRegex;');
        out = patch(
          out,
          'string-width index.js',
          'if (rgiEmojiRegex.test(segment)',
          'if ((rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v).test(segment)',
        );
      }
      return { contents: out, loader: 'js' };
    });
    b.onLoad({ filter: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/ }, async (a) => {
      const t = await readFile(a.path, 'utf8');
      // reduceAnsiCodesIncremental returns a new array each time: `codes` is never changed in place.
      return {
        contents: patch(t, 'ansi-tokenize styledChars.js', 'styles: [...codes],', 'styles: codes,'),
        loader: 'js',
      };
    });
    b.onLoad({ filter: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]diff\.js$/ }, async (a) => {
      const t = await readFile(a.path, 'utf8');
      const same =
        'if (from === to || (from.length === to.length && from.every((c, i) => c.code === to[i].code))) return [];\n';
      return {
        contents: patch(
          t,
          'ansi-tokenize diff.js',
          'export function diffAnsiCodes(from, to) {\n',
          `export function diffAnsiCodes(from, to) {\n    ${same}`,
        ),
        loader: 'js',
      };
    });
  },
};

/**
 * Characters every string-width in the bundle (8.x for Ink, 7.x under wrap-ansi) counts as one
 * column, each its own grapheme cluster: printable ASCII and Latin, general punctuation, arrows,
 * box drawing, block elements, geometric shapes, check marks. Left out: what 7.x counts as an
 * emoji (©, ‼, ↔, ▶, ⚠, ✔, ✖ ...); 8.x counts those as one column (NARROW_CHARS_8), and the
 * TUI's host-critical mark is ✖. test/build/string-width-fast-path.test.ts checks all of it.
 */
export const NARROW_CHARS =
  '\\u0020-\\u007E\\u00A0-\\u00A8\\u00AA-\\u00AC\\u00AF-\\u024F\\u2010-\\u2027\\u2030-\\u203B\\u203D-\\u2048\\u204A-\\u205E' +
  '\\u2190-\\u2193\\u219A-\\u21A8\\u21AB-\\u21FF\\u2500-\\u25A9\\u25AC-\\u25B5\\u25B7-\\u25BF\\u25C1-\\u25FA\\u2713\\u2715\\u2717\\u2718';
export const NARROW_CHARS_8 = `${NARROW_CHARS}\\u00A9\\u00AE\\u203C\\u2049\\u2194-\\u2199\\u21A9\\u21AA\\u25AA\\u25AB\\u25B6\\u25C0\\u25FB\\u25FC\\u26A0\\u2714\\u2716`;

/** esbuild options for one ESM file that runs src/entry/bundle-entry.ts with plain node >= 20. */
export function bundleOptions({ outfile, minify = true, sourcemap = false }) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return {
    entryPoints: [join(ROOT, 'src/entry/bundle-entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify,
    sourcemap,
    legalComments: 'none',
    define: { __PVE_PASSTHROUGH_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
    banner: {
      js: [
        '#!/usr/bin/env node',
        // Debian 12 (PVE 8) ships Node 18: say what to do instead of failing somewhere inside.
        `if (+process.versions.node.split('.')[0] < 20) { process.stderr.write('pve-passthrough needs Node.js >= 20 (this is ' + process.version + '); copy the standalone executable dist/pve-passthrough instead.\\n'); process.exit(1); }`,
        // CommonJS dependencies call require() for built-ins; give the ESM bundle one.
        "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      ].join('\n'),
    },
    plugins: [inkPatches],
    logLevel: 'warning',
  };
}
