import type { CommandFactory } from '../command.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { listCommand } from './list.js';
import { resetOffsetsCommand } from './reset-offsets.js';

export const groupsCommand: CommandFactory = (ctx) => ({
  command: 'groups',
  describe: 'List, describe (with lag), reset the offsets of, and delete consumer groups',
  builder: (y) =>
    y
      .command(listCommand(ctx))
      .command(describeCommand(ctx))
      .command(resetOffsetsCommand(ctx))
      .command(deleteCommand(ctx))
      .demandCommand(1, 'name a groups subcommand: list, describe, reset-offsets or delete'),
  handler: () => undefined,
});
