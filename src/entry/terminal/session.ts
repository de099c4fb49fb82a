// The full-screen session's lifecycle: enter the alternate screen, and restore the terminal on
// every way out — quit, Ctrl-C, SIGINT/SIGTERM, SIGHUP (the SSH session dropped), an uncaught
// error or unhandled rejection (also written to a log file whose path is printed after the
// screen is back). While an apply runs, a signal waits for it to finish (it rolls itself back
// on failure) instead of leaving the host half-written.
import { closeSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isatty } from 'node:tty';
import { join } from 'node:path';
import { version } from '../../version.ts';

/** Alternate screen, cursor home, clear, hide the cursor. */
export const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
/**
 * Reset attributes, clear, leave the alternate screen, show the cursor. The clear matters where
 * there is no alternate screen (the Linux console, GNU screen without `altscreen on`): the last
 * frame would otherwise stay under the shell prompt.
 */
export const LEAVE = '\x1b[0m\x1b[H\x1b[2J\x1b[?1049l\x1b[?25h';

/** Conventional exit codes: 128 + signal number, and EX_SOFTWARE for a crash. */
export const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export const CRASH_EXIT = 70;

export interface SessionOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** Where messages go once the screen is restored. @default process.stderr */
  stderr?: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Reading the real machine (root `/`): crash logs prefer /var/log/pve-passthrough. */
  realHost: boolean;
}

export interface Session {
  /** Leave the full screen (idempotent) and stop handling signals and crashes. */
  restore(): void;
  /** Restore, write the error to the crash log, print where it is; returns the exit code. */
  crash(err: unknown): number;
  /** Run `work` (an apply) so that a signal arriving meanwhile waits for it before exiting. */
  whileBusy<T>(work: Promise<T>): Promise<T>;
  /**
   * Ctrl-Z: give the terminal back and stop, as a shell job (`fg` resumes). Back in the full
   * screen, `redraw` repaints. False when it cannot: an apply is running.
   */
  suspend(redraw: () => void): boolean;
}

/** Directories tried in order for a crash log; the first writable one wins. */
export function crashLogDirs(env: NodeJS.ProcessEnv, realHost: boolean): string[] {
  const dirs: string[] = [];
  if (realHost) dirs.push('/var/log/pve-passthrough');
  if (env.XDG_STATE_HOME) dirs.push(join(env.XDG_STATE_HOME, 'pve-passthrough'));
  dirs.push(tmpdir());
  return dirs;
}

/**
 * Writes a crash report to a new file (never an existing one: `wx` refuses a planted symlink in
 * a shared /tmp) in the first directory that takes it. Returns its path, or null.
 */
export function writeCrashLog(err: unknown, dirs: string[], env: NodeJS.ProcessEnv, now = new Date()): string | null {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const text = [
    `pve-passthrough ${version()} crashed at ${now.toISOString()}`,
    `node ${process.versions.node} ${process.platform}-${process.arch}, pid ${process.pid}`,
    `argv: ${JSON.stringify(process.argv.slice(2))}`,
    `TERM=${env.TERM ?? ''} COLORTERM=${env.COLORTERM ?? ''} LANG=${env.LANG ?? ''} LC_ALL=${env.LC_ALL ?? ''} NO_COLOR=${env.NO_COLOR ?? ''}`,
    '',
    (err as Error)?.stack ?? String(err),
    '',
  ].join('\n');
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, `pve-passthrough-crash-${stamp}-${process.pid}.log`);
      writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
      return path;
    } catch {
      // not writable here: try the next one
    }
  }
  return null;
}

/** Errors that mean the terminal is gone (the SSH session dropped, the window closed). */
const GONE = new Set(['EIO', 'ENXIO', 'EPIPE']);
export const terminalGone = (err: unknown) => GONE.has((err as NodeJS.ErrnoException)?.code ?? '');

/**
 * Node 20 aborts at exit (SIGABRT/SIGSEGV, a core dump) when it cannot reset a hung-up terminal
 * to its start-up modes (nodejs/node#51519; the check was removed in nodejs/node#58200, not in
 * 20.x). It skips descriptors the program closed, so after a hang-up close them before exiting.
 */
function releaseStdio(): void {
  for (const fd of [0, 1, 2]) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}

