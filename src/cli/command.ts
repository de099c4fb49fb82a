// Every sub-command is one module exporting a CliCommand; src/entry/cli.ts only routes. The same
// table drives `--help`, the manual page and the shell's error messages.

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Environment to read (defaults to process.env); injected so tests need not mutate it. */
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full usage text printed by `<cmd> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Documented exit codes (see README / man page). */
export const EXIT = {
  ok: 0,
  /** Runtime failure (apply failed and was rolled back, unreadable root, ...). */
  failure: 1,
  /** Bad usage: unknown flag, malformed argument. */
  usage: 2,
  /** The plan has blocking errors, or confirmation was missing. */
  blocked: 3,
  /** Refused: not root on a real node, or another instance holds the lock. */
  refused: 4,
  /** Needs you: `status` — the node came back through the recovery entry, or the trial was not
   *  confirmed; `monitor` — at least one alert is active (a link down, errors rising). */
  attention: 5,
} as const;
