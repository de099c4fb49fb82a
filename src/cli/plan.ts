// `plan` and `apply`: the same engine as the TUI, from flags.
import { applyPlan, type ApplyResult } from '../host/apply.ts';
import { planChanges } from '../model/plan/index.ts';
import { trialNextSteps } from '../model/plan/trial.ts';
import type { Plan } from '../model/types.ts';
import { wantsColour } from '../ui/theme.ts';
import { parseArgs, rootArg, UsageError } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { formatPlan } from './format-plan.ts';
import { INTENT_VALUES, intentsFromArgs } from './intent-flags.ts';
import { loadHost } from './load-host.ts';
import { describeError, runGuarded } from './run-guarded.ts';

const FLAGS_HELP = `Options:
  --root DIR              the root tree to read and change (default /)
  --reserve ADDR          reserve for vfio-pci at boot; a slot: each function in it
  --release ADDR          give a reserved device back to its host driver; a slot: each function
  --vfs PF=N              set the number of SR-IOV virtual functions of a physical function
                          (0..sriov_totalvfs); a slot only when it holds a single function
  --assign ADDR=VMID[,pcie=1,x-vga=1,rombar=0,all-functions=1]
                          add to a VM as the first free hostpciN (pcie on by default); a slot
                          passes all its functions, as hostpciN: 0000:06:00 does in Proxmox
  --unassign VMID:hostpciN  remove a hostpci entry
  --vf PF/N=mac=MAC,vlan=V,qos=Q,trust=on|off,spoofchk=on|off,state=auto|enable|disable
                          settings of VF N of the physical function PF (any subset, at
                          least one): set live with ip link set and kept in the SR-IOV udev
                          rule after the count; mac=auto takes the locally administered MAC
                          offered for it (02:BUS:DEVFN:..:N); a MAC already on the node, vlan
                          beyond 0..4095, qos beyond 0..7 (or without a vlan), N not below the
                          (staged) VF count, or a PF without SR-IOV or interface is refused
  --mapping NAME=ADDR[+ADDR...][,description=TEXT]
                          create the Proxmox resource mapping NAME, or add devices to it (a
                          pool of VFs or identical cards); NODE/ADDR is a device of another
                          cluster node; written by pvesh create|set /cluster/mapping/pci
  --unmap NAME            delete a resource mapping (refused while a VM uses it)
  --assign mapping:NAME=VMID[,pcie=1,x-vga=1,rombar=0]
                          add a mapping to a VM as hostpciN: mapping=NAME
  --force                 reserve even in a host-critical group (the host loses those devices),
                          or one device alone from a shared group (no VM can use it until the
                          rest of the group is reserved too)
  --trial                 reboot with a trial (a plan that needs a reboot only): the next boot
                          uses the new configuration once, the boot loader's default is the
                          recovery entry (passthrough off) until pve-passthrough-trial.service
                          (or 'pve-passthrough confirm') confirms the node is healthy; refused
                          where the boot loader cannot clear a one-shot (see the manual)
`;

const HELP = `  -h, --help              this text
`;

const ADDRESSES = `The change options repeat (--reserve A --reserve B); any option taking a value may be written
--name=VALUE. Addresses are read as Proxmox reads a hostpci line: 0000:06:00.1 or 06:00.1 is
one function, 0000:06:00 or 06:00 is the slot, i.e. every function in it.
`;

const EXITS = `Exit codes: 0 ok, 1 failure (rolled back), 2 bad usage (unknown option, stray argument,
--root not a folder), 3 plan blocked or not confirmed, 4 refused (not root, another instance
holds the lock).
`;

