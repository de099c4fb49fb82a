// The mocked host backend's command side: on a fixture or demo root nothing runs on the
// machine. Canned answers come from `<root>/.fixture/commands.json` (command line -> result),
// and commands that change state (qm set, ...) are simulated on the tree itself. A canned answer
// for a command line wins over the simulation of its program, so a fixture (or a test) can make
// `update-grub` fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingRunner, type Response } from './runner.ts';
import { simulatedCommands } from './simulated-commands.ts';

export const FIXTURE_DIR = '.fixture';

export function createFixtureRunner(root: string): RecordingRunner {
  let canned: Record<string, Response> = {};
  try {
    canned = JSON.parse(readFileSync(join(root, FIXTURE_DIR, 'commands.json'), 'utf8')) as Record<string, Response>;
  } catch {
    // No canned answers: every command not simulated answers "not available".
  }
  // The same answer objects: a simulated command may update one (ip link set ... vf: the VF settings).
  return new RecordingRunner({ ...simulatedCommands(root, canned), ...canned });
}
