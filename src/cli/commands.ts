// The table of sub-commands. Add a command by importing its module here.
import type { CliCommand } from './command.ts';

export const commands: CliCommand[] = [];
