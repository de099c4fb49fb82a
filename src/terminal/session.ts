// The full-screen session's lifecycle: enter the alternate screen, and restore the terminal on
// every way out — quit, Ctrl-C, SIGTERM, SIGHUP (the SSH session dropped), an uncaught error
// (also written to a log file whose path is printed after the screen is back).
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENTER = '\x1b[?1049h\x1b[H';
export const RESTORE = '\x1b[?25h\x1b[?1049l';

export interface Session {
  /** Restore the terminal (idempotent). */
  restore(): void;
  /** Where a crash is logged. */
  logPath: string;
}

export function crashLogPath(env: NodeJS.ProcessEnv): string {
  const dir = env.XDG_STATE_HOME ? join(env.XDG_STATE_HOME, 'pve-passthrough') : tmpdir();
  return join(dir, `pve-passthrough-crash-${process.pid}.log`);
}

export function startSession(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Session {
  let restored = false;
  const logPath = crashLogPath(env);
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
    } catch {
      // stdin already gone (hang-up)
    }
    try {
      stdout.write(RESTORE);
    } catch {
      // terminal gone
    }
  };
  const onSignal = (sig: NodeJS.Signals, code: number) => () => {
    restore();
    if (sig !== 'SIGHUP') process.stderr.write(`pve-passthrough: ${sig}, terminal restored; nothing was applied that was not committed.\n`);
    process.exit(code);
  };
  process.once('SIGTERM', onSignal('SIGTERM', 143));
  process.once('SIGHUP', onSignal('SIGHUP', 129));
  process.once('SIGINT', onSignal('SIGINT', 130));
  const onCrash = (err: unknown) => {
    restore();
    try {
      mkdirSync(join(logPath, '..'), { recursive: true });
      appendFileSync(logPath, `${new Date().toISOString()} ${(err as Error)?.stack ?? String(err)}\n`);
      process.stderr.write(`pve-passthrough crashed: ${(err as Error)?.message ?? err}\nDetails: ${logPath}\n`);
    } catch {
      process.stderr.write(`pve-passthrough crashed: ${(err as Error)?.stack ?? err}\n`);
    }
    process.exit(70);
  };
  process.once('uncaughtException', onCrash);
  process.once('unhandledRejection', onCrash);
  process.once('exit', restore);
  stdout.write(ENTER);
  return { restore, logPath };
}
