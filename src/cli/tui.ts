// The full-screen program (what runs with no sub-command): pick the host (a real node, --root,
// or the built-in demo), refuse without a terminal, then run the Ink app in a session that
// always restores the terminal.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { preferSmallHeap } from '../entry/heap-tuning.ts';
import { applyPlan, rollback } from '../host/apply.ts';
import { monitorTargets, takeSample } from '../host/monitor-sampler.ts';
import { openHost } from '../host/open.ts';
import { readHost, readHostInTwo } from '../host/reader.ts';
import { STATE_DIR } from '../host/state.ts';
import { createAppStore } from '../store/app-store.ts';
import { detectTerminal } from '../entry/terminal/detect.ts';
import { startSession } from '../entry/terminal/session.ts';
import { parseArgs, rootArg, UsageError } from './args.ts';
import { EXIT, type CliCommand } from './command.ts';
import { runGuarded } from './run-guarded.ts';

/**
 * The rule for "this machine is a Proxmox node": the cluster file system is mounted at /etc/pve
 * and `qm` is installed. Anywhere else (a laptop, CI) the program opens the demo host.
 */
export const isProxmoxNode = (exists: (p: string) => boolean = existsSync) =>
  exists('/etc/pve') && exists('/usr/sbin/qm');

/**
 * Test hook, documented in the manual: `PVE_PASSTHROUGH_CRASH_TEST=throw` (or `1`) throws from a
 * timer just after the first frame, `=reject` leaves a promise rejection unhandled. Proves that
 * the terminal comes back and the crash log is written, in a real terminal.
 */
function armCrashTest(env: NodeJS.ProcessEnv): void {
  const how = env.PVE_PASSTHROUGH_CRASH_TEST;
  if (!how) return;
  setTimeout(() => {
    const err = new Error(`crash test (PVE_PASSTHROUGH_CRASH_TEST=${how})`);
    if (how === 'reject') void Promise.reject(err);
    else throw err;
  }, 100);
}

export const tuiCommand: CliCommand = {
  name: 'tui',
  summary: 'the full-screen program (default): IOMMU tree, staging, pending changes, commit',
  usage: `Usage: pve-passthrough [tui] [--root DIR | --demo]

Open the full-screen program. On a Proxmox node (/etc/pve and /usr/sbin/qm exist) it reads the
machine itself; run it as root to commit. Anywhere else, or with --demo, it opens the built-in
demo host: a temporary copy of a realistic server, so committing there is safe (the copy is
kept, and its path printed, only when something was committed).

Needs a terminal (stdin and stdout a TTY); for scripts use list, plan and apply.

Options:
  --root DIR   read and change this root tree instead of / (a fixture or a copy of a node)
  --demo       open the built-in demo host even on a Proxmox node
  -h, --help   this text

Keys: press ? inside the program; all of them in the manual: pve-passthrough --man | man -l -
Environment: NO_COLOR turns colour off; TERM=linux|dumb or a non-UTF-8 locale use ASCII.
Exit codes: 0 quit, 2 bad usage (unknown option, stray argument, --root not a folder) or no
terminal, 70 crashed (terminal restored, report written), 129/130/143 ended by SIGHUP/SIGINT/SIGTERM.
`,
  run: (args, io) =>
    runGuarded(io, async () => {
      const p = parseArgs(args, { flags: ['demo'], values: ['root'] }, 'tui');
      if (p.values.has('root') && p.flags.has('demo')) throw new UsageError('--root and --demo exclude each other');
      let root = rootArg(p);
      const stdin = process.stdin;
      const stdout = io.stdout as NodeJS.WriteStream;
      if (!stdin.isTTY || !stdout.isTTY) {
        io.stderr.write(
          `pve-passthrough: the full-screen program needs a terminal (stdin and stdout must be a TTY).\n` +
            `For scripts use: pve-passthrough list [--json], plan ..., apply ... --yes (see --help).\n`,
        );
        return EXIT.usage;
      }
      let demo = false;
      if (root === undefined && (p.flags.has('demo') || !isProxmoxNode())) {
        const [{ demoHost }, { writeTempHost }] = await Promise.all([
          import('../demo/index.ts'),
          import('../host/host-tree.ts'),
        ]);
        root = writeTempHost(demoHost, 'pve-passthrough-demo-');
        demo = true;
      }
      if (!demo) return runFullScreen(root ?? '/', false, stdin, stdout, io.env);
      const demoRoot = root!;
      // Signals and crashes leave through process.exit: remove an untouched demo copy then too.
      const onExit = () => removeUntouchedDemo(demoRoot);
      process.once('exit', onExit);
      try {
        return await runFullScreen(demoRoot, true, stdin, stdout, io.env);
      } finally {
        process.off('exit', onExit);
        if (!removeUntouchedDemo(demoRoot))
          io.stdout.write(
            `Demo host, with what you committed, left in ${demoRoot} (a temporary copy; safe to delete).\n`,
          );
      }
    }),
};

async function runFullScreen(
  rootDir: string,
  demo: boolean,
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const handle = openHost({ root: rootDir });
  // The details pane's attributes are read after the first frame (a second pass).
  // Quitting ends what the second pass still waits for (a cluster node's pvesh may take 20 s).
  const background = new AbortController();
  const reading = readHostInTwo(handle.root, handle.runner, { signal: background.signal });
  // Loaded only here: list / plan / apply never pay for Ink and React. Asked for once the read
  // has started its commands (zpool, pvs, dmesg, pvesh), so Ink and React load while they run.
  const ui = import('../ui/render-app.tsx');
  ui.catch(() => {}); // a failure surfaces where it is awaited, after the read
  const { snapshot, details } = await reading;
  const { renderApp } = await ui;
  const session = startSession({ stdin, stdout, env, realHost: !handle.fixture });
  const store = createAppStore({
    snapshot,
    size: { columns: stdout.columns || 80, rows: stdout.rows || 24 },
    ...detectTerminal(stdout, env),
    host: {
      root: handle.root,
      fixture: handle.fixture,
      demo,
      apply: (plan, onProgress) =>
        session.whileBusy(applyPlan(plan, { root: handle.root, runner: handle.runner, fs: handle.fs, onProgress })),
      reread: () => readHost(handle.root, handle.runner),
      rollback: () => session.whileBusy(rollback({ root: handle.root, runner: handle.runner, fs: handle.fs })),
      // The Monitor view (m) and the alerts in the status line: sampled once a second from the start.
      monitor: { targets: monitorTargets, sample: (targets) => takeSample(handle.root, handle.runner, targets) },
      // Back from the shell: a new size object makes Ink paint the whole screen again.
      suspend: () =>
        session.suspend(() => store.setState({ size: { columns: stdout.columns || 80, rows: stdout.rows || 24 } })),
    },
  });
  try {
    const running = renderApp(store, { stdin, stdout }); // the first frame is drawn synchronously
    // Then the details, unless a commit's re-read has replaced the snapshot in the meantime.
    setImmediate(() => {
      void details().then((full) => {
        if (store.getState().snapshot === snapshot) store.setState({ snapshot: full });
      });
    });
    preferSmallHeap();
    armCrashTest(env);
    await running;
  } catch (e) {
    return session.crash(e);
  } finally {
    background.abort();
  }
  session.restore();
  return EXIT.ok;
}

/** The demo copy is kept only when something was committed into it (its state folder exists). */
function removeUntouchedDemo(root: string): boolean {
  if (existsSync(join(root, STATE_DIR))) return false;
  rmSync(root, { recursive: true, force: true });
  return true;
}
