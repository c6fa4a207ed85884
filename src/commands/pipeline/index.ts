import { groupCommand } from '../command.js';
import { graphCommand } from './graph.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

export const pipelineCommand = groupCommand({
  command: 'pipeline',
  describe: 'Exactly-once stages between topics: shell commands, JS map/filter, multi-stage files',
  children: [runCommand, validateCommand, graphCommand],
  examples: [["$0 pipeline run --from raw --to upper --exec 'tr a-z A-Z'", 'Start here: one stage, exactly once']],
});
