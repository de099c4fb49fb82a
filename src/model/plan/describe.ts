// One description of a plan's steps, used by the pending pane, `plan`, the progress dialog and
// the apply journal, so the operator reads the same words everywhere.
import type { Plan, PlanStep } from '../types.ts';

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

/** `; written by qm set` (or pvesh ...) for a file a command writes, '' for one written directly. */
export function writtenBy(plan: Plan, editIndex: number): string {
  if (plan.edits[editIndex]?.writer !== 'command') return '';
  const s = plan.steps.find((x) => x.kind === 'command' && x.editIndex === editIndex);
  return `; written by ${s?.kind === 'command' ? s.argv.slice(0, 2).join(' ') : 'a command'}`;
}
