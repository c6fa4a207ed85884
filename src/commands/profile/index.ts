import { groupCommand } from '../command.js';
import { addCommand } from './add.js';
import { deleteCommand } from './delete.js';
import { listCommand } from './list.js';
import { showCommand } from './show.js';
import { useCommand } from './use.js';

export const profileCommand = groupCommand({
  command: 'profile',
  describe: 'Named connection settings (brokers, SASL, TLS) in the config file',
  children: [listCommand, showCommand, useCommand, addCommand, deleteCommand],
  examples: [['$0 profile add dev --brokers kafka.dev:9092', 'Start here: save a cluster under a name']],
});
