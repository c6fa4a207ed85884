import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin } from '../../kafka/admin/index.js';
import { UsageError } from '../../errors.js';
import { outputOption, printView, type OutputFormat } from '../../output.js';
import { aclOptions, filtersFrom, hasResource, type AclArgs } from './spec.js';
import { aclsView, sortAcls } from './view.js';

export const deleteCommand: CommandFactory = (ctx) => ({
  command: ['delete', 'remove'],
  describe: 'Delete the ACLs matching the flags, and print them',
  builder: (y) =>
    y
      .options({ ...aclOptions, ...outputOption })
      .example('$0 acls delete --principal User:alice --topic orders', "Every ACL of alice's on topic orders")
      .example('$0 acls --remove --allow-principal User:alice --operation Read --topic orders --force', 'As kafka-acls.sh writes it'),
  handler: async (argv) => {
    const args = argv as AclArgs;
    // A filter without a resource would match every ACL of the cluster: too easy to type by mistake.
    if (!hasResource(args)) throw new UsageError('name the resources whose ACLs to delete', { hint: 'pass --topic, --group, --transactional-id or --cluster (--topic \'*\' --pattern-type any for all topics)' });
    const deleted = await withAdmin(connectionFrom(ctx, argv), ctx.io, (admin) => admin.deleteAcls(filtersFrom(args)));
    ctx.info(deleted.length ? `deleted ${deleted.length} ACL${deleted.length === 1 ? '' : 's'}` : 'no ACL matched; nothing deleted');
    printView(ctx.io, aclsView(sortAcls(deleted)), argv.output as OutputFormat | undefined);
  },
});
