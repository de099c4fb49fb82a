// Applies a Plan so that nothing is ever left half-done: lock, check nothing changed since the
// plan, back up every file first, run each step in order with a journal line, and on any
// failure put every file (and sysfs value) back and name the step and its output.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plan, PlanStep } from '../model/types.ts';
import { realFs, type FsOps } from './atomic.ts';
import type { CommandRunner } from './runner.ts';
import { LockHeld, audit, journal, lastBackup, newBackupDir, statePath, takeLock, type BackupManifest } from './state.ts';

export interface ApplyContext {
  root: string;
  runner: CommandRunner;
  onProgress?: (stepIndex: number, status: 'running' | 'done' | 'failed', detail?: string) => void;
  now?: () => Date;
  fs?: FsOps;
  /** For tests: the effective uid (defaults to process.getuid()). */
  uid?: number;
}

export interface ApplyResult {
  ok: boolean;
  /** Human summary, one paragraph. */
  message: string;
  backupDir: string | null;
  stepsRun: number;
  failedStep: { index: number; description: string; output: string } | null;
  rebootRequired: boolean;
  nextSteps: string[];
}

export function describeStep(plan: Plan, s: PlanStep): string {
  if (s.kind === 'write') {
    const e = plan.edits[s.editIndex]!;
    return `${e.after === null ? 'remove' : e.before === null ? 'create' : 'write'} /${e.path}`;
  }
  if (s.kind === 'sysfs') return `echo ${s.value} > /${s.path}`;
  return s.argv.join(' ');
}

export function planSummary(plan: Plan): string {
  return `${plan.edits.length} file(s), ${plan.steps.filter((s) => s.kind !== 'write').length} command/sysfs step(s)${plan.rebootRequired ? ', reboot needed' : ''}`;
}

const REFRESH = new Set(['update-initramfs', 'proxmox-boot-tool', 'update-grub']);

function refuse(message: string): ApplyResult {
  return { ok: false, message, backupDir: null, stepsRun: 0, failedStep: null, rebootRequired: false, nextSteps: [] };
}

/** Refuses before anything runs when this is a real node and we are not root. */
export function rootRefusal(root: string, uid: number | undefined): string | null {
  if (root === '/' && uid !== undefined && uid !== 0) return 'not running as root: changes to this node need root (run with sudo or as root)';
  return null;
}

