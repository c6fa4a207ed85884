import type { CommandFactory } from '../command.js';
import { alterCommand } from './alter.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { listCommand } from './list.js';

export const topicsCommand: CommandFactory = (ctx) => ({
  command: 'topics',
  describe: 'Create, list, describe, alter and delete topics',
  builder: (y) =>
    y
      .command(createCommand(ctx))
      .command(listCommand(ctx))
      .command(describeCommand(ctx))
      .command(alterCommand(ctx))
      .command(deleteCommand(ctx))
      .demandCommand(1, 'name a topics subcommand: create, list, describe, alter or delete'),
  handler: () => undefined,
});
