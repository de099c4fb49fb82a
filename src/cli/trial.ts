// `confirm` and `status`: the trial boot (apply --trial) on the node, by hand and at a glance.
import { rootRefusal } from '../host/apply.ts';
import { openHost } from '../host/open.ts';
import { confirmTrial, readTrialStatus } from '../host/trial.ts';
import { parseArgs, rootArg } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { runGuarded } from './run-guarded.ts';

export const confirmCommand: CliCommand = {
  name: 'confirm',
  summary: 'confirm a trial boot by hand: the normal boot entry becomes the default again',
  usage: `Usage: pve-passthrough confirm [--root DIR] [--force]

Confirm the trial boot set up by 'apply --trial' (or the TUI's "reboot with a trial"): put
the boot loader's normal default back (GRUB: grubenv's saved_entry as it was, next_entry
cleared; systemd-boot: the EFI variables LoaderEntryDefault as it was, LoaderEntryOneShot
cleared) and record it in /var/lib/pve-passthrough/trial-confirmed. The unit
pve-passthrough-trial.service does the same by itself once the management address is up
and pve-cluster runs; this is for when it cannot (or you do not want to wait).

Refused without --force when the node came back through the recovery entry (the new
configuration is not in use: roll back instead) or has not rebooted yet (confirming then
drops the trial).

  --root DIR   the root tree (default /)
  --force      confirm anyway (the next boot uses the new configuration without a way back)
  -h, --help   this text

Exit codes: 0 confirmed, or nothing to confirm; 1 a boot loader command failed (nothing
recorded); 2 bad usage; 4 refused (not root, another instance holds the lock, booted
through the recovery entry, not rebooted yet).
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['force'], values: ['root'] }, 'confirm');
      const h = openHost({ root: rootArg(p) ?? '/' });
      const notRoot = rootRefusal(h.root, process.getuid?.());
      if (notRoot) {
        io.stderr.write(`pve-passthrough: ${notRoot}\n`);
        return EXIT.refused;
      }
      const r = await confirmTrial({ root: h.root, runner: h.runner, fs: h.fs }, { force: p.flags.has('force') });
      (r.outcome === 'ok' || r.outcome === 'nothing' ? io.stdout : io.stderr).write(`${r.message}\n`);
      return { ok: EXIT.ok, nothing: EXIT.ok, refused: EXIT.refused, failed: EXIT.failure }[r.outcome];
    }),
};

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'whether a trial boot is pending, was confirmed, or the node came back without passthrough',
  usage: `Usage: pve-passthrough status [--root DIR] [--json]

Say where the trial boot (apply --trial) stands: none, armed (set up, not rebooted yet),
pending (the trial boot runs, not confirmed yet), confirmed, unconfirmed (the unit waited in
vain for the management address or pve-cluster: the default is still the recovery entry), or
recovered (the node came back through the recovery entry: passthrough is off). Nothing is
changed.

  --root DIR   the root tree (default /)
  --json       {"state": none|armed|pending|confirmed|unconfirmed|recovered, "id": trial id
               or null, "loader": "grub"|"systemd-boot"|null, "time": when the outcome was
               recorded or null, "message": the sentence printed without --json}
  -h, --help   this text

Exit codes: 0 no trial, or confirmed; 2 bad usage; 3 a trial is armed or pending (not
confirmed yet); 5 needs you: the node came back through the recovery entry, or the
confirmation gave up.
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['json'], values: ['root'] }, 'status');
      const s = readTrialStatus(openHost({ root: rootArg(p) ?? '/' }).root);
      io.stdout.write(p.flags.has('json') ? `${JSON.stringify(s, null, 2)}\n` : `${s.message}\n`);
      return s.state === 'none' || s.state === 'confirmed'
        ? EXIT.ok
        : s.state === 'armed' || s.state === 'pending'
          ? EXIT.blocked
          : EXIT.attention;
    }),
};
