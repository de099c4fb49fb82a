// Every write the apply layer makes, to the host and to its own state folder, goes through this
// one small interface, so tests can inject a failure (ENOSPC, EIO) or a kill at any write.
// Content is bytes: strings are encoded losslessly (see model/bytes.ts). Writes are atomic: a
// temp file in the same folder (mode 0600 until it is complete, so a killed write never leaves
// an executable half-script), fsync, rename over the target, fsync the folder.
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeLossless, encodeLossless } from '../model/bytes.ts';

export interface FsOps {
  /** Content decoded losslessly, null when the file does not exist. */
  read(path: string): string | null;
  readBytes(path: string): Buffer | null;
  mode(path: string): number | null;
  writeAtomic(path: string, content: string | Uint8Array, mode?: number): void;
  /** Appends and fsyncs (journal lines). */
  append(path: string, text: string): void;
  remove(path: string): void;
  mkdirp(path: string): void;
  /** Removes an empty folder; false when it is not empty or not there. */
  rmdirEmpty(path: string): boolean;
  /** Plain write for sysfs attributes (they cannot be renamed over). */
  writeAttr(path: string, value: string): void;
}

/** Temp files of this program: `.NAME.pvept-PID.tmp` beside their target. */
export const TEMP_FILE = /^\..+\.pvept-(\d+)\.tmp$/;

/** Node leaves `path` off errors of write(2) and fsync(2) (ENOSPC, EIO): name the file. */
function named<T>(path: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err === 'object' && !err.path) err.path = path;
    throw err;
  }
}

const bytes = (c: string | Uint8Array) => (typeof c === 'string' ? encodeLossless(c) : c);

function fsyncDir(dir: string) {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename itself is still atomic.
  }
}

function writeAll(fd: number, data: Uint8Array) {
  for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
}

export const realFs: FsOps = {
  read(path) {
    const b = realFs.readBytes(path);
    return b === null ? null : decodeLossless(b);
  },
  readBytes(path) {
    try {
      return readFileSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  },
  mode(path) {
    try {
      return statSync(path).mode & 0o7777;
    } catch {
      return null;
    }
  },
  writeAtomic: (path, content, mode) => named(path, () => writeAtomic(path, content, mode)),
  append(path, text) {
    named(path, () => {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o644);
      try {
        writeAll(fd, Buffer.from(text, 'utf8'));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    });
  },
  remove(path) {
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return;
    }
    fsyncDir(dirname(path));
  },
  mkdirp(path) {
    mkdirSync(path, { recursive: true });
  },
  rmdirEmpty(path) {
    try {
      rmdirSync(path);
      return true;
    } catch {
      return false; // not empty (someone else's file) or already gone
    }
  },
  writeAttr(path, value) {
    named(path, () => {
      const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
      try {
        // Like `echo N > attr`: the kernel parses the trailing newline fine.
        writeSync(fd, `${value}\n`);
      } finally {
        closeSync(fd);
      }
    });
  },
};

function writeAtomic(path: string, content: string | Uint8Array, mode?: number): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const finalMode = realFs.mode(path) ?? mode ?? 0o644;
  const tmp = join(dir, `.${basename(path)}.pvept-${process.pid}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
  try {
    writeAll(fd, bytes(content));
    fsyncSync(fd);
    fchmodSync(fd, finalMode);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  fsyncDir(dir);
}

/** Removes temp files left in `dir` by processes that are gone (a killed apply). */
export function removeDeadTemps(dir: string, alive: (pid: number) => boolean, fs: FsOps = realFs): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = TEMP_FILE.exec(n);
    if (m && !alive(Number(m[1]))) {
      fs.remove(join(dir, n));
      removed.push(join(dir, n));
    }
  }
  return removed;
}
