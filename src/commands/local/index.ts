import { groupCommand } from '../command.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';

export const localCommand = groupCommand({
  command: 'local',
  describe: 'Run Apache Kafka on this machine (one node, or a cluster with --nodes), without Docker',
  children: [startCommand, stopCommand, statusCommand],
  examples: [['$0 local start', 'Start here: a broker on localhost:9092']],
});
