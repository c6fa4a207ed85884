import { groupCommand } from '../command.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { listCommand } from './list.js';

export const usersCommand = groupCommand({
  command: 'users',
  describe: 'List, create and delete SCRAM users (their credentials live in the cluster)',
  children: [listCommand, createCommand, deleteCommand],
  examples: [
    ['KSTREAM_USER_PASSWORD=s3cret $0 users create alice', 'alice can log in with SCRAM-SHA-256 and SCRAM-SHA-512'],
    ['$0 users list', 'Users and their mechanisms'],
  ],
});
