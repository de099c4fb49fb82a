// The table of sub-commands. Add a command by importing its module here.
import type { CliCommand } from './command.ts';
import { listCommand } from './list.ts';

export const commands: CliCommand[] = [listCommand];
