// `rollback` undoes an apply from its write-ahead record (an interrupted one first); `history`
// prints the audit log.
import { rollback, statusWords } from '../host/apply.ts';
import { openHost } from '../host/open.ts';
import { listRecords, readHistory } from '../host/state.ts';
import { clip, lastValue, parseArgs, rootArg, UsageError } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { runGuarded } from './run-guarded.ts';

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'undo an apply from its backups (an interrupted one first); --list shows them',
  usage: `Usage: pve-passthrough rollback [--root DIR] [--list | --id ID] [--force]

Put back every file an apply (or TUI commit) changed, from its backups under
var/lib/pve-passthrough/backups/, restore VF counts, and re-run the initramfs / boot loader
refresh it ran so the boot files match the restored configuration. Without --id: an apply that
was interrupted (killed, power cut) if there is one, else the last apply still in effect.
A file changed since the apply (by hand, or by a later apply) is not overwritten: the difference
is shown and nothing is changed, unless --force is given.

  --root DIR   the root tree (default /)
  --list       list every apply on record with its ID and status; change nothing
  --id ID      roll back this apply (an ID from --list)
  --force      restore the backups even over files changed since the apply
  -h, --help   this text

Exit codes: 0 rolled back, or nothing to roll back; 1 not everything could be restored (the
message names each file and its backup); 2 bad usage; 3 not rolled back: files changed since
(see --force); 4 refused (not root, another instance holds the lock, an interrupted apply comes
first).
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['list', 'force'], values: ['root', 'id'] }, 'rollback');
      const h = openHost({ root: rootArg(p) ?? '/' });
      if (p.flags.has('list')) {
        const all = listRecords(h.root);
        if (!all.length) io.stdout.write('No applies on record.\n');
        for (const r of all) io.stdout.write(`${r.id}  ${r.manifest.summary}  ${statusWords(r)}\n`);
        return EXIT.ok;
      }
      const id = lastValue(p, 'id');
      if (id !== undefined && !/^[\w.-]+$/.test(id))
        throw new UsageError(`--id ${clip(id)}: not an apply ID (see --list)`);
      const r = await rollback({ root: h.root, runner: h.runner, fs: h.fs }, { id, force: p.flags.has('force') });
      const out = r.ok ? io.stdout : io.stderr;
      out.write(`${r.message}\n`);
      for (const d of r.drift ?? []) out.write(`${d.diff.map((l) => l.text).join('\n')}\n`);
      if (r.nextSteps.length) out.write(`${r.nextSteps.map((s) => `  - ${s}`).join('\n')}\n`);
      return { ok: EXIT.ok, nothing: EXIT.ok, failed: EXIT.failure, blocked: EXIT.blocked, refused: EXIT.refused }[
        r.outcome
      ];
    }),
};

export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'print the audit log of applies and rollbacks',
  usage: `Usage: pve-passthrough history [--root DIR]

Print var/lib/pve-passthrough/history.log: one line per apply or rollback with time, user,
plan summary and result.

  --root DIR   the root tree whose log to print (default /)
  -h, --help   this text

Exit codes: 0 ok (also when nothing is recorded yet), 2 bad usage (unknown option, stray
argument, --root not a folder).
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: [], values: ['root'] }, 'history');
      const entries = readHistory(openHost({ root: rootArg(p) ?? '/' }).root);
      if (!entries.length) io.stdout.write('No applies recorded yet.\n');
      for (const e of entries) io.stdout.write(`${e.time}  ${e.user}  ${e.action}  ${e.summary}  -> ${e.result}\n`);
      return EXIT.ok;
    }),
};
