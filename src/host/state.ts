// The state folder inside the root (var/lib/pve-passthrough): the write-ahead record of every
// apply (backups/<id>/: the files as they were, a manifest with the hash of each file before and
// after, and the apply's own journal), the in-progress marker that makes a killed apply visible
// at the next start, the audit history, and the lock.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { FsOps } from './atomic.ts';
import { resolveInRoot } from './rooted.ts';

export const STATE_DIR = 'var/lib/pve-passthrough';

/** A path in the state folder, resolved inside the root like every other target. */
export const statePath = (root: string, ...parts: string[]) => join(resolveInRoot(root, STATE_DIR), ...parts);

export const sha256 = (b: Uint8Array | null) => (b === null ? null : createHash('sha256').update(b).digest('hex'));

export class LockHeld extends Error {}

export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The lock is a Unix socket bound in Linux's abstract namespace under a name derived from the
 * root: binding is atomic (a second bind fails with EADDRINUSE) and the kernel releases it when
 * the holder dies, however it dies. So there is no stale lock file to take over, and no
 * check-then-delete race between two processes that both found one (a lock file with a pid
 * cannot offer that without flock(2), which Node does not have). Scope: one network namespace,
 * which is where a node's root processes run.
 */
export async function takeLock(root: string): Promise<() => Promise<void>> {
  const key = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 40);
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new LockHeld(
              `another pve-passthrough is applying or rolling back changes on this host (${root}); try again when it has finished`,
            )
          : e,
      ),
    );
    server.listen(`\0pve-passthrough/${key}`, () => resolve());
  });
  server.unref();
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface ManifestFile {
  path: string;
  existed: boolean;
  mode: number | null;
  /** The topmost folder that did not exist before (removed again when empty). */
  createdDir: string | null;
  /** sha256 of the bytes before and after the apply; null: no file. */
  before: string | null;
  after: string | null;
}

export interface BackupManifest {
  version: 2;
  time: string;
  summary: string;
  files: ManifestFile[];
  /** Live values the apply writes, with the step that writes each. */
  sysfs: Array<{ path: string; previous: string | null; value: string; step: number }>;
  /** Commands that push files into the initramfs or the boot entries; re-run after a restore. */
  refresh: Array<{ argv: string[]; step: number }>;
  /** Commands that undo a step's effect outside the files (see PlanStep undoFirst / undoLast). */
  undo?: Array<{ step: number; first?: string[]; last?: string[] }>;
  steps: string[];
}

/** Manifests written before version 2 had no hashes and no step numbers. */
function normalize(m: Record<string, unknown>): BackupManifest {
  if (m.version === 2) return m as unknown as BackupManifest;
  const old = m as {
    time: string;
    summary: string;
    files: ManifestFile[];
    sysfs: Array<{ path: string; previous: string | null }>;
    refresh: string[][];
  };
  return {
    version: 2,
    time: old.time,
    summary: old.summary,
    files: old.files.map((f) => ({ ...f, createdDir: f.createdDir ?? null, before: null, after: null })),
    sysfs: old.sysfs.map((s) => ({ ...s, value: '', step: 0 })),
    refresh: old.refresh.map((argv) => ({ argv, step: 0 })),
    steps: [],
  };
}

export type ApplyStatus =
  /** Running now, or killed while running (see the in-progress marker). */
  | 'applying'
  | 'applied'
  /** Undo (after a failure, or a rollback) running now or killed while running. */
  | 'undoing'
  /** Undo finished with problems: files not restored; rollback tries again. */
  | 'incomplete'
  /** Failed, and every change was put back. */
  | 'restored'
  | 'rolled-back';

export interface ApplyRecord {
  id: string;
  dir: string;
  manifest: BackupManifest;
  status: ApplyStatus;
  /** Highest step that began (-1: none). */
  lastStep: number;
  /** When the status was reached (the journal line's time). */
  statusTime: string | null;
}

const JOURNAL = 'journal';

export function journalLine(fs: FsOps, dir: string, line: string): void {
  fs.append(join(dir, JOURNAL), `${new Date().toISOString()} ${line}\n`);
}

