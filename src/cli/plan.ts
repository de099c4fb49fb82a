// `plan` and `apply`: the same engine as the TUI, from flags.
import { applyPlan } from '../host/apply.ts';
import { planChanges } from '../model/plan/index.ts';
import { wantsColour } from '../ui/theme.ts';
import { lastValue, parseArgs } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { formatPlan } from './format-plan.ts';
import { INTENT_VALUES, intentsFromArgs } from './intent-flags.ts';
import { loadHost } from './load-host.ts';
import { runGuarded } from './run-guarded.ts';

const FLAGS_HELP = `  --root DIR              the root tree to read and change (default /)
  --reserve ADDR          reserve a device for vfio-pci at boot (repeatable)
  --release ADDR          give a reserved device back to its host driver
  --vfs ADDR=N            set the number of SR-IOV virtual functions of a PF (0..sriov_totalvfs)
  --assign ADDR=VMID[,pcie=1,x-vga=1,rombar=0,all-functions=1]
                          add the device to a VM as the first free hostpciN (pcie on by default)
  --unassign VMID:hostpciN  remove a hostpci entry
  --force                 reserve even in a host-critical group (the host loses those devices)
  --json                  print the plan as JSON
`;

const EXITS = `Exit codes: 0 ok, 1 failure (rolled back), 2 bad usage, 3 plan blocked or not confirmed,
4 refused (not root, another instance holds the lock).
`;

export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'show what staged changes would do: diffs, commands, reboot, warnings',
  usage: `Usage: pve-passthrough plan [--root DIR] [changes...] [--json]

Print the plan for the given changes without touching anything: every file diff, every
command in order, whether a reboot is needed, warnings and blocking errors.

${FLAGS_HELP}
${EXITS}`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['json', 'force'], values: ['root', ...INTENT_VALUES] });
      const { snapshot } = await loadHost(lastValue(p, 'root') ?? '/');
      const plan = planChanges(snapshot, intentsFromArgs(p, snapshot));
      io.stdout.write(p.flags.has('json') ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, wantsColour(io.stdout, io.env)));
      return plan.errors.length ? EXIT.blocked : EXIT.ok;
    }),
};

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: 'apply changes atomically, with backups (needs --yes; --dry-run to preview)',
  usage: `Usage: pve-passthrough apply [--root DIR] [changes...] (--yes | --dry-run)

Plan the given changes and apply them: lock, back up every file under
var/lib/pve-passthrough/backups/, write atomically, run each command; on any failure every file
is put back. Undo the last apply with 'pve-passthrough rollback'.

${FLAGS_HELP}  --yes                   confirm: really apply
  --dry-run               print what would run, change nothing
${EXITS}`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['json', 'force', 'yes', 'dry-run'], values: ['root', ...INTENT_VALUES] });
      const { handle, snapshot } = await loadHost(lastValue(p, 'root') ?? '/');
      const plan = planChanges(snapshot, intentsFromArgs(p, snapshot));
      const colour = wantsColour(io.stdout, io.env);
      if (p.flags.has('dry-run') || !p.flags.has('yes')) {
        io.stdout.write(formatPlan(plan, colour));
        if (p.flags.has('dry-run')) return plan.errors.length ? EXIT.blocked : EXIT.ok;
        io.stderr.write('pve-passthrough: not applied: add --yes to apply this plan (or --dry-run to only show it)\n');
        return EXIT.blocked;
      }
      if (plan.errors.length) {
        io.stdout.write(formatPlan(plan, colour));
        io.stderr.write('pve-passthrough: not applied: the plan has blocking errors\n');
        return EXIT.blocked;
      }
      const result = await applyPlan(plan, {
        root: handle.root,
        runner: handle.runner,
        fs: handle.fs,
        onProgress: (i, status, detail) => {
          if (status !== 'done') io.stdout.write(`[${i + 1}/${plan.steps.length}] ${status}: ${detail ?? ''}\n`);
        },
      });
      (result.ok ? io.stdout : io.stderr).write(`${result.message}\n${result.nextSteps.map((s) => `  - ${s}`).join('\n')}\n`);
      if (result.ok) return EXIT.ok;
      return result.stepsRun === 0 && !result.failedStep ? EXIT.refused : EXIT.failure;
    }),
};
