import type { CommandFactory } from '../command.js';
import { addCommand } from './add.js';
import { deleteCommand } from './delete.js';
import { listCommand } from './list.js';
import { showCommand } from './show.js';
import { useCommand } from './use.js';

export const profileCommand: CommandFactory = (ctx) => ({
  command: 'profile',
  describe: 'Named connection settings (brokers, SASL, TLS) in the config file',
  builder: (y) =>
    y
      .command(listCommand(ctx))
      .command(showCommand(ctx))
      .command(useCommand(ctx))
      .command(addCommand(ctx))
      .command(deleteCommand(ctx))
      .demandCommand(1, 'name a profile subcommand: list, show, use, add or delete'),
  handler: () => undefined,
});
