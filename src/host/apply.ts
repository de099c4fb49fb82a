// Applies a Plan so that the host is never left half-changed without a record of it:
// 1. lock; refuse while an interrupted apply is unresolved; resolve every target inside the root
//    (a link out is refused); check that files and live values are what the plan was made from;
// 2. write-ahead record, fsynced: the files as they are, what they will become, a manifest with
//    the hash of each before and after, then the in-progress marker;
// 3. run each step with a journal line before and after; everything, bookkeeping included, is
//    inside the undo scope: on any failure the files and live values are put back and the boot
//    artefacts rebuilt from them; 4. the journal's `done` line is the commit point.
// A kill at any point leaves the marker: the next start reports it and `rollback` finishes it.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeLossless } from '../model/bytes.ts';
import { unifiedDiff, type DiffLine } from '../model/diff.ts';
import { describeStep, planSummary, REFRESH_COMMANDS } from '../model/plan/describe.ts';
import type { Plan } from '../model/types.ts';
import { realFs, removeDeadTemps, type FsOps } from './atomic.ts';
import { OutsideRoot, resolveInRoot } from './rooted.ts';
import type { CommandRunner } from './runner.ts';
import {
  alive,
  audit,
  clearMarker,
  describeInterrupted,
  findInterrupted,
  journalLine,
  listRecords,
  LockHeld,
  newBackupDir,
  STATE_DIR,
  readRecord,
  sha256,
  takeLock,
  writeMarker,
  type ApplyRecord,
  type BackupManifest,
} from './state.ts';

export interface ApplyContext {
  root: string;
  runner: CommandRunner;
  onProgress?: (stepIndex: number, status: 'running' | 'done' | 'failed', detail?: string) => void;
  now?: () => Date;
  fs?: FsOps;
  /** For tests: the effective uid (defaults to process.getuid()). */
  uid?: number;
}

/**
 * ok: done as asked; nothing: nothing to do; refused: not started (lock, not root, interrupted
 * apply, a link out of the root, changed since the plan); blocked: the plan has errors, or a
 * rollback would overwrite changes made since (needs force); failed: started, then put back
 * (see message for anything that could not be).
 */
export type Outcome = 'ok' | 'nothing' | 'refused' | 'blocked' | 'failed';

export interface ApplyResult {
  ok: boolean;
  outcome: Outcome;
  /** Human summary, one paragraph. */
  message: string;
  backupDir: string | null;
  stepsRun: number;
  failedStep: { index: number; description: string; output: string } | null;
  rebootRequired: boolean;
  nextSteps: string[];
  /** Rollback only: files changed since the apply, as diffs of what the apply wrote -> now. */
  drift?: Array<{ path: string; diff: DiffLine[] }>;
}

const result = (outcome: Outcome, message: string, extra: Partial<ApplyResult> = {}): ApplyResult => ({
  ok: outcome === 'ok' || outcome === 'nothing',
  outcome,
  message,
  backupDir: null,
  stepsRun: 0,
  failedStep: null,
  rebootRequired: false,
  nextSteps: [],
  ...extra,
});

/** Refuses before anything runs when this is a real node and we are not root. */
export function rootRefusal(root: string, uid: number | undefined): string | null {
  if (root === '/' && uid !== undefined && uid !== 0)
    return 'not running as root: changes to this node need root (run with sudo or as root)';
  return null;
}

/** "cannot open /etc/x: no space left on device (ENOSPC)": operation and path, relative to the root. */
export function errorText(err: unknown, root: string): string {
  const e = err as NodeJS.ErrnoException;
  if (!e?.code) return (e as Error)?.message ?? String(err);
  const path = e.path && root !== '/' && e.path.startsWith(`${root}/`) ? e.path.slice(root.length) : e.path;
  const desc = /^[A-Z0-9_]+: ([^,]+)/.exec(e.message)?.[1] ?? e.message;
  return path ? `cannot ${e.syscall ?? 'write'} ${path}: ${desc} (${e.code})` : `${desc} (${e.code})`;
}

async function locked<T>(root: string, body: () => Promise<T>, refused: (msg: string) => T): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await takeLock(root);
  } catch (e) {
    return refused(e instanceof LockHeld ? e.message : `cannot take the lock: ${errorText(e, root)}`);
  }
  try {
    return await body();
  } finally {
    await release();
  }
}

