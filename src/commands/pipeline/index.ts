import type { CommandFactory } from '../command.js';
import { graphCommand } from './graph.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

export const pipelineCommand: CommandFactory = (ctx) => ({
  command: 'pipeline',
  describe: 'Exactly-once stages between topics: shell commands, JS map/filter, multi-stage files',
  builder: (y) =>
    y
      .command(runCommand(ctx))
      .command(validateCommand(ctx))
      .command(graphCommand(ctx))
      .demandCommand(1, 'name a pipeline subcommand: run, validate or graph'),
  handler: () => undefined,
});
