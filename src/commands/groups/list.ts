import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';

export interface GroupSummary {
  group: string;
  state: string;
  protocolType: string;
  members: number;
}

export async function listGroups(admin: KafkaAdmin): Promise<GroupSummary[]> {
  const ids = (await admin.listGroups()).map((g) => g.groupId);
  return (await admin.describeGroups(ids))
    .map((g) => ({ group: g.groupId, state: g.state, protocolType: g.protocolType, members: g.members.length }))
    .sort((a, b) => a.group.localeCompare(b.group));
}

export function groupsView(groups: GroupSummary[], showState = false): View {
  return {
    head: ['GROUP', 'STATE', 'PROTOCOL-TYPE', 'MEMBERS'],
    rows: groups.map((g) => [g.group, g.state, g.protocolType || '-', g.members]),
    // Piped: the ids alone, or with --state `GROUP<tab>STATE` lines as Kafka's --list --state prints.
    plain: showState ? ['GROUP\tSTATE', ...groups.map((g) => `${g.group}\t${g.state}`)] : groups.map((g) => g.group),
    json: groups,
  };
}

/** `--state` alone shows the states; `--state Stable,Empty` also keeps only groups in them (any case). */
export function filterByState(groups: GroupSummary[], state: string | undefined): GroupSummary[] {
  if (!state) return groups;
  const wanted = new Set(state.split(',').map((s) => s.trim().toLowerCase()));
  return groups.filter((g) => wanted.has(g.state.toLowerCase()));
}

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list', 'ls'],
  describe: 'List consumer groups with their state',
  builder: (y) =>
    y
      .options({
        state: { type: 'string', describe: 'Show each group\'s state; with STATE[,STATE], only groups in those states' },
        ...outputOption,
      })
      .example('$0 groups list', 'Group ids, one per line when piped')
      .example('$0 groups list -o table', 'With state, protocol type and member count')
      .example('$0 groups list --state Stable', 'Only groups with running consumers'),
  handler: async (argv) => {
    const state = argv.state as string | undefined;
    const groups = filterByState(await withAdmin(connectionFrom(ctx, argv), ctx.io, listGroups), state);
    printView(ctx.io, groupsView(groups, state !== undefined), argv.output as OutputFormat | undefined);
  },
});
