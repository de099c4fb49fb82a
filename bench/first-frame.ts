// Start-up to the first full frame, as an operator sees it: the program in a pseudo-terminal
// (node-pty), the clock stopped at the first output that holds the legend of the bottom bar
// (the last line drawn). Wall time is noisy on a shared machine, so each start also reports
// the CPU time the program had used by then (all its threads; see cpuMs).
import * as pty from 'node-pty';
import { readdirSync, readFileSync } from 'node:fs';

/** The target of issue 11: the first frame in under 0.4 s at every size up to 2,000 functions. */
export const TARGET_MS = 400;

export interface FrameRun {
  wallMs: number;
  /** CPU time of the program's threads up to the frame; NaN where /proc does not say. */
  cpuMs: number;
  /** Peak RSS (VmHWM) after a few keys, MB. */
  rssMb: number;
}

/**
 * CPU time of a process: the sum over its threads of /proc/PID/task/T/schedstat's first field
 * (nanoseconds on a CPU), which counts the V8 and libuv threads too. NaN without /proc.
 */
export function cpuMsOf(pid: number): number {
  try {
    let ns = 0;
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended in between
      }
    }
    return ns / 1e6;
  } catch {
    return Number.NaN;
  }
}

const peakRssMb = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** One start of `node ...argv` at 120x40; after the frame, a few keys, the peak RSS, then q. */
export async function firstFrame(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<FrameRun> {
  const e = { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', ...env } as Record<string, string>;
  delete e.CI;
  delete e.VITEST;
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  const t0 = performance.now();
  const p = pty.spawn(process.execPath, argv, { name: e.TERM, cols: 120, rows: 40, env: e });
  const exited = new Promise<void>((res) => p.onExit(() => res()));
  let out = '';
  const frame = new Promise<{ wallMs: number; cpuMs: number }>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`no first frame in 20 s: ${argv.join(' ')}\n${out.slice(-2000)}`)),
      20_000,
    );
    const sub = p.onData((d) => {
      out += d;
      if (!out.includes('Legend')) return;
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      sub.dispose();
      res({ wallMs, cpuMs: cpuMsOf(p.pid) });
    });
  });
  try {
    const f = await frame;
    for (const k of 'jjjjlhjj') p.write(k);
    await new Promise((r) => setTimeout(r, 150));
    const rssMb = peakRssMb(p.pid);
    p.write('q');
    await exited;
    return { ...f, rssMb };
  } catch (err) {
    p.kill();
    throw err;
  }
}

/** `runs` starts after `warmup` untimed ones (the page cache and the launcher's bundle cache). */
export async function firstFrames(
  argv: string[],
  runs: number,
  warmup = 2,
  env?: NodeJS.ProcessEnv,
): Promise<FrameRun[]> {
  const out: FrameRun[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const r = await firstFrame(argv, env);
    if (i >= warmup) out.push(r);
  }
  return out;
}
