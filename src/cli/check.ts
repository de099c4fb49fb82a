// `check`: the pre-flight checks for a human (each problem, where, and the fix) or as JSON.
// Exits 3 when any finding is an error, so a cron job or a hook can act on it.
import { checkHost, findingsSummary, type Finding } from '../model/checks.ts';
import { checkPlan } from '../model/planned.ts';
import type { HostSnapshot, Notice } from '../model/types.ts';
import { bold, paint, wantsColour } from '../ui/theme.ts';
import { parseArgs, rootArg } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { INTENT_VALUES, intentsFromArgs } from './intent-flags.ts';
import { loadHost } from './load-host.ts';
import { runGuarded } from './run-guarded.ts';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'pre-flight checks: VMs that will not start, devices in two VMs, boot risks, drift',
  usage: `Usage: pve-passthrough check [--root DIR] [changes...] [--json]

Check the node as it is now for what Proxmox only finds when a VM starts, or never: hostpci
addresses with no device behind them (a card moved, a VF count dropped), mappings that are
undefined, not for this node or point at another card, mapping entries Proxmox refuses (no
subsystem-id or iommugroup where the device has one: an error when a VM uses the mapping, a
warning when none does yet), pcie=1 without q35, VMs that start at
boot with a device from a host-critical group, one device or one IOMMU group in several VMs,
OVMF without an EFI disk, IOMMU or interrupt remapping off, vfio-pci ids that match nothing
or that the host driver won (by id or by address). Each problem comes with its fix. Nothing
is changed.

With changes (the same --reserve, --release, --vfs, --vf, --assign, --unassign, --mapping, --unmap
and --force as plan),
the checks run on the node as that plan would leave it once committed and rebooted: findings
only the plan brings are marked (plan), those it resolves (resolved by the plan) and are not
counted.

Options:
  --root DIR   read this root tree instead of / (a fixture or a copy of a node)
  --json       {"errors": N, "warnings": N, "findings": [{severity, where, message, fix,
               addresses, line: {vmid, slot} or null, plan: "new" or "resolved" (with
               changes only)}], "planErrors": [{where, message}] (with changes only)}
  -h, --help   this text

Exit codes: 0 no errors (warnings may be printed), 1 the root could not be read, 2 bad usage
(unknown option, stray argument, --root not a folder), 3 at least one error (with changes:
also when the plan itself is blocked).
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['json', 'force'], values: ['root'], repeatable: INTENT_VALUES }, 'check');
      const { snapshot } = await loadHost(rootArg(p) ?? '/');
      const intents = intentsFromArgs(p, snapshot);
      const checked = intents.length ? checkPlan(snapshot, intents) : null;
      const findings = checked ? checked.findings : checkHost(snapshot);
      const counted = findings.filter((f) => f.plan !== 'resolved');
      const errors = counted.filter((f) => f.severity === 'error').length;
      const planErrors = checked?.plan.errors ?? [];
      if (p.flags.has('json'))
        io.stdout.write(
          `${JSON.stringify({ errors, warnings: counted.length - errors, findings, ...(checked ? { planErrors } : {}) }, null, 2)}\n`,
        );
      else
        io.stdout.write(
          formatFindings(
            snapshot,
            findings,
            wantsColour(io.stdout, io.env),
            checked ? { changes: intents.length, planErrors } : undefined,
          ),
        );
      return errors || planErrors.length ? EXIT.blocked : EXIT.ok;
    }),
};

export function formatFindings(
  s: HostSnapshot,
  findings: Finding[],
  colour: boolean,
  planned?: { changes: number; planErrors: Notice[] },
): string {
  const passing = s.vms.filter((v) => v.hostpci.length).length;
  const node = planned
    ? `Node ${s.nodeName} as the plan (${planned.changes} change${planned.changes === 1 ? '' : 's'}) would leave it`
    : `Node ${s.nodeName}`;
  const out = [
    `${bold(colour, node)}: ${findingsSummary(findings)} (${s.vms.length} VMs, ${passing} with PCI devices)`,
  ];
  if (planned?.planErrors.length) {
    out.push(
      `${paint(colour, 'red', 'The plan itself is blocked')} (it would not be applied):`,
      ...planned.planErrors.map((e) => `  ${e.where}: ${e.message}`),
    );
  }
  for (const f of findings) {
    const label =
      f.plan === 'resolved'
        ? paint(colour, 'green', 'FIXED')
        : f.severity === 'error'
          ? paint(colour, 'red', 'ERROR')
          : paint(colour, 'yellow', 'WARN ');
    const tag = f.plan === 'new' ? ' (plan)' : f.plan === 'resolved' ? ' (resolved by the plan)' : '';
    out.push(
      '',
      `${label}  ${bold(colour, f.where)}${tag}`,
      `       ${f.message}`,
      ...(f.plan === 'resolved' ? [] : [`       ${paint(colour, 'cyan', 'fix:')} ${f.fix}`]),
    );
  }
  return `${out.join('\n')}\n`;
}
