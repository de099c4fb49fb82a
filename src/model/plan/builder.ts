// Accumulates one Plan: the current text of each file as edits pile up (several intents may
// touch the same file), ordered steps, reboot reasons, warnings and errors.
import type { FileEdit, Notice, Plan, PlanStep } from '../types.ts';

/** Step phases, so steps come out in a safe order whatever order the intents came in. */
// 'mapping': resource mappings created or extended after the VFs exist and before a VM names
// them; 'unmapping': deleted after the VMs that used them let go.
export type Phase = 'before-files' | 'files' | 'sysfs' | 'mapping' | 'vm' | 'unmapping' | 'boot' | 'initramfs';
const ORDER: Phase[] = ['files', 'sysfs', 'mapping', 'vm', 'unmapping', 'initramfs', 'boot'];

export class PlanBuilder {
  private readonly original: Record<string, string>;
  private readonly current = new Map<string, string | null>();
  private readonly reasons = new Map<string, string>();
  private readonly writers = new Map<string, FileEdit['writer']>();
  private readonly steps: Array<{
    phase: Phase;
    step: PlanStep | { kind: 'command-edit'; argv: string[]; reason: string; path: string; undoFirst?: string[] };
  }> = [];
  private readonly rebootReasons: string[] = [];
  private readonly modes = new Map<string, number>();
  readonly warnings: Notice[] = [];
  readonly errors: Notice[] = [];
  vfioIds: Plan['vfioIds'];

  constructor(files: Record<string, string>) {
    this.original = files;
  }

  read(path: string): string | null {
    return this.current.has(path) ? this.current.get(path)! : (this.original[path] ?? null);
  }

  /** Stage new content for a file we write directly. */
  write(path: string, after: string | null, reason: string, mode?: number): void {
    this.current.set(path, after);
    if (mode !== undefined) this.modes.set(path, mode);
    if (!this.reasons.has(path)) this.reasons.set(path, reason);
    this.writers.set(path, 'direct');
  }

  /**
   * A command that edits `path` (qm set, pvesh): shown as a diff, performed by the command.
   * `undoFirst`: the command that reverses it (run by an undo before the file is restored).
   */
  commandEdit(
    argv: string[],
    path: string,
    after: string,
    reason: string,
    opts: { phase?: Phase; undoFirst?: string[] } = {},
  ): void {
    this.current.set(path, after);
    this.reasons.set(path, reason);
    this.writers.set(path, 'command');
    this.steps.push({
      phase: opts.phase ?? 'vm',
      step: { kind: 'command-edit', argv, reason, path, ...(opts.undoFirst ? { undoFirst: opts.undoFirst } : {}) },
    });
  }

  step(phase: Phase, step: PlanStep): void {
    if (
      step.kind === 'command' &&
      this.steps.some((s) => s.step.kind === 'command' && s.step.argv.join(' ') === step.argv.join(' '))
    )
      return;
    this.steps.push({ phase, step });
  }

  reboot(reason: string): void {
    if (!this.rebootReasons.includes(reason)) this.rebootReasons.push(reason);
  }

  /** True once any part of the plan needs a reboot. */
  needsReboot(): boolean {
    return this.rebootReasons.length > 0;
  }

  warn(where: string, message: string): void {
    if (!this.warnings.some((w) => w.where === where && w.message === message)) this.warnings.push({ where, message });
  }

  error(where: string, message: string): void {
    if (!this.errors.some((w) => w.where === where && w.message === message)) this.errors.push({ where, message });
  }

  /** Paths whose content really changes. */
  changed(): string[] {
    return [...this.current.keys()].filter((p) => this.current.get(p) !== (this.original[p] ?? null));
  }

  build(): Plan {
    const edits: FileEdit[] = this.changed().map((path) => ({
      path,
      before: this.original[path] ?? null,
      after: this.current.get(path)!,
      reason: this.reasons.get(path) ?? '',
      writer: this.writers.get(path) ?? 'direct',
      ...(this.modes.has(path) ? { mode: this.modes.get(path)! } : {}),
    }));
    const index = new Map(edits.map((e, i) => [e.path, i]));
    const steps: PlanStep[] = [];
    // A command that needs a file this plan deletes (the recovery hook cleaning the ESPs).
    for (const s of this.steps) if (s.phase === 'before-files' && s.step.kind !== 'command-edit') steps.push(s.step);
    for (const e of edits) if (e.writer === 'direct') steps.push({ kind: 'write', editIndex: index.get(e.path)! });
    for (const phase of ORDER) {
      for (const s of this.steps.filter((x) => x.phase === phase)) {
        if (s.step.kind === 'command-edit') {
          const i = index.get(s.step.path);
          if (i !== undefined)
            steps.push({
              kind: 'command',
              argv: s.step.argv,
              reason: s.step.reason,
              editIndex: i,
              ...(s.step.undoFirst ? { undoFirst: s.step.undoFirst } : {}),
            });
        } else steps.push(s.step);
      }
    }
    return {
      edits,
      steps,
      rebootRequired: this.rebootReasons.length > 0,
      rebootReasons: this.rebootReasons,
      warnings: this.warnings,
      errors: this.errors,
      ...(this.vfioIds ? { vfioIds: this.vfioIds } : {}),
    };
  }
}
