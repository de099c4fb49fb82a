// One place that turns thrown errors into a message on stderr and an exit code.
import { UsageError } from './args.ts';
import { EXIT, type CliIO } from './command.ts';

export async function runGuarded(io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const usage = e instanceof UsageError;
    io.stderr.write(`pve-passthrough: ${(e as Error).message}\n`);
    return usage ? EXIT.usage : EXIT.failure;
  }
}
