import type { KafkaAdmin } from '../kafka/admin/index.js';
import type { CommandFactory } from './command.js';
import { connectionFrom } from './command.js';
import { watchGroups, watchOptions, watchSettings } from './groups/watch.js';
import { outputOption } from '../output.js';

/** Consumer groups (not Connect workers or other protocols): those named, or every one, listed again at each refresh. */
async function consumerGroups(admin: KafkaAdmin, given: string[]): Promise<string[]> {
  if (given.length) return given;
  const groups = await admin.listGroups();
  return groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId).sort();
}

export const topCommand: CommandFactory = (ctx) => ({
  command: 'top [groups..]',
  describe: 'Live view of consumer groups: lag, trend, consume and produce rates, age of the oldest unread record',
  builder: (y) =>
    y
      .positional('groups', { type: 'string', array: true, describe: 'Group ids (default: every consumer group)' })
      .options({ ...watchOptions, ...outputOption })
      .example('$0 top', 'Every consumer group, refreshed each second; Ctrl-C to quit')
      .example('$0 top billing shipping --interval 5s', 'Two groups, every five seconds')
      .example('$0 top --count 1 | jq -c \'.groups[] | {group, totalLag, maxAgeMs}\'', 'One JSON sample for a script'),
  handler: async (argv) => {
    const given = [...new Set((argv.groups as string[] | undefined) ?? [])];
    await watchGroups(ctx, connectionFrom(ctx, argv), { groups: (admin) => consumerGroups(admin, given), view: 'groups', ...watchSettings(argv as { interval?: string; count?: string; output?: string }) });
  },
});