/**
 * The interrupted apply on this root, if any, once a marker whose apply reached an end (killed
 * after its commit point, before cleanup) is cleared; one that cannot be cleared still counts.
 */
function unsettledApply(fs: FsOps, root: string): ReturnType<typeof findInterrupted> {
  const i = findInterrupted(root, true);
  if (!i?.record || !['applied', 'restored', 'rolled-back'].includes(i.record.status)) return i;
  try {
    clearMarker(fs, root);
    return null;
  } catch {
    return i;
  }
}

export async function applyPlan(plan: Plan, ctx: ApplyContext): Promise<ApplyResult> {
  const fs = ctx.fs ?? realFs;
  const now = ctx.now ?? (() => new Date());
  const root = ctx.root;
  const notRoot = rootRefusal(root, ctx.uid ?? process.getuid?.());
  if (notRoot) return result('refused', notRoot);
  if (plan.errors.length)
    return result(
      'blocked',
      `the plan has ${plan.errors.length} blocking error(s); nothing was changed:\n${plan.errors.map((e) => `  ${e.where}: ${e.message}`).join('\n')}`,
    );

  return locked(
    root,
    async () => {
      const interrupted = unsettledApply(fs, root);
      if (interrupted) return result('refused', `${describeInterrupted(interrupted)}. Nothing was changed.`);
      // Only now: a plan that is empty because a killed apply already wrote its files is no proof.
      if (!plan.steps.length) return result('nothing', 'nothing to do: the host already matches');

      // Every target inside the root, and still what the plan was made from, before anything is written.
      let targets: string[];
      let attrs: string[];
      try {
        targets = plan.edits.map((e) => resolveInRoot(root, e.path));
        attrs = plan.steps.map((s) => (s.kind === 'sysfs' ? resolveInRoot(root, s.path) : ''));
        const changed = changedSincePlan(plan, targets, attrs, fs);
        if (changed) return result('refused', `${changed}; nothing was changed. Review the plan again.`);
        for (const dir of new Set(targets.map((t) => dirname(t)))) removeDeadTemps(dir, alive, fs);
      } catch (e) {
        // A link out of the root is a refusal; an unreadable target is a failure (nothing changed either way).
        return result(e instanceof OutsideRoot ? 'refused' : 'failed', `${errorText(e, root)}. Nothing was changed.`);
      }

      // The write-ahead record. Until the marker exists nothing on the host has changed.
      const t = now();
      const { id, dir } = newBackupDir(root, t);
      const steps = plan.steps.map((s) => describeStep(plan, s));
      const manifest: BackupManifest = {
        version: 2,
        time: t.toISOString(),
        summary: planSummary(plan),
        files: plan.edits.map((e, k) => ({
          path: e.path,
          existed: e.before !== null,
          mode: fs.mode(targets[k]!),
          createdDir: e.before === null ? firstMissingDir(root, e.path) : null,
          before: sha256(fs.readBytes(targets[k]!)),
          after: e.after === null ? null : sha256(encodeLossless(e.after)), // the bytes the write will make
        })),
        sysfs: plan.steps.flatMap((s, i) =>
          s.kind === 'sysfs' ? [{ path: s.path, previous: s.previous, value: s.value, step: i }] : [],
        ),
        refresh: plan.steps.flatMap((s, i) =>
          s.kind === 'command' && REFRESH_COMMANDS.has(s.argv[0]!) ? [{ argv: s.argv, step: i }] : [],
        ),
        undo: plan.steps.flatMap((s, i) =>
          s.kind === 'command' && (s.undoFirst || s.undoLast)
            ? [{ step: i, first: s.undoFirst, last: s.undoLast }]
            : [],
        ),
        steps,
      };
      try {
        fs.mkdirp(join(dir, 'files'));
        for (const [k, e] of plan.edits.entries()) {
          if (e.before !== null) fs.writeAtomic(join(dir, 'files', e.path), fs.readBytes(targets[k]!)!);
          if (e.after !== null && e.writer === 'direct') fs.writeAtomic(join(dir, 'after', e.path), e.after);
        }
        fs.writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        writeMarker(fs, root, { id, pid: process.pid, started: t.toISOString() });
      } catch (e) {
        const why = errorText(e, root);
        try {
          clearMarker(fs, root);
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // the record is incomplete without a marker: nothing refers to it
        }
        return result('failed', `Could not write the backups before changing anything (${why}); nothing was changed.`, {
          nextSteps: ['Free space under /var/lib/pve-passthrough (or fix the cause above), then commit again.'],
        });
      }

      let current = -1;
      let output = '';
      try {
        journalLine(fs, dir, `begin ${manifest.summary}`);
        for (const [i, s] of plan.steps.entries()) {
          current = i;
          output = '';
          journalLine(fs, dir, `step ${i} begin ${steps[i]}`);
          ctx.onProgress?.(i, 'running', steps[i]);
          if (s.kind === 'write') {
            const e = plan.edits[s.editIndex]!;
            if (e.after === null) fs.remove(targets[s.editIndex]!);
            else fs.writeAtomic(targets[s.editIndex]!, e.after, e.mode);
          } else if (s.kind === 'sysfs') {
            fs.writeAttr(attrs[i]!, s.value);
          } else {
            const r = await ctx.runner.run(s.argv);
            output = `${r.stdout}${r.stderr}`.trim();
            if (r.exitCode !== 0) throw new Error(`exit code ${r.exitCode}${output ? `: ${output}` : ''}`);
            // What the command really wrote (qm set), so a later rollback can tell it from an edit.
            if (s.editIndex !== undefined && plan.edits[s.editIndex]!.after !== null) {
              const written = fs.readBytes(targets[s.editIndex]!);
              if (written) fs.writeAtomic(join(dir, 'after', plan.edits[s.editIndex]!.path), written);
            }
          }
          journalLine(fs, dir, `step ${i} done`);
          ctx.onProgress?.(i, 'done', output);
        }
        journalLine(fs, dir, 'done'); // the commit point
      } catch (err) {
        const msg = errorText(err, root);
        ctx.onProgress?.(current, 'failed', msg);
        const record = { id, dir, manifest, status: 'applying' as const, lastStep: current, statusTime: null };
        const undone = await undo(ctx, fs, record, `step ${current} failed ${msg.replace(/\n/g, ' ')}`);
        tryAudit(
          fs,
          root,
          now(),
          'apply',
          manifest.summary,
          `FAILED at step ${current + 1} (${steps[current]}); ${undone.filesOk ? 'put back' : 'NOT fully put back'}`,
        );
        return result(
          'failed',
          `Step ${current + 1} of ${plan.steps.length} failed: ${steps[current]}\n${msg}\n${undone.summary}\nBackups: ${dir}`,
          {
            backupDir: dir,
            stepsRun: current,
            failedStep: { index: current, description: steps[current]!, output: msg },
            nextSteps: [...undone.nextSteps, 'Fix the cause above, then review and commit again.'],
          },
        );
      }

      const warnings: string[] = [];
      try {
        clearMarker(fs, root);
      } catch (e) {
        warnings.push(`the in-progress marker could not be removed (${errorText(e, root)}); the next start clears it`);
      }
      if (!tryAudit(fs, root, now(), 'apply', manifest.summary, 'ok'))
        warnings.push('the history log could not be written');
      const next: string[] = [];
      if (plan.rebootRequired) next.push(`Reboot the node: ${plan.rebootReasons.join('; ')}.`);
      for (const e of plan.edits.filter((x) => x.writer === 'command' && x.path.startsWith('etc/pve/qemu-server/')))
        next.push(`${e.reason}: takes effect when the VM (re)starts.`);
      next.push('Undo with: pve-passthrough rollback');
      return result(
        'ok',
        `Applied ${manifest.summary}. Backups of every file touched: ${dir}${warnings.length ? `\nNote: ${warnings.join('; ')}.` : ''}`,
        {
          backupDir: dir,
          stepsRun: plan.steps.length,
          rebootRequired: plan.rebootRequired,
          nextSteps: next,
        },
      );
    },
    (msg) => result('refused', msg),
  );
}

