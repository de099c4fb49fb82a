// Tolerant synchronous reads: a missing or unreadable file is a null, never an exception, and
// the caller decides whether that deserves a notice. Synchronous on purpose: thousands of tiny
// sysfs reads are several times faster without promise overhead.
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
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

export function realPath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
