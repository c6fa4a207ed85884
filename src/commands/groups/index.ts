import { groupCommand } from '../command.js';
import { deleteCommand } from './delete.js';
import { deleteOffsetsCommand } from './delete-offsets.js';
import { describeCommand } from './describe.js';
import { listCommand } from './list.js';
import { resetOffsetsCommand } from './reset-offsets.js';

export const groupsCommand = groupCommand({
  command: 'groups',
  describe: 'List, describe (with lag), reset the offsets of, and delete consumer groups',
  children: [listCommand, describeCommand, resetOffsetsCommand, deleteOffsetsCommand, deleteCommand],
  examples: [
    ['$0 groups describe billing', 'Start here: lag per partition of group billing'],
    ['$0 groups --describe --group billing', 'The same, as kafka-consumer-groups.sh writes it'],
  ],
});
