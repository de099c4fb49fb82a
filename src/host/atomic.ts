// File operations the apply layer uses, behind one small interface so tests can inject
// failures (EACCES, ENOSPC) at any step. Writes are atomic: temp file in the same directory,
// fsync, rename over the target, fsync the directory.
import { closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface FsOps {
  read(path: string): string | null;
  mode(path: string): number | null;
  writeAtomic(path: string, content: string, mode?: number): void;
  remove(path: string): void;
  /** Plain write for sysfs attributes (they cannot be renamed over). */
  writeAttr(path: string, value: string): void;
}

export const realFs: FsOps = {
  read(path) {
    try {
      return readFileSync(path, 'utf8');
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
  writeAtomic(path, content, mode) {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    const finalMode = realFs.mode(path) ?? mode ?? 0o644;
    const tmp = join(dir, `.${basename(path)}.pvept-${process.pid}.tmp`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, finalMode);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      unlinkSync(tmp);
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, path);
    try {
      const dfd = openSync(dir, constants.O_RDONLY);
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // Some file systems do not fsync directories; the rename is still atomic.
    }
  },
  remove(path) {
    if (existsSync(path)) unlinkSync(path);
  },
  writeAttr(path, value) {
    const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
    try {
      // Like `echo N > attr`: the kernel parses the trailing newline fine.
      writeSync(fd, `${value}\n`);
    } finally {
      closeSync(fd);
    }
  },
};
