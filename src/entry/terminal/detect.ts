// What the terminal can show, decided once at start from the environment.
import { wantsAscii, wantsColour } from '../../ui/theme.ts';

export interface TerminalLook {
  colour: boolean;
  ascii: boolean;
}

export function detectTerminal(stdout: NodeJS.WritableStream, env: NodeJS.ProcessEnv): TerminalLook {
  return { colour: wantsColour(stdout, env), ascii: wantsAscii(env) };
}
