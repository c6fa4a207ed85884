import type { CommandFactory } from '../command.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';

export const localCommand: CommandFactory = (ctx) => ({
  command: 'local',
  describe: 'Run a single-node Apache Kafka on this machine, without Docker',
  builder: (y) =>
    y
      .command(startCommand(ctx))
      .command(stopCommand(ctx))
      .command(statusCommand(ctx))
      .demandCommand(1, 'name a local subcommand: start, stop or status'),
  handler: () => undefined,
});
