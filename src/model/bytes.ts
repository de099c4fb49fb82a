// Files on a node are bytes, not UTF-8: a VM description may hold a Latin-1 `M\xfcller`, a
// hand-edited .conf a stray control byte. The program edits them as strings, so the decoding
// must be lossless: valid UTF-8 decodes as usual and every byte that is not part of a valid
// sequence becomes the lone surrogate U+DC80..U+DCFF (Python's "surrogateescape"), which
// encodes back to the same byte. Lines the program does not touch come out byte for byte.
import { isUtf8 } from 'node:buffer';

const ESCAPED = /[\udc80-\udcff]/u;

/** Bytes -> string, reversible by encodeLossless. */
export function decodeLossless(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceLength(bytes, i);
    if (n) {
      out += Buffer.from(bytes.subarray(i, i + n)).toString('utf8');
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + bytes[i]!);
      i++;
    }
  }
  return out;
}

/** String -> bytes; escaped bytes (U+DC80..U+DCFF) are written back as themselves. */
export function encodeLossless(text: string): Buffer {
  if (!ESCAPED.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xdc80 && c <= 0xdcff) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.of(c - 0xdc00));
    } else run += ch;
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** For display: escaped bytes as `\xNN` (a terminal cannot show a lone surrogate). */
export function showEscapes(text: string): string {
  return ESCAPED.test(text)
    ? text.replace(/[\udc80-\udcff]/gu, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0')}`)
    : text;
}

/** Length of the strictly valid UTF-8 sequence starting at i (no overlongs, no surrogates), or 0. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