/** Files and live values (VF counts) the plan was made from, read again under the lock. */
function changedSincePlan(plan: Plan, targets: string[], attrs: string[], fs: FsOps): string | null {
  for (const [k, e] of plan.edits.entries())
    if (fs.read(targets[k]!) !== e.before) return `/${e.path} changed since the plan was made`;
  const seen = new Set<string>();
  for (const [i, s] of plan.steps.entries()) {
    if (s.kind !== 'sysfs' || seen.has(s.path)) continue;
    seen.add(s.path);
    const cur = fs.read(attrs[i]!)?.trim() ?? null;
    if (s.previous !== null && cur !== s.previous)
      return `/${s.path} is ${cur ?? 'gone'} now, the plan was made when it was ${s.previous}`;
  }
  return null;
}

function tryAudit(fs: FsOps, root: string, t: Date, action: string, summary: string, res: string): boolean {
  try {
    audit(fs, root, t, action, summary, res);
    return true;
  } catch {
    return false;
  }
}

interface Undone {
  problems: string[];
  filesOk: boolean;
  summary: string;
  nextSteps: string[];
  rebootRequired: boolean;
}

/**
 * Puts back what the steps up to record.lastStep changed: files from their backups (a file
 * already as it was is left alone, so undo can be killed and run again), VF counts, then the
 * refresh commands that had run, so the initramfs and boot entries match the restored files.
 */
