import { groupCommand } from '../command.js';
import { alterCommand } from './alter.js';
import { describeCommand } from './describe.js';

export const configsCommand = groupCommand({
  command: 'configs',
  describe: 'Describe and change configs of topics, brokers and groups',
  children: [describeCommand, alterCommand],
  examples: [
    ['$0 configs describe --topic orders --all', 'Every config of a topic with its source'],
    ['$0 configs alter --topic orders --add-config retention.ms=86400000', 'Set one, keeping the others'],
    ['$0 configs --entity-type topics --entity-name orders --describe', 'As kafka-configs.sh writes it'],
  ],
});
