// Tolerant synchronous reads: a missing or unreadable file is a null, never an exception, and
// the caller decides whether that deserves a notice. Synchronous on purpose: thousands of tiny
// sysfs reads are several times faster without promise overhead.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { decodeLossless } from '../model/bytes.ts';

export interface ReadFailure {
  code: string;
}

// Text is decoded losslessly (model/bytes.ts): a file the planner edits keeps every byte of
// the lines it does not touch, whatever their encoding.
export function readText(path: string): string | null {
  try {
    return decodeLossless(readFileSync(path));
  } catch {
    return null;
  }
}

/** The file's bytes, undecoded (pci.ids: model/pci-ids.ts decodes only the lines it needs). */
export function readBytes(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/** Like readText but says why it failed (ENOENT vs EACCES matter to the operator). */
export function readTextOrError(path: string): string | ReadFailure {
  try {
    return decodeLossless(readFileSync(path));
  } catch (e) {
    return { code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
}

export function readTrimmed(path: string): string | null {
  const t = readText(path);
  return t === null ? null : t.trim();
}

const PAGE = Buffer.allocUnsafe(4096);

/**
 * readTrimmed for a sysfs attribute (at most a page): open, one read into a shared buffer,
 * close. readFileSync would also fstat, and allocate a 4 KiB buffer per attribute on a real
 * node (sysfs says every file is 4096 bytes long): tens of MB of garbage on a 2,000-function
 * host. One read is enough: a read that returns less than asked is the end of a regular file,
 * and sysfs formats an attribute into one page and returns it whole (the read to see EOF was a
 * quarter of the attribute syscalls). A file that fills the page is read again in full.
 */
export function readAttr(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  let n: number;
  try {
    n = readSync(fd, PAGE, 0, PAGE.length, null);
  } catch {
    return null;
  } finally {
    try {
      closeSync(fd);
    } catch {
      // nothing to do: the descriptor is gone either way
    }
  }
  return n === PAGE.length ? readTrimmed(path) : decodeLossless(PAGE.subarray(0, n)).trim();
}

export function readLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/**
 * Where a link points: its target resolved against the folder the link sits in, on the strings
 * alone. That is what realpath gives when that folder's path holds no links, for one readlink
 * where the C library's realpath makes one per path component. Null when it is not a link.
 */
export function linkTarget(path: string): string | null {
  const t = readLink(path);
  if (t === null) return null;
  if (t.startsWith('/')) return t;
  // Segment by segment: path.resolve's character loop cost more than the readlink itself.
  const parts = path.split('/');
  parts.pop();
  for (const seg of t.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

export function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

export const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);
