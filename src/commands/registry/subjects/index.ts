import { groupCommand } from '../../command.js';
import { listCommand } from './list.js';

export const subjectsCommand = groupCommand({
  command: 'subjects',
  describe: 'The subjects of the registry',
  children: [listCommand],
  examples: [['$0 registry subjects list', 'Every subject']],
});
