// The full-screen program (what runs with no sub-command): pick the host (a real node, --root,
// or the built-in demo), refuse without a terminal, then run the Ink app in a session that
// always restores the terminal.
import { existsSync } from 'node:fs';
import { applyPlan } from '../host/apply.ts';
import { openHost } from '../host/open.ts';
import { readHost } from '../host/reader.ts';
import { createAppStore } from '../store/app-store.ts';
import { detectTerminal } from '../terminal/detect.ts';
import { startSession } from '../terminal/session.ts';
import { lastValue, parseArgs } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { runGuarded } from './run-guarded.ts';

/** A Proxmox node: /etc/pve (the cluster file system) and qm exist. */
export const isProxmoxNode = () => existsSync('/etc/pve') && existsSync('/usr/sbin/qm');

export const tuiCommand: CliCommand = {
  name: 'tui',
  summary: 'the full-screen program (default): IOMMU tree, staging, pending changes, commit',
  usage: `Usage: pve-passthrough [tui] [--root DIR] [--demo]

Open the full-screen program. On a Proxmox node it reads / (run as root to commit); elsewhere,
or with --demo, it opens the built-in demo host: a temporary copy, so committing is safe.

Options:
  --root DIR   read and change this root tree instead of / (a fixture or a copy of a node)
  --demo       open the built-in demo host even on a Proxmox node
Keys: press ? inside the program; see also 'man pve-passthrough'.
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['demo'], values: ['root'] });
      const stdin = process.stdin;
      const stdout = io.stdout as NodeJS.WriteStream;
      if (!stdin.isTTY || !stdout.isTTY) {
        io.stderr.write('pve-passthrough: the full-screen program needs a terminal (stdin and stdout must be a TTY).\nFor scripts use: pve-passthrough list [--json], plan ..., apply ... --yes (see --help).\n');
        return EXIT.usage;
      }
      let root = lastValue(p, 'root');
      let demo = false;
      if (!root && (p.flags.has('demo') || !isProxmoxNode())) {
        const { materializeDemoHost } = await import('../demo/index.ts');
        root = materializeDemoHost();
        demo = true;
      }
      const handle = openHost({ root: root ?? '/' });
      const snapshot = await readHost(handle.root, handle.runner);
      const look = detectTerminal(stdout, io.env);
      const store = createAppStore({
        snapshot,
        size: { columns: stdout.columns || 80, rows: stdout.rows || 24 },
        ...look,
        host: {
          root: handle.root,
          fixture: handle.fixture,
          demo,
          apply: (plan, onProgress) => applyPlan(plan, { root: handle.root, runner: handle.runner, onProgress }),
          reread: () => readHost(handle.root, handle.runner),
        },
      });
      const session = startSession(stdin, stdout, io.env);
      if (io.env.PVE_PASSTHROUGH_CRASH_TEST === '1') setTimeout(() => { throw new Error('crash test (PVE_PASSTHROUGH_CRASH_TEST=1)'); }, 300);
      const { renderApp } = await import('../ui/render-app.tsx');
      await renderApp(store, { stdin, stdout });
      session.restore();
      if (demo) io.stdout.write(`Demo host left in ${root} (a temporary copy; safe to delete).\n`);
      return EXIT.ok;
    }),
};
