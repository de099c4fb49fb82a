// The table of sub-commands. Add a command by importing its module here.
import { checkCommand } from './check.ts';
import type { CliCommand } from './command.ts';
import { listCommand } from './list.ts';
import { monitorCommand } from './monitor.ts';
import { applyCommand, planCommand } from './plan.ts';
import { historyCommand, rollbackCommand } from './rollback.ts';
import { tuiCommand } from './tui.ts';
import { confirmCommand, statusCommand } from './trial.ts';

export const commands: CliCommand[] = [
  tuiCommand,
  listCommand,
  checkCommand,
  planCommand,
  applyCommand,
  rollbackCommand,
  historyCommand,
  statusCommand,
  confirmCommand,
  monitorCommand,
];
