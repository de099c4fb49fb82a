// The table of sub-commands. Add a command by importing its module here.
import type { CliCommand } from './command.ts';
import { listCommand } from './list.ts';
import { applyCommand, planCommand } from './plan.ts';
import { historyCommand, rollbackCommand } from './rollback.ts';

export const commands: CliCommand[] = [listCommand, planCommand, applyCommand, rollbackCommand, historyCommand];