async function undo(ctx: ApplyContext, fs: FsOps, record: ApplyRecord, why: string): Promise<Undone> {
  const root = ctx.root;
  const { dir, manifest: m } = record;
  const problems: string[] = [];
  try {
    journalLine(fs, dir, `undo begin (${why})`);
  } catch (e) {
    problems.push(`journal: ${errorText(e, root)}`); // the undo goes on: it matters more than its record
  }
  const begun = (m.undo ?? []).filter((u) => u.step <= record.lastStep);
  const notUndone: string[] = [];
  const runUndo = async (argv: string[]) => {
    try {
      const r = await ctx.runner.run(argv);
      if (r.exitCode !== 0) throw new Error(`exit code ${r.exitCode}: ${`${r.stdout}${r.stderr}`.trim()}`);
    } catch (e) {
      notUndone.push(argv.join(' '));
      problems.push(`${argv.join(' ')} failed (${(e as Error).message})`);
    }
  };
  for (const u of [...begun].reverse()) if (u.first) await runUndo(u.first);
  for (const f of m.files) {
    try {
      const target = resolveInRoot(root, f.path);
      const saved = f.existed ? fs.readBytes(join(dir, 'files', f.path)) : null;
      if (f.existed && saved === null) throw new Error(`its backup ${join(dir, 'files', f.path)} is missing`);
      const cur = fs.readBytes(target);
      if (!(cur === null ? saved === null : saved !== null && cur.equals(saved))) {
        if (saved === null) fs.remove(target);
        else fs.writeAtomic(target, saved, f.mode ?? undefined);
      }
      if (saved === null && f.createdDir) {
        for (let d = dirname(f.path); d.length >= f.createdDir.length && d !== '.'; d = dirname(d))
          if (!fs.rmdirEmpty(resolveInRoot(root, d))) break;
      }
      removeDeadTemps(dirname(target), (pid) => pid !== process.pid && alive(pid), fs);
    } catch (e) {
      problems.push(`/${f.path} not restored (${errorText(e, root)}); its backup: ${join(dir, 'files', f.path)}`);
    }
  }
  // VF counts back to what they were before the first write (through 0: the kernel refuses N -> M).
  const firstPrev = new Map<string, string | null>();
  for (const s of m.sysfs) if (s.step <= record.lastStep && !firstPrev.has(s.path)) firstPrev.set(s.path, s.previous);
  for (const [path, prev] of [...firstPrev].reverse()) {
    if (prev === null) continue;
    try {
      const attr = resolveInRoot(root, path);
      const cur = fs.read(attr)?.trim();
      if (cur !== prev) {
        if (cur && cur !== '0' && prev !== '0') fs.writeAttr(attr, '0');
        fs.writeAttr(attr, prev);
      }
    } catch (e) {
      problems.push(`/${path} not set back to ${prev} (${errorText(e, root)})`);
    }
  }
  const rerun = m.refresh.filter((r) => r.step <= record.lastStep);
  const refreshed: string[] = [];
  const notRefreshed: string[] = [];
  for (const { argv } of rerun) {
    try {
      const r = await ctx.runner.run(argv);
      if (r.exitCode !== 0) throw new Error(`exit code ${r.exitCode}: ${`${r.stdout}${r.stderr}`.trim()}`);
      refreshed.push(argv.join(' '));
    } catch (e) {
      notRefreshed.push(argv.join(' '));
      problems.push(`${argv.join(' ')} failed again (${(e as Error).message})`);
    }
  }
  for (const u of begun) if (u.last) await runUndo(u.last);
  notRefreshed.push(...notUndone);
  const filesOk = !problems.some((p) => p.startsWith('/'));
  try {
    // A refresh that fails again leaves the files restored: the marker goes, the message says what to run.
    journalLine(
      fs,
      dir,
      filesOk
        ? `restored${notRefreshed.length ? ` (not re-run: ${notRefreshed.join(', ')})` : ''}`
        : `undo incomplete: ${problems.join('; ')}`,
    );
    if (filesOk) clearMarker(fs, root);
  } catch (e) {
    // The marker stays: the next start reports the apply and rollback finishes (nothing left to do).
    problems.push(`/${STATE_DIR}: ${errorText(e, root)}`);
  }
  const parts = [
    filesOk
      ? 'Every file and value changed so far was put back.'
      : `NOT everything could be put back:\n  ${problems.filter((p) => p.startsWith('/')).join('\n  ')}`,
  ];
  if (refreshed.length) parts.push(`Rebuilt the boot files from the restored configuration: ${refreshed.join(', ')}.`);
  if (notRefreshed.length)
    parts.push(`The boot files may still hold the new configuration: run by hand: ${notRefreshed.join(' && ')}`);
  const nextSteps: string[] = [];
  if (!filesOk)
    nextSteps.push('Free space or fix the cause, then run: pve-passthrough rollback (it finishes this undo).');
  if (notRefreshed.length) nextSteps.push(`Run: ${notRefreshed.join(' && ')}`);
  return { problems, filesOk, summary: parts.join('\n'), nextSteps, rebootRequired: refreshed.length > 0 };
}