export async function applyPlan(plan: Plan, ctx: ApplyContext): Promise<ApplyResult> {
  const fs = ctx.fs ?? realFs;
  const now = ctx.now ?? (() => new Date());
  const abs = (p: string) => join(ctx.root, p);
  const notRoot = rootRefusal(ctx.root, ctx.uid ?? process.getuid?.());
  if (notRoot) return refuse(notRoot);
  if (plan.errors.length) return refuse(`the plan has ${plan.errors.length} blocking error(s); nothing was changed:\n${plan.errors.map((e) => `  ${e.where}: ${e.message}`).join('\n')}`);
  if (!plan.steps.length) return { ...refuse('nothing to do: the host already matches'), ok: true };

  let release: () => void;
  try {
    release = takeLock(ctx.root);
  } catch (e) {
    return refuse(e instanceof LockHeld ? e.message : `cannot take the lock: ${(e as Error).message}`);
  }
  try {
    for (const e of plan.edits) {
      if (fs.read(abs(e.path)) !== e.before) {
        return refuse(`/${e.path} changed since the plan was made; nothing was changed. Review the plan again.`);
      }
    }
    const t = now();
    const backupDir = newBackupDir(ctx.root, t);
    const manifest: BackupManifest = {
      time: t.toISOString(),
      summary: planSummary(plan),
      files: plan.edits.map((e) => ({ path: e.path, existed: e.before !== null, mode: fs.mode(abs(e.path)), createdDir: e.before === null ? firstMissingDir(ctx.root, e.path) : null })),
      sysfs: plan.steps.filter((s) => s.kind === 'sysfs').map((s) => ({ path: (s as { path: string }).path, previous: (s as { previous: string | null }).previous })),
      refresh: plan.steps.filter((s) => s.kind === 'command' && REFRESH.has(s.argv[0]!)).map((s) => (s as { argv: string[] }).argv),
    };
    for (const e of plan.edits) {
      if (e.before === null) continue;
      const p = join(backupDir, 'files', e.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, e.before);
    }
    writeFileSync(join(backupDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    journal(ctx.root, `apply begin ${backupDir} ${manifest.summary}`);

    const sysfsDone: Array<{ path: string; previous: string | null }> = [];
    for (let i = 0; i < plan.steps.length; i++) {
      const s = plan.steps[i]!;
      const what = describeStep(plan, s);
      ctx.onProgress?.(i, 'running', what);
      journal(ctx.root, `step ${i} begin ${what}`);
      let output = '';
      try {
        if (s.kind === 'write') {
          const e = plan.edits[s.editIndex]!;
          if (e.after === null) fs.remove(abs(e.path));
          else fs.writeAtomic(abs(e.path), e.after, e.mode);
        } else if (s.kind === 'sysfs') {
          fs.writeAttr(abs(s.path), s.value);
          sysfsDone.push({ path: s.path, previous: s.previous });
        } else {
          const r = await ctx.runner.run(s.argv);
          output = `${r.stdout}${r.stderr}`.trim();
          if (r.exitCode !== 0) throw new Error(`exit code ${r.exitCode}${output ? `: ${output}` : ''}`);
        }
      } catch (err) {
        const msg = (err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ${(err as Error).message}` : (err as Error).message;
        ctx.onProgress?.(i, 'failed', msg);
        journal(ctx.root, `step ${i} failed ${msg}`);
        const restoreProblems = restoreFiles(ctx.root, backupDir, manifest, fs);
        restoreSysfs(ctx.root, sysfsDone, fs, restoreProblems);
        journal(ctx.root, `apply rolled back${restoreProblems.length ? ` with problems: ${restoreProblems.join('; ')}` : ''}`);
        audit(ctx.root, now(), 'apply', manifest.summary, `FAILED at step ${i + 1} (${what}); rolled back`);
        return {
          ok: false,
          message: `Step ${i + 1} of ${plan.steps.length} failed: ${what}\n${msg}\nEvery file written so far was put back${restoreProblems.length ? `, except: ${restoreProblems.join('; ')}` : ''}. Backups: ${backupDir}`,
          backupDir,
          stepsRun: i,
          failedStep: { index: i, description: what, output: msg },
          rebootRequired: false,
          nextSteps: ['Fix the cause above, then review and commit again.'],
        };
      }
      journal(ctx.root, `step ${i} done`);
      ctx.onProgress?.(i, 'done', output);
    }
    writeFileSync(statePath(ctx.root, 'last-applied'), `${backupDir.slice(backupDir.lastIndexOf('/') + 1)}\n`);
    journal(ctx.root, 'apply done');
    audit(ctx.root, now(), 'apply', manifest.summary, 'ok');
    const next: string[] = [];
    if (plan.rebootRequired) next.push(`Reboot the node: ${plan.rebootReasons.join('; ')}.`);
    for (const e of plan.edits.filter((x) => x.writer === 'command')) next.push(`${e.reason}: takes effect when the VM (re)starts.`);
    next.push('Undo with: pve-passthrough rollback');
    return {
      ok: true,
      message: `Applied ${planSummary(plan)}. Backups of every file touched: ${backupDir}`,
      backupDir,
      stepsRun: plan.steps.length,
      failedStep: null,
      rebootRequired: plan.rebootRequired,
      nextSteps: next,
    };
  } finally {
    release();
  }
}

function restoreFiles(root: string, backupDir: string, m: BackupManifest, fs: FsOps): string[] {
  const problems: string[] = [];
  for (const f of m.files) {
    const target = join(root, f.path);
    try {
      if (!f.existed) {
        fs.remove(target);
        if (f.createdDir) removeEmptyDirs(root, dirname(f.path), f.createdDir);
      } else {
        const saved = readFileSync(join(backupDir, 'files', f.path), 'utf8');
        if (fs.read(target) !== saved) fs.writeAtomic(target, saved, f.mode ?? undefined);
      }
    } catch (e) {
      problems.push(`/${f.path}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/** The topmost ancestor folder of `rel` that does not exist yet (null when the parent exists). */
function firstMissingDir(root: string, rel: string): string | null {
  let missing: string | null = null;
  for (let d = dirname(rel); d !== '.' && d !== '/'; d = dirname(d)) {
    if (existsSync(join(root, d))) break;
    missing = d;
  }
  return missing;
}

function removeEmptyDirs(root: string, from: string, upTo: string) {
  for (let d = from; d.length >= upTo.length && d !== '.'; d = dirname(d)) {
    try {
      rmdirSync(join(root, d));
    } catch {
      return; // not empty (someone else's file) or already gone
    }
  }
}

function restoreSysfs(root: string, done: Array<{ path: string; previous: string | null }>, fs: FsOps, problems: string[]) {
  for (const s of [...done].reverse()) {
    if (s.previous === null) continue;
    try {
      fs.writeAttr(join(root, s.path), s.previous);
    } catch (e) {
      problems.push(`/${s.path}: ${(e as Error).message}`);
    }
  }
}

/** Restores the files (and VF counts) of the last applied plan from its backups. */
export async function rollbackLast(ctx: ApplyContext): Promise<ApplyResult> {
  const fs = ctx.fs ?? realFs;
  const now = ctx.now ?? (() => new Date());
  const notRoot = rootRefusal(ctx.root, ctx.uid ?? process.getuid?.());
  if (notRoot) return refuse(notRoot);
  const dir = lastBackup(ctx.root);
  if (!dir) return refuse('nothing to roll back: no apply recorded on this host');
  let release: () => void;
  try {
    release = takeLock(ctx.root);
  } catch (e) {
    return refuse((e as Error).message);
  }
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    const problems = restoreFiles(ctx.root, dir, m, fs);
    // VF counts: back to what they were before the apply (through 0 when both are non-zero).
    const firstPrev = new Map<string, string | null>();
    for (const s of m.sysfs) if (!firstPrev.has(s.path)) firstPrev.set(s.path, s.previous);
    for (const [path, prev] of firstPrev) {
      if (prev === null) continue;
      try {
        const cur = fs.read(join(ctx.root, path))?.trim();
        if (cur !== prev) {
          if (cur && cur !== '0' && prev !== '0') fs.writeAttr(join(ctx.root, path), '0');
          fs.writeAttr(join(ctx.root, path), prev);
        }
      } catch (e) {
        problems.push(`/${path}: ${(e as Error).message}`);
      }
    }
    for (const argv of m.refresh) {
      const r = await ctx.runner.run(argv);
      if (r.exitCode !== 0) problems.push(`${argv.join(' ')}: exit ${r.exitCode} ${r.stderr.trim()}`);
    }
    writeFileSync(statePath(ctx.root, 'last-applied'), '');
    const result = problems.length ? `restored with problems: ${problems.join('; ')}` : 'ok';
    journal(ctx.root, `rollback ${dir} ${result}`);
    audit(ctx.root, now(), 'rollback', m.summary, result);
    return {
      ok: problems.length === 0,
      message: `Rolled back the apply of ${m.time} (${m.summary}) from ${dir}${problems.length ? `; problems: ${problems.join('; ')}` : ''}.`,
      backupDir: dir,
      stepsRun: m.files.length,
      failedStep: null,
      rebootRequired: m.refresh.length > 0,
      nextSteps: m.refresh.length ? ['Reboot the node so the boot configuration matches the restored files.'] : [],
    };
  } finally {
    release();
  }
}
