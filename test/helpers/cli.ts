// Runs the CLI in-process with captured streams.
import { PassThrough } from 'node:stream';
import { main } from '../../src/entry/cli.ts';

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const code = await main(args, { stdout: out, stderr: err, env });
  return { code, stdout, stderr };
}
