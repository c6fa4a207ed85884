import { groupCommand } from '../command.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { listCommand } from './list.js';

export const aclsCommand = groupCommand({
  command: 'acls',
  describe: 'List, create and delete ACLs (the cluster needs an authorizer)',
  children: [listCommand, createCommand, deleteCommand],
  examples: [
    ['$0 acls create --principal User:alice --consumer --topic orders --group billing', 'alice may consume orders in group billing'],
    ['$0 acls --add --allow-principal User:alice --operation Read --topic orders', 'The same kind of line kafka-acls.sh takes'],
  ],
});