/** Reads a record; a folder from before journals existed is applied if `last-applied` names it. */
export function readRecord(root: string, id: string): ApplyRecord | null {
  const dir = statePath(root, 'backups', id);
  let manifest: BackupManifest;
  try {
    manifest = normalize(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>);
  } catch {
    return null; // no manifest: the apply died before its write-ahead record was complete
  }
  let status: ApplyStatus = 'applying';
  let lastStep = -1;
  let statusTime: string | null = null;
  let text: string | null = null;
  try {
    text = readFileSync(join(dir, JOURNAL), 'utf8');
  } catch {
    let legacy = '';
    try {
      legacy = readFileSync(statePath(root, 'last-applied'), 'utf8').trim();
    } catch {
      // never applied with an old version either
    }
    return {
      id,
      dir,
      manifest,
      status: legacy === id ? 'applied' : 'rolled-back',
      lastStep: manifest.steps.length - 1,
      statusTime: null,
    };
  }
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    const time = line.slice(0, sp);
    const what = line.slice(sp + 1);
    const step = /^step (\d+) begin/.exec(what);
    if (step) lastStep = Math.max(lastStep, Number(step[1]));
    const next: ApplyStatus | null =
      what === 'done'
        ? 'applied'
        : what === 'undo begin'
          ? 'undoing'
          : what === 'restored'
            ? 'restored'
            : what === 'rolled back'
              ? 'rolled-back'
              : what.startsWith('undo incomplete')
                ? 'incomplete'
                : null;
    if (next) {
      status = next;
      statusTime = time;
    }
  }
  return { id, dir, manifest, status, lastStep, statusTime };
}

/** Every recorded apply, oldest first. */
export function listRecords(root: string): ApplyRecord[] {
  let names: string[] = [];
  try {
    names = readdirSync(statePath(root, 'backups')).sort();
  } catch {
    return [];
  }
  return names.map((n) => readRecord(root, n)).filter((r): r is ApplyRecord => r !== null);
}

export interface Marker {
  id: string;
  pid: number;
  started: string;
}

/** The apply (or its undo) that is running or was killed: the in-progress marker. */
export function readMarker(root: string): Marker | null {
  try {
    return JSON.parse(readFileSync(statePath(root, 'in-progress'), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

export function writeMarker(fs: FsOps, root: string, m: Marker): void {
  fs.writeAtomic(statePath(root, 'in-progress'), `${JSON.stringify(m)}\n`);
}

export function clearMarker(fs: FsOps, root: string): void {
  fs.remove(statePath(root, 'in-progress'));
}

export interface Interrupted {
  record: ApplyRecord | null;
  marker: Marker;
  /** The marker's process still runs: an apply is in progress right now, not interrupted. */
  running: boolean;
}

/** An apply or rollback that was killed (or is running now), found from the marker. */
export function findInterrupted(root: string, holdingLock = false): Interrupted | null {
  const marker = readMarker(root);
  if (!marker) return null;
  const record = readRecord(root, marker.id);
  if (record && ['applied', 'restored', 'rolled-back'].includes(record.status)) {
    // Killed after its end but before the marker went: nothing is half-done (apply clears it).
    if (!holdingLock) return null;
  }
  // Whoever holds the lock knows no apply runs; otherwise a live pid means one runs right now.
  return { marker, record, running: !holdingLock && marker.pid !== process.pid && alive(marker.pid) };
}

/** One line for the operator about an interrupted apply (CLI warning, TUI dialog, check). */
export function describeInterrupted(i: Interrupted): string {
  const r = i.record;
  if (i.running) return `an apply is running right now (pid ${i.marker.pid}, started ${i.marker.started})`;
  if (!r)
    return `an apply started ${i.marker.started} was interrupted before it changed anything; 'pve-passthrough rollback' clears it`;
  const step =
    r.lastStep >= 0
      ? `at step ${r.lastStep + 1} of ${r.manifest.steps.length} (${r.manifest.steps[r.lastStep] ?? '?'})`
      : 'before its first step';
  const what = r.status === 'undoing' || r.status === 'incomplete' ? 'was being put back' : 'was interrupted';
  return `the apply of ${r.manifest.time} (${r.manifest.summary}) ${what} ${step}; the host may be half-changed: run 'pve-passthrough rollback' to put it back`;
}

export function newBackupDir(root: string, now: Date): { id: string; dir: string } {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let id = stamp;
  for (let i = 1; existsSync(statePath(root, 'backups', id)); i++) id = `${stamp}-${i}`;
  return { id, dir: statePath(root, 'backups', id) };
}

export function audit(fs: FsOps, root: string, now: Date, action: string, summary: string, result: string): void {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry
  }
  fs.append(statePath(root, 'history.log'), `${now.toISOString()}\t${user}\t${action}\t${summary}\t${result}\n`);
}

export interface HistoryEntry {
  time: string;
  user: string;
  action: string;
  summary: string;
  result: string;
}

export function readHistory(root: string): HistoryEntry[] {
  let text = '';
  try {
    text = readFileSync(statePath(root, 'history.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [time = '', user = '', action = '', summary = '', result = ''] = line.split('\t');
      return { time, user, action, summary, result };
    });
}
