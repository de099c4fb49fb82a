// Entry point of the single-file bundle and the standalone executable.
import './heap-tuning.ts'; // first: before anything allocates much
import { main } from './cli.ts';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`pve-passthrough: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
