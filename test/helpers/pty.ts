// Runs the real launcher in a real pseudo-terminal, with @xterm/headless as the screen.
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import { join } from 'node:path';

export const LAUNCHER = join(import.meta.dirname, '../../bin/pve-passthrough.js');

export interface PtyRun {
  screen(): string;
  /** Everything the program wrote, escape sequences included. */
  output(): string;
  write(data: string): void;
  waitFor(pred: string | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  exited: Promise<{ exitCode: number; signal?: number }>;
  pid: number;
  kill(signal?: string): void;
}

export function runInPty(
  args: string[],
  o: { cols?: number; rows?: number; env?: NodeJS.ProcessEnv; command?: string } = {},
): PtyRun {
  const cols = o.cols ?? 80;
  const rows = o.rows ?? 24;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const env = { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...o.env } as Record<string, string>;
  delete env.CI;
  delete env.VITEST;
  // `{ NAME: undefined }` in o.env removes NAME (node-pty would pass the string "undefined").
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const p = pty.spawn(o.command ?? process.execPath, o.command ? args : [LAUNCHER, ...args], {
    name: env.TERM,
    cols,
    rows,
    env,
  });
  let out = '';
  p.onData((d) => {
    out += d;
    term.write(d);
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((res) => p.onExit((e) => res(e)));
  const screen = () => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  return {
    screen,
    output: () => out,
    write: (d) => p.write(d),
    pid: p.pid,
    kill: (s) => p.kill(s),
    exited,
    async waitFor(pred, timeoutMs = 15000) {
      const test = typeof pred === 'string' ? (s: string) => s.includes(pred) : pred;
      const t0 = Date.now();
      while (Date.now() - t0 < timeoutMs) {
        await new Promise((r) => setTimeout(r, 25));
        if (test(screen())) return screen();
      }
      throw new Error(`timed out waiting for ${String(pred)}; screen:\n${screen()}`);
    },
  };
}

/** Waits until the screen stops changing (3 equal reads), so a frame drawn in pieces is never read half-done. */
export async function settled(run: PtyRun, everyMs = 20): Promise<string> {
  let last = '';
  for (let same = 0; same < 3;) {
    await new Promise((r) => setTimeout(r, everyMs));
    const now = run.screen();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}