/** Files the apply wrote that someone changed since: what the apply wrote -> what is there now. */
function driftOf(root: string, fs: FsOps, record: ApplyRecord): Array<{ path: string; diff: DiffLine[] }> {
  const out: Array<{ path: string; diff: DiffLine[] }> = [];
  for (const f of record.manifest.files) {
    let target: string;
    try {
      target = resolveInRoot(root, f.path);
    } catch {
      continue; // reported by the undo itself
    }
    const cur = fs.readBytes(target);
    const saved = f.existed ? fs.readBytes(join(record.dir, 'files', f.path)) : null;
    if (cur === null ? saved === null : saved !== null && cur.equals(saved)) continue; // as before the apply
    const wrote = fs.readBytes(join(record.dir, 'after', f.path));
    if (wrote ? cur !== null && cur.equals(wrote) : sha256(cur) === f.after) continue; // as the apply left it
    if (f.after === null && cur === null) continue;
    const was = wrote ? fs.read(join(record.dir, 'after', f.path)) : null;
    out.push({ path: f.path, diff: unifiedDiff(was, fs.read(target), f.path) });
  }
  return out;
}

export interface RollbackOptions {
  /** Which apply (a backup folder name, see rollback --list); default: the interrupted one, else the last applied. */
  id?: string;
  /** Overwrite files changed since the apply. */
  force?: boolean;
}

