import type { CommandFactory } from '../command.js';
import { loadPipelineFile } from './spec.js';

export const validateCommand: CommandFactory = (ctx) => ({
  command: 'validate',
  describe: 'Check a pipeline file: keys, topics every stage reads, cycles',
  builder: (y) =>
    y
      .options({ file: { alias: 'f', type: 'string', demandOption: true, describe: 'The pipeline file (YAML)', requiresArg: true } })
      .example('$0 pipeline validate -f pipeline.yaml', 'Exit 0 if the file is a valid acyclic pipeline'),
  handler: (argv) => {
    const file = loadPipelineFile(argv.file as string);
    ctx.info(`${file.path}: ${file.stages.length} stage${file.stages.length === 1 ? '' : 's'}, no cycles, every topic read is an input or written by a stage`);
  },
});
