// Tolerant synchronous reads: a missing or unreadable file is a null, never an exception, and
// the caller decides whether that deserves a notice. Synchronous on purpose: thousands of tiny
// sysfs reads are several times faster without promise overhead.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, realpathSync } from 'node:fs';
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
 * readTrimmed for a sysfs attribute (at most a page): open, read into one shared buffer until
 * EOF, close. readFileSync would also fstat, and allocate a 4 KiB buffer per attribute on a real
 * node (sysfs says every file is 4096 bytes long): tens of MB of garbage on a 2,000-function
 * host. A file that fills the page is read again in full.
 */
export function readAttr(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  let n = 0;
  try {
    for (;;) {
      const r = readSync(fd, PAGE, n, PAGE.length - n, null);
      n += r;
      if (r === 0 || n === PAGE.length) break;
    }
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

export function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

export const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The C library's realpath: a third of the JS version's time for 355 net interfaces. */
export function realPath(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
}
