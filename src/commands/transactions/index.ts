import { groupCommand } from '../command.js';
import { abortCommand } from './abort.js';
import { describeCommand } from './describe.js';
import { describeProducersCommand } from './describe-producers.js';
import { listCommand } from './list.js';

export const transactionsCommand = groupCommand({
  command: 'transactions',
  describe: 'List, describe and abort transactions; find the producer holding a partition back',
  children: [listCommand, describeCommand, describeProducersCommand, abortCommand],
  examples: [
    ['$0 transactions list', 'Every transactional id the cluster knows, with its state'],
    ['$0 transactions describe-producers --topic orders --partition 0', 'Who has an open transaction there, from which offset'],
  ],
});
