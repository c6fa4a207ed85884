import { groupCommand } from '../command.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';
import { stopCommand } from './stop.js';

export const localCommand = groupCommand({
  command: 'local',
  describe: 'Run a single-node Apache Kafka on this machine, without Docker',
  children: [startCommand, stopCommand, statusCommand],
  examples: [['$0 local start', 'Start here: a broker on localhost:9092']],
});
