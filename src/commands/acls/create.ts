import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin } from '../../kafka/admin/index.js';
import { outputOption, printView, type OutputFormat } from '../../output.js';
import { aclOptions, bindingsFrom, type AclArgs } from './spec.js';
import { aclsView } from './view.js';

export const createCommand: CommandFactory = (ctx) => ({
  command: ['create', 'add'],
  describe: 'Create ACLs: every --principal × --host × --operation × resource',
  builder: (y) =>
    y
      .options({ ...aclOptions, ...outputOption })
      .example('$0 acls create --principal User:alice --operation read --topic orders --group billing', 'alice may read orders and use group billing')
      .example('$0 acls create --principal User:bob --producer --topic orders- --pattern-type prefixed', 'bob may write every topic whose name starts with orders-')
      .example('$0 acls --add --allow-principal User:alice --operation Read --topic orders', 'As kafka-acls.sh writes it'),
  handler: async (argv) => {
    const acls = bindingsFrom(argv as AclArgs);
    await withAdmin(connectionFrom(ctx, argv), ctx.io, (admin) => admin.createAcls(acls));
    ctx.info(`created ${acls.length} ACL${acls.length === 1 ? '' : 's'}`);
    printView(ctx.io, aclsView(acls), argv.output as OutputFormat | undefined);
  },
});
