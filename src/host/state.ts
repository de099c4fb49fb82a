// The state folder inside the root (var/lib/pve-passthrough): the instance lock, backups of
// every file before it is touched, the journal of each step, and the audit history.
import { appendFileSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const STATE_DIR = 'var/lib/pve-passthrough';

export const statePath = (root: string, ...parts: string[]) => join(root, STATE_DIR, ...parts);

export class LockHeld extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock (O_EXCL); a lock left by a dead process is taken over. Returns the release. */
export function takeLock(root: string): () => void {
  mkdirSync(statePath(root), { recursive: true });
  const path = statePath(root, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new LockHeld(`another pve-passthrough (pid ${pid}) is applying changes on this host; lock ${path}`);
      unlinkSync(path); // stale
    }
  }
  throw new LockHeld(`could not take the lock ${path}`);
}

export interface BackupManifest {
  time: string;
  summary: string;
  /** createdDir: the topmost folder that did not exist before (removed again when empty). */
  files: Array<{ path: string; existed: boolean; mode: number | null; createdDir?: string | null }>;
  sysfs: Array<{ path: string; previous: string | null }>;
  /** Commands to re-run after restoring (initramfs, boot loader refresh). */
  refresh: string[][];
}

export function newBackupDir(root: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let dir = statePath(root, 'backups', stamp);
  for (let i = 1; existsSync(dir); i++) dir = statePath(root, 'backups', `${stamp}-${i}`);
  mkdirSync(join(dir, 'files'), { recursive: true });
  return dir;
}

export function lastBackup(root: string): string | null {
  const p = statePath(root, 'last-applied');
  if (!existsSync(p)) return null;
  const name = readFileSync(p, 'utf8').trim();
  return name ? statePath(root, 'backups', name) : null;
}

export function journal(root: string, line: string): void {
  mkdirSync(statePath(root), { recursive: true });
  appendFileSync(statePath(root, 'journal.log'), `${new Date().toISOString()} ${line}\n`);
}

export function audit(root: string, now: Date, action: string, summary: string, result: string): void {
  mkdirSync(statePath(root), { recursive: true });
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry
  }
  appendFileSync(statePath(root, 'history.log'), `${now.toISOString()}\t${user}\t${action}\t${summary}\t${result}\n`);
}
