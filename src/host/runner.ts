// The one way the program runs host commands. Real runs go through execa with an argument
// array (never a shell string); tests and fixture roots use the RecordingRunner, which records
// every call and answers from canned responses.

export interface RunResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  /** Ends the command (SIGTERM) when aborted: a read the program no longer waits for. */
  signal?: AbortSignal;
}

export interface CommandRunner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export class ExecaRunner implements CommandRunner {
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const { execa } = await import('execa');
    const [file, ...args] = argv;
    if (!file) throw new Error('empty command');
    const r = await execa(file, args, {
      reject: false,
      input: opts.input,
      timeout: opts.timeoutMs ?? 10 * 60_000,
      cancelSignal: opts.signal,
      env: { LC_ALL: 'C' },
      stripFinalNewline: false,
    });
    const exitCode = typeof r.exitCode === 'number' ? r.exitCode : 127;
    const stderr = String(r.stderr ?? '') || (r.failed && exitCode === 127 ? String(r.shortMessage ?? '') : '');
    return { argv: [...argv], exitCode, stdout: String(r.stdout ?? ''), stderr };
  }
}

/** A canned answer, or a function that computes one (and may act on a fixture tree). */
export type Response =
  | Partial<Omit<RunResult, 'argv'>>
  | ((
      argv: readonly string[],
      opts: RunOptions,
    ) => Partial<Omit<RunResult, 'argv'>> | Promise<Partial<Omit<RunResult, 'argv'>>>);

/**
 * Records every call. Responses are looked up by the full command line (argv joined by single
 * spaces), then by the program name alone; an unknown command answers exit 127.
 */
export class RecordingRunner implements CommandRunner {
  readonly calls: string[][] = [];
  constructor(private readonly responses: Record<string, Response> = {}) {}

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push([...argv]);
    const key = argv.join(' ');
    const resp = this.responses[key] ?? this.responses[argv[0] ?? ''];
    if (resp === undefined) {
      return { argv: [...argv], exitCode: 127, stdout: '', stderr: `${argv[0]}: not available on this fixture host\n` };
    }
    const r = typeof resp === 'function' ? await resp(argv, opts) : resp;
    return { argv: [...argv], exitCode: r.exitCode ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }
}
