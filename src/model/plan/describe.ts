// One description of a plan (and of its steps), used by the pending pane, `plan`, the progress
// dialog and the apply journal, so the operator reads the same words everywhere.
import { unifiedDiff } from '../diff.ts';
import type { Plan, PlanStep } from '../types.ts';
import { describeVfioIdsChange } from '../vfio-ids.ts';

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

/** Commands that push files into the initramfs or the boot entries: re-run after a restore. */
export const REFRESH_COMMANDS = new Set(['update-initramfs', 'proxmox-boot-tool', 'update-grub']);

/** What a line of a described plan is, so each renderer styles it (colour, indent) its own way. */
export type PlanLineRole =
  | 'file' // a file the plan writes, with why
  | 'diff-header' // --- a/... +++ b/...
  | 'hunk'
  | 'context'
  | 'add'
  | 'del'
  | 'heading' // "Steps, in order:"
  | 'step'
  | 'vfio-ids' // the vfio-pci ids= at boot, before and after
  | 'reboot'
  | 'no-reboot'
  | 'nothing' // the host already matches
  | 'warning'
  | 'error'
  | 'blank';

export interface PlanLine {
  role: PlanLineRole;
  text: string;
}

/**
 * The one description of a plan, in order: each file with its unified diff, the steps, the
 * vfio-pci ids change, reboot or not, warnings, blocking errors. `plan` prints it and the TUI's
 * pending pane shows it, with the same words.
 */
export function describePlan(plan: Plan): PlanLine[] {
  const out: PlanLine[] = [];
  const line = (role: PlanLineRole, text = '') => out.push({ role, text });
  if (!plan.edits.length && !plan.steps.length && !plan.errors.length) {
    // Warnings about changes that are already true would only be noise here.
    line('nothing', 'Nothing to do: the host already matches what was asked.');
    return out;
  }
  for (const [k, e] of plan.edits.entries()) {
    line('file', `/${e.path}  (${e.reason}${writtenBy(plan, k)})`);
    for (const l of unifiedDiff(e.before, e.after, e.path)) line(l.kind === 'header' ? 'diff-header' : l.kind, l.text);
    line('blank');
  }
  if (plan.steps.length) {
    line('heading', 'Steps, in order:');
    plan.steps.forEach((s, i) => line('step', `  ${i + 1}. ${describeStep(plan, s)}`));
    line('blank');
  }
  if (plan.vfioIds) line('vfio-ids', describeVfioIdsChange(plan.vfioIds));
  if (plan.rebootRequired) line('reboot', `Reboot needed: ${plan.rebootReasons.join('; ')}`);
  else line('no-reboot', 'No reboot needed.');
  for (const w of plan.warnings) line('warning', `warning: ${w.where}: ${w.message}`);
  for (const e of plan.errors) line('error', `error: ${e.where}: ${e.message}`);
  return out;
}

/** `; written by qm set` (or pvesh ...) for a file a command writes, '' for one written directly. */
export function writtenBy(plan: Plan, editIndex: number): string {
  if (plan.edits[editIndex]?.writer !== 'command') return '';
  const s = plan.steps.find((x) => x.kind === 'command' && x.editIndex === editIndex);
  return `; written by ${s?.kind === 'command' ? s.argv.slice(0, 2).join(' ') : 'a command'}`;
}
