import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin } from '../../kafka/admin/index.js';
import { outputOption, printView, type OutputFormat } from '../../output.js';
import { aclOptions, filtersFrom, type AclArgs } from './spec.js';
import { aclsView, sortAcls } from './view.js';

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list', 'ls'],
  describe: 'List ACLs, all of them or those matching the flags',
  builder: (y) =>
    y
      .options({ ...aclOptions, ...outputOption })
      .example('$0 acls list', 'Every ACL of the cluster')
      .example('$0 acls list --topic orders --pattern-type match', 'Every ACL that applies to topic orders (literal, prefixed, *)')
      .example('$0 acls --list --principal User:alice', 'As kafka-acls.sh writes it'),
  handler: async (argv) => {
    const filters = filtersFrom(argv as AclArgs);
    const found = await withAdmin(connectionFrom(ctx, argv), ctx.io, async (admin) => (await Promise.all(filters.map((f) => admin.describeAcls(f)))).flat());
    printView(ctx.io, aclsView(sortAcls(dedupe(found))), argv.output as OutputFormat | undefined);
  },
});

function dedupe<T>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(JSON.stringify(i)) && (seen.add(JSON.stringify(i)), true));
}
