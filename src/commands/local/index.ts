import type { CommandFactory } from '../command.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';

export const localCommand: CommandFactory = (ctx) => ({
  command: 'local',
  describe: 'Run Apache Kafka on this machine (one node, or a cluster with --nodes), without Docker',
  builder: (y) =>
    y
      .command(startCommand(ctx))
      .command(stopCommand(ctx))
      .command(statusCommand(ctx))
      .demandCommand(1, 'name a local subcommand: start, stop or status'),
  handler: () => undefined,
});
