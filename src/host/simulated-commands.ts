// Commands whose effect on a fixture/demo tree is simulated (filled in by the apply layer).
import type { Response } from './runner.ts';

export function simulatedCommands(_root: string): Record<string, Response> {
  return {};
}