export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'show what staged changes would do: diffs, commands, reboot, warnings',
  usage: `Usage: pve-passthrough plan [--root DIR] [changes...] [--json]

Print the plan for the given changes without touching anything: every file diff, every
command in order, whether a reboot is needed, warnings and blocking errors.

${FLAGS_HELP}  --json                  print the plan as one JSON object {edits, steps,
                          rebootRequired, rebootReasons, warnings, errors, ...},
                          also when it is blocked (exit 3)
${HELP}
${ADDRESSES}
${EXITS}`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(
        args,
        { flags: ['json', 'force', 'trial'], values: ['root'], repeatable: INTENT_VALUES },
        'plan',
      );
      const { snapshot } = await loadHost(rootArg(p) ?? '/', io.stderr);
      const plan = planChanges(snapshot, intentsFromArgs(p, snapshot), { trial: p.flags.has('trial') });
      io.stdout.write(
        p.flags.has('json') ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, wantsColour(io.stdout, io.env)),
      );
      return plan.errors.length ? EXIT.blocked : EXIT.ok;
    }),
};

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: 'apply changes atomically, with backups (needs --yes; --dry-run to preview)',
  usage: `Usage: pve-passthrough apply [--root DIR] [changes...] (--yes | --dry-run) [--json]

Plan the given changes and apply them: lock, back up every file under
var/lib/pve-passthrough/backups/, write atomically, run each command; on any failure every file
is put back. Undo the last apply with 'pve-passthrough rollback'.

${FLAGS_HELP}  --yes                   confirm: really apply
  --dry-run               print what would run, change nothing
  --json                  one JSON object on stdout whatever happens (progress lines go
                          to stderr): {status: dry-run | not-confirmed | blocked |
                          applied | refused | failed, applied, plan, progress: [{step,
                          status, detail}], result: {ok, message, backupDir, stepsRun,
                          failedStep, rebootRequired, nextSteps, ...} or null, error:
                          the message when the apply stopped on an error, or null}.
                          Nothing on stdout for bad usage (2) or an error before planning.
${HELP}
${ADDRESSES}
${EXITS}`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(
        args,
        { flags: ['json', 'force', 'yes', 'dry-run', 'trial'], values: ['root'], repeatable: INTENT_VALUES },
        'apply',
      );
      if (p.flags.has('yes') && p.flags.has('dry-run')) throw new UsageError('--yes and --dry-run exclude each other');
      const json = p.flags.has('json');
      const { handle, snapshot } = await loadHost(rootArg(p) ?? '/');
      const trial = p.flags.has('trial');
      const plan = planChanges(snapshot, intentsFromArgs(p, snapshot), { trial });
      const colour = wantsColour(io.stdout, io.env);
      // --json: one object on stdout whatever happens; messages for a human go to stderr.
      const report = (status: ApplyJson['status'], extra: Partial<ApplyJson> = {}) => {
        if (json)
          io.stdout.write(
            `${JSON.stringify({ status, applied: status === 'applied', plan, progress: [], result: null, error: null, ...extra } satisfies ApplyJson, null, 2)}\n`,
          );
      };
      if (p.flags.has('dry-run') || !p.flags.has('yes')) {
        if (!json) io.stdout.write(formatPlan(plan, colour));
        if (p.flags.has('dry-run')) {
          report('dry-run');
          return plan.errors.length ? EXIT.blocked : EXIT.ok;
        }
        report('not-confirmed');
        io.stderr.write('pve-passthrough: not applied: add --yes to apply this plan (or --dry-run to only show it)\n');
        return EXIT.blocked;
      }
      if (plan.errors.length) {
        if (json) report('blocked');
        else io.stdout.write(formatPlan(plan, colour));
        io.stderr.write('pve-passthrough: not applied: the plan has blocking errors\n');
        return EXIT.blocked;
      }
      const progress: ApplyJson['progress'] = [];
      let result: ApplyResult;
      try {
        result = await applyPlan(plan, {
          root: handle.root,
          runner: handle.runner,
          fs: handle.fs,
          onProgress: (i, status, detail) => {
            progress.push({ step: i + 1, status, detail: detail ?? null });
            if (status !== 'done')
              (json ? io.stderr : io.stdout).write(`[${i + 1}/${plan.steps.length}] ${status}: ${detail ?? ''}\n`);
          },
        });
      } catch (e) {
        // Thrown from inside the apply rather than reported in its result: still one JSON answer.
        report('failed', { progress, error: describeError(e) });
        throw e;
      }
      const code = {
        ok: EXIT.ok,
        nothing: EXIT.ok,
        failed: EXIT.failure,
        blocked: EXIT.blocked,
        refused: EXIT.refused,
      }[result.outcome];
      // The trial's own next steps: what the reboot does, and how to see and end the trial.
      if (result.ok && trial) result.nextSteps = trialNextSteps(result.nextSteps);
      const text = `${result.message}\n${result.nextSteps.map((s) => `  - ${s}`).join('\n')}\n`;
      if (json) {
        report(result.ok ? 'applied' : result.outcome === 'failed' ? 'failed' : 'refused', { progress, result });
        if (!result.ok) io.stderr.write(`pve-passthrough: ${text}`);
      } else (result.ok ? io.stdout : io.stderr).write(text);
      return code;
    }),
};

/** What `apply --json` prints, on every path (documented in the usage text). */
interface ApplyJson {
  status: 'dry-run' | 'not-confirmed' | 'blocked' | 'applied' | 'refused' | 'failed';
  applied: boolean;
  plan: Plan;
  progress: Array<{ step: number; status: string; detail: string | null }>;
  result: ApplyResult | null;
  /** An error thrown from inside the apply (the same line as on stderr), else null. */
  error: string | null;
}
