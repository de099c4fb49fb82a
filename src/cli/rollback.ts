// `rollback` undoes the last apply from its backups; `history` prints the audit log.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { rollbackLast } from '../host/apply.ts';
import { openHost } from '../host/open.ts';
import { statePath } from '../host/state.ts';
import { parseArgs, rootArg } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { runGuarded } from './run-guarded.ts';

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'restore every file of the last apply from its backups',
  usage: `Usage: pve-passthrough rollback [--root DIR]

Put back every file the last 'apply' (or TUI commit) changed, from the backups under
var/lib/pve-passthrough/backups/, restore VF counts, and re-run the initramfs / boot loader
refresh it ran.

  --root DIR   the root tree (default /)
  -h, --help   this text

Exit codes: 0 ok, 1 restored with problems, 2 bad usage, 4 refused (nothing to roll back, lock).
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: [], values: ['root'] }, 'rollback');
      const h = openHost({ root: rootArg(p) ?? '/' });
      const r = await rollbackLast({ root: h.root, runner: h.runner, fs: h.fs });
      (r.ok ? io.stdout : io.stderr).write(`${r.message}\n${r.nextSteps.map((s) => `  - ${s}`).join('\n')}${r.nextSteps.length ? '\n' : ''}`);
      if (r.ok) return EXIT.ok;
      return r.backupDir ? EXIT.failure : EXIT.refused;
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
      const root = resolve(rootArg(p) ?? '/');
      let text = '';
      try {
        text = readFileSync(statePath(root, 'history.log'), 'utf8');
      } catch {
        io.stdout.write('No applies recorded yet.\n');
        return EXIT.ok;
      }
      for (const line of text.split('\n').filter(Boolean)) {
        const [time, user, action, summary, result] = line.split('\t');
        io.stdout.write(`${time}  ${user}  ${action}  ${summary}  -> ${result}\n`);
      }
      return EXIT.ok;
    }),
};
