import type { CommandFactory } from '../command.js';
import { graphDot, graphText, loadPipelineFile } from './spec.js';

export const graphCommand: CommandFactory = (ctx) => ({
  command: 'graph',
  describe: 'Print the stages of a pipeline file as text or Graphviz DOT',
  builder: (y) =>
    y
      .options({
        file: { alias: 'f', type: 'string', demandOption: true, describe: 'The pipeline file (YAML)', requiresArg: true },
        dot: { type: 'boolean', default: false, describe: 'Print Graphviz DOT instead of text' },
      })
      .example('$0 pipeline graph -f pipeline.yaml', 'One line per stage, in order')
      .example('$0 pipeline graph -f pipeline.yaml --dot | dot -Tsvg > pipeline.svg', 'Draw it'),
  handler: (argv) => {
    const file = loadPipelineFile(argv.file as string);
    ctx.io.stdout.write(argv.dot ? graphDot(file) : graphText(file));
  },
});
