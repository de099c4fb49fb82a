// `check`: the pre-flight checks for a human (each problem, where, and the fix) or as JSON.
// Exits 3 when any finding is an error, so a cron job or a hook can act on it.
import { checkHost, findingsSummary, type Finding } from '../model/checks.ts';
import type { HostSnapshot } from '../model/types.ts';
import { bold, paint, wantsColour } from '../ui/theme.ts';
import { parseArgs, rootArg } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { loadHost } from './load-host.ts';
import { runGuarded } from './run-guarded.ts';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'pre-flight checks: VMs that will not start, devices in two VMs, boot risks, drift',
  usage: `Usage: pve-passthrough check [--root DIR] [--json]

Check the node as it is now for what Proxmox only finds when a VM starts, or never: hostpci
addresses with no device behind them (a card moved, a VF count dropped), mappings that are
undefined, not for this node or point at another card, pcie=1 without q35, VMs that start at
boot with a device from a host-critical group, one device or one IOMMU group in several VMs,
OVMF without an EFI disk, IOMMU or interrupt remapping off, vfio-pci ids that match nothing
or that the host driver won. Each problem comes with its fix. Nothing is changed.

Options:
  --root DIR   read this root tree instead of / (a fixture or a copy of a node)
  --json       {"errors": N, "warnings": N, "findings": [{severity, where, message, fix,
               addresses, line: {vmid, slot} or null}]}
  -h, --help   this text

Exit codes: 0 no errors (warnings may be printed), 1 the root could not be read, 2 bad usage
(unknown option, stray argument, --root not a folder), 3 at least one error.
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['json'], values: ['root'] }, 'check');
      const { snapshot } = await loadHost(rootArg(p) ?? '/');
      const findings = checkHost(snapshot);
      const errors = findings.filter((f) => f.severity === 'error').length;
      if (p.flags.has('json')) io.stdout.write(`${JSON.stringify({ errors, warnings: findings.length - errors, findings }, null, 2)}\n`);
      else io.stdout.write(formatFindings(snapshot, findings, wantsColour(io.stdout, io.env)));
      return errors ? EXIT.blocked : EXIT.ok;
    }),
};

export function formatFindings(s: HostSnapshot, findings: Finding[], colour: boolean): string {
  const passing = s.vms.filter((v) => v.hostpci.length).length;
  const out = [`${bold(colour, `Node ${s.nodeName}`)}: ${findingsSummary(findings)} (${s.vms.length} VMs, ${passing} with PCI devices)`];
  for (const f of findings) {
    const label = f.severity === 'error' ? paint(colour, 'red', 'ERROR') : paint(colour, 'yellow', 'WARN ');
    out.push('', `${label}  ${bold(colour, f.where)}`, `       ${f.message}`, `       ${paint(colour, 'cyan', 'fix:')} ${f.fix}`);
  }
  return `${out.join('\n')}\n`;
}