/** From now on drop everything written to `stream` (Ink may still try to draw while we exit). */
function mute(stream: NodeJS.WriteStream): void {
  stream.write = ((_chunk: unknown, enc?: unknown, cb?: unknown) => {
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof stream.write;
}

export function startSession(o: SessionOptions): Session {
  const { stdin, stdout, env } = o;
  const stderr = o.stderr ?? process.stderr;
  let restored = false;
  let busy: Promise<unknown> | null = null;
  let exiting = false;
  let hungUp = false;
  const finish = (code: number): never => {
    if (hungUp) releaseStdio();
    process.exit(code);
  };

  const say = (text: string) => {
    try {
      stderr.write(text);
    } catch {
      // the terminal is gone
    }
  };
  const leave = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // stdin already gone (hang-up)
    }
    try {
      stdout.write(LEAVE);
    } catch {
      // terminal gone
    }
  };
  /** Leave for good: nothing may draw after this (the process is about to exit). */
  const leaveForGood = () => {
    leave();
    mute(stdout);
  };

  const onSignal = (sig: keyof typeof SIGNAL_EXIT) => {
    const code = SIGNAL_EXIT[sig];
    const hangup = sig === 'SIGHUP';
    if (hangup) hungUp = true;
    if (exiting) {
      // A second signal while an apply finishes: a hang-up is repeated by the shell, ignore it;
      // an interrupt or terminate means the operator insists.
      if (!hangup || !busy) finish(code);
      return;
    }
    exiting = true;
    leaveForGood(); // on a real hang-up this write fails quietly; after `kill -HUP` it matters
    if (busy) {
      if (!hangup)
        say(`pve-passthrough: ${sig}: waiting for the apply in progress to finish (it rolls back on failure)...\n`);
      const exit = () => finish(code);
      busy.then(exit, exit);
      return;
    }
    if (!hangup) say(`pve-passthrough: ${sig}: terminal restored; nothing was applied that was not committed.\n`);
    finish(code);
  };
  const onHup = () => onSignal('SIGHUP');
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');

  const report = (err: unknown): number => {
    leaveForGood();
    const path = writeCrashLog(err, crashLogDirs(env, o.realHost), env);
    const message = (err as Error)?.message ?? String(err);
    say(
      path
        ? `pve-passthrough crashed: ${message}\nDetails: ${path}\n`
        : `pve-passthrough crashed: ${(err as Error)?.stack ?? message}\n`,
    );
    return CRASH_EXIT;
  };
  const onCrash = (err: unknown) => {
    // The terminal went away before (or instead of) SIGHUP: a hang-up, not a crash. (A hung-up
    // terminal answers no ioctl, so isatty turns false; an EPIPE from elsewhere stays a crash.)
    if (terminalGone(err) && !(isatty(0) && isatty(1))) return onSignal('SIGHUP');
    if (exiting) {
      // Already on the way out, waiting for an apply: keep the report, keep waiting.
      writeCrashLog(err, crashLogDirs(env, o.realHost), env);
      return;
    }
    exiting = true;
    const code = report(err);
    if (busy) {
      const exit = () => finish(code);
      busy.then(exit, exit);
      return;
    }
    finish(code);
  };
  // A terminal in raw mode never ends its input (Ctrl-D is a key): the end means a hang-up, and
  // it can come before SIGHUP does (the shell in between gets SIGHUP first).
  const onStdinEnd = () => onSignal('SIGHUP');
  const onStreamError = (err: unknown) => (terminalGone(err) ? onSignal('SIGHUP') : onCrash(err));
  // Whatever else calls process.exit: never leave the terminal in the alternate screen.
  const onExit = () => leaveForGood();

  function detach() {
    process.off('SIGHUP', onHup);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('exit', onExit);
    stdin.off('end', onStdinEnd);
    stdin.off('error', onStreamError);
    stdout.off('error', onStreamError);
  }
  process.on('SIGHUP', onHup);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  process.on('exit', onExit);
  stdin.on('end', onStdinEnd);
  stdin.on('error', onStreamError);
  stdout.on('error', onStreamError);
  stdout.write(ENTER);
  // Raw mode from the first frame on: Ink turns it on only after mounting, and a Ctrl-C typed in
  // between would arrive as SIGINT (exit 130) instead of as the quit key.
  try {
    if (stdin.isTTY) stdin.setRawMode(true);
  } catch {
    // not a real terminal after all: Ink reports that itself
  }

  return {
    suspend(redraw) {
      if (busy || exiting || restored) return false;
      leave();
      let back = false;
      const resume = () => {
        if (back) return;
        back = true;
        process.off('SIGCONT', resume);
        restored = false;
        try {
          stdout.write(ENTER);
          if (stdin.isTTY) stdin.setRawMode(true);
        } catch {
          // the terminal went away meanwhile: the hang-up handling takes over
        }
        redraw();
      };
      process.on('SIGCONT', resume);
      // The whole process group stops (an `npm start` parent too, or the shell would keep
      // waiting). Without job control (an orphaned group, e.g. started by ssh without a shell)
      // the kernel drops the signal and nothing stops: come straight back then.
      process.kill(0, 'SIGTSTP');
      setTimeout(resume, 100);
      return true;
    },
    restore() {
      leave();
      detach();
    },
    crash(err) {
      const code = report(err);
      detach();
      return code;
    },
    whileBusy<T>(work: Promise<T>): Promise<T> {
      const settled = work.then(
        () => undefined,
        () => undefined,
      );
      busy = settled;
      void settled.then(() => {
        if (busy === settled) busy = null;
      });
      return work;
    },
  };
}
