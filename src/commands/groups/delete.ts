import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { ExitCode, KstreamError, UsageError } from '../../errors.js';
import { kafkaCode } from '../../kafka/errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { confirm } from '../../prompt.js';
import { reportItems, type ItemStatus } from '../../report.js';

/** Why Kafka refused to delete one group, in words a user can act on. */
const REFUSALS: Record<string, string> = {
  GROUP_ID_NOT_FOUND: 'does not exist',
  NON_EMPTY_GROUP: 'has active members; stop its consumers first',
};

/** Deletes each group in turn so that every one gets its own status. */
export async function deleteGroups(admin: KafkaAdmin, groups: string[]): Promise<ItemStatus[]> {
  const results: ItemStatus[] = [];
  for (const group of groups) {
    try {
      await admin.deleteGroup(group);
      results.push({ name: group, ok: true, message: 'deleted' });
    } catch (err) {
      const refusal = REFUSALS[kafkaCode(err) ?? ''];
      results.push(refusal
        ? { name: group, ok: false, message: refusal, exitCode: ExitCode.USAGE }
        : { name: group, ok: false, message: (err as Error).message, exitCode: ExitCode.KAFKA });
    }
  }
  return results;
}

export const deleteCommand: CommandFactory = (ctx) => ({
  command: ['delete [groups..]', 'rm'],
  describe: 'Delete consumer groups and their committed offsets',
  builder: (y) =>
    y
      .positional('groups', { type: 'string', array: true, describe: 'Group ids' })
      .options({
        yes: { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation' },
        'all-groups': { type: 'boolean', default: false, describe: 'Delete every group that has no active members' },
        ...outputOption,
      })
      .example('$0 groups delete billing --yes', 'Delete without asking')
      .example('$0 groups delete old-a old-b', 'Asks once on a terminal, then one status row each'),
  handler: async (argv) => {
    const named = [...new Set((argv.groups as string[] | undefined) ?? [])];
    if (named.length && argv.allGroups) throw new UsageError('pass either group ids or --all-groups, not both');
    const conn = connectionFrom(ctx, argv);
    const groups = argv.allGroups ? await withAdmin(conn, ctx.io, async (admin) => (await admin.listGroups()).map((g) => g.groupId)) : named;
    if (groups.length === 0) {
      if (argv.allGroups) return ctx.info('no groups to delete');
      throw new UsageError('name at least one group to delete', { hint: 'or pass --all-groups' });
    }
    const what = groups.length === 1 ? `group '${groups[0]}'` : `${groups.length} groups (${groups.join(', ')})`;
    if (!argv.yes && !(await confirm(ctx, `Delete ${what} and ${groups.length === 1 ? 'its' : 'their'} committed offsets?`))) {
      throw new KstreamError('nothing deleted', { exitCode: ExitCode.USAGE });
    }
    const results = await withAdmin(conn, ctx.io, (admin) => deleteGroups(admin, groups));
    reportItems(ctx, 'group', results, argv.output as OutputFormat | undefined);
  },
});