/** Undoes an apply from its write-ahead record: the interrupted one first, else the last applied. */
export async function rollback(ctx: ApplyContext, opts: RollbackOptions = {}): Promise<ApplyResult> {
  const fs = ctx.fs ?? realFs;
  const now = ctx.now ?? (() => new Date());
  const root = ctx.root;
  const notRoot = rootRefusal(root, ctx.uid ?? process.getuid?.());
  if (notRoot) return result('refused', notRoot);
  return locked(
    root,
    async () => {
      const interrupted = unsettledApply(fs, root);
      let record: ApplyRecord | null;
      if (interrupted) {
        if (!interrupted.record) {
          clearMarker(fs, root); // died before its record was complete: nothing on the host changed
          return result(
            'nothing',
            'An apply had been interrupted before it changed anything; its marker is cleared. Nothing else to roll back.',
          );
        }
        if (opts.id && opts.id !== interrupted.record.id)
          return result(
            'refused',
            `first roll back the interrupted apply ${interrupted.record.id}: ${describeInterrupted(interrupted)}`,
          );
        record = interrupted.record;
      } else if (opts.id) {
        record = readRecord(root, opts.id);
        if (!record) return result('refused', `no apply '${opts.id}' on record (see: pve-passthrough rollback --list)`);
        if (record.status !== 'applied' && record.status !== 'incomplete')
          return result('nothing', `nothing to roll back: the apply ${record.id} is ${statusWords(record)}.`);
      } else {
        const all = listRecords(root);
        record = [...all].reverse().find((r) => r.status === 'applied' || r.status === 'incomplete') ?? null;
        if (!record) {
          const last = all.at(-1);
          return result(
            'nothing',
            `Nothing to roll back: no apply is in effect on this host${last ? ` (the last one, ${last.manifest.time}, ${last.manifest.summary}, ${statusWords(last)})` : ''}.`,
          );
        }
      }
      const drift = driftOf(root, fs, record);
      if (drift.length && !opts.force) {
        return result(
          'blocked',
          `Not rolled back: ${drift.length} file(s) changed since the apply of ${record.manifest.time}: ${drift.map((d) => `/${d.path}`).join(', ')}. Rolling back would drop those changes; nothing was changed. Look at the difference below, then run again with --force to restore the backups anyway.`,
          { backupDir: record.dir, drift },
        );
      }
      const lastStep = record.status === 'applied' ? record.manifest.steps.length - 1 : record.lastStep;
      const target = { ...record, lastStep };
      try {
        if (!interrupted) writeMarker(fs, root, { id: record.id, pid: process.pid, started: now().toISOString() });
      } catch (e) {
        return result(
          'failed',
          `Could not record the rollback before starting (${errorText(e, root)}); nothing was changed.`,
        );
      }
      const undone = await undo(ctx, fs, target, interrupted ? 'rollback of an interrupted apply' : 'rollback');
      if (undone.filesOk) {
        try {
          journalLine(fs, record.dir, 'rolled back');
        } catch {
          // the undo itself is complete; its status reads as 'restored'
        }
      }
      tryAudit(
        fs,
        root,
        now(),
        'rollback',
        record.manifest.summary,
        undone.problems.length ? `restored with problems: ${undone.problems.join('; ')}` : 'ok',
      );
      const what = interrupted
        ? `the interrupted apply of ${record.manifest.time}`
        : `the apply of ${record.manifest.time}`;
      return result(
        undone.filesOk ? 'ok' : 'failed',
        `Rolled back ${what} (${record.manifest.summary}) from ${record.dir}.\n${undone.summary}`,
        {
          backupDir: record.dir,
          stepsRun: record.manifest.files.length,
          rebootRequired: undone.rebootRequired,
          nextSteps: [
            ...undone.nextSteps,
            ...(undone.rebootRequired ? ['Reboot the node so the running system matches the restored files.'] : []),
          ],
        },
      );
    },
    (msg) => result('refused', msg),
  );
}

export function statusWords(r: ApplyRecord): string {
  switch (r.status) {
    case 'rolled-back':
      return `was rolled back${r.statusTime ? ` at ${r.statusTime}` : ''}`;
    case 'restored':
      return `failed and was put back${r.statusTime ? ` at ${r.statusTime}` : ''}`;
    case 'applied':
      return 'in effect';
    default:
      return 'unfinished';
  }
}

/** The topmost ancestor folder of `rel` that does not exist yet (null when the parent exists). */
function firstMissingDir(root: string, rel: string): string | null {
  let missing: string | null = null;
  for (let d = dirname(rel); d !== '.' && d !== '/'; d = dirname(d)) {
    if (realFs.mode(resolveInRoot(root, d)) !== null) break;
    missing = d;
  }
  return missing;
}
