import { groupCommand } from '../command.js';
import { alterCommand } from './alter.js';
import { cloneCommand } from './clone.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { listCommand } from './list.js';
import { deleteRecordsCommand } from './delete-records.js';
import { electLeadersCommand } from './elect-leaders.js';

export const topicsCommand = groupCommand({
  command: 'topics',
  describe: 'Create, list, describe, alter and delete topics',
  children: [createCommand, listCommand, describeCommand, alterCommand, deleteCommand, deleteRecordsCommand, electLeadersCommand, cloneCommand],
  examples: [
    ['$0 topics create orders --partitions 3', 'Start here: a topic with three partitions'],
    ['$0 topics --create --topic orders --partitions 3', "The same, as kafka-topics.sh writes it"],
  ],
});
