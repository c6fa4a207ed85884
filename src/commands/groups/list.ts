import type { Admin } from '../../kafkajs.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin } from '../../connection.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';

export interface GroupSummary {
  group: string;
  state: string;
  protocolType: string;
  members: number;
}

export async function listGroups(admin: Admin): Promise<GroupSummary[]> {
  const ids = (await admin.listGroups()).groups.map((g) => g.groupId);
  if (ids.length === 0) return [];
  const { groups } = await admin.describeGroups(ids);
  return groups
    .map((g) => ({ group: g.groupId, state: g.state, protocolType: g.protocolType, members: g.members.length }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

export function groupsView(groups: GroupSummary[]): View {
  return {
    head: ['GROUP', 'STATE', 'PROTOCOL-TYPE', 'MEMBERS'],
    rows: groups.map((g) => [g.group, g.state, g.protocolType || '-', g.members]),
    plain: groups.map((g) => g.group),
    json: groups,
  };
}

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list', 'ls'],
  describe: 'List consumer groups with their state',
  builder: (y) =>
    y
      .options({ ...outputOption })
      .example('$0 groups list', 'Group ids, one per line when piped')
      .example('$0 groups list -o table', 'With state, protocol type and member count'),
  handler: async (argv) => {
    const groups = await withAdmin(connectionFrom(ctx, argv), ctx.io, listGroups);
    printView(ctx.io, groupsView(groups), argv.output as OutputFormat | undefined);
  },
});
