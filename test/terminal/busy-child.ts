// Child process for busy.test.ts: a session (on fake streams) with a slow "apply" in progress
// when a signal arrives. Prints what happened, in order, on stdout.
import { PassThrough } from 'node:stream';
import { startSession } from '../../src/entry/terminal/session.ts';

const screen = Object.assign(new PassThrough(), {
  isTTY: true,
  columns: 80,
  rows: 24,
}) as unknown as NodeJS.WriteStream;
const keys = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
const messages = new PassThrough();
messages.on('data', (d) => process.stdout.write(`stderr: ${d}`));
const session = startSession({ stdin: keys, stdout: screen, stderr: messages, env: {}, realHost: false });
const signals = (process.env.SIGNALS ?? 'SIGTERM').split(',') as NodeJS.Signals[];
void session.whileBusy(
  new Promise<void>((resolve) =>
    setTimeout(() => {
      process.stdout.write('apply finished\n');
      resolve();
    }, 300),
  ),
);
setTimeout(() => {
  for (const s of signals) process.kill(process.pid, s);
}, 50);
setTimeout(() => process.stdout.write('still running\n'), 200);
