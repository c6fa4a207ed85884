import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { outputOption, printView, resolveFormat, type OutputFormat, type View } from '../../output.js';
import { groupNotFound, watermarks } from './group.js';
import { tpKey, type Watermarks } from '../../kafka/types.js';
import { watchGroups, watchOptions, watchSettings } from './watch.js';

export interface MemberDescription {
  memberId: string;
  clientId: string;
  host: string;
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** null: the group never committed an offset here. */
  committed: number | null;
  /** null: the topic no longer exists. */
  logEnd: number | null;
  /** logEnd - committed; with no commit, every record in the partition (logEnd - logStart). */
  lag: number | null;
  memberId: string | null;
}

export interface GroupDescription {
  group: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: MemberDescription[];
  offsets: PartitionLag[];
  totalLag: number;
}

export async function describeConsumerGroup(admin: KafkaAdmin, groupId: string): Promise<GroupDescription> {
  const [group, committed] = await Promise.all([admin.describeGroup(groupId), admin.committedOffsets(groupId)]);
  if (group.state === 'Dead' && committed.size === 0) throw groupNotFound(groupId);
  const members = group.members;
  const owner = new Map<string, string>();
  for (const m of members) for (const a of m.assignment) for (const p of a.partitions) owner.set(tpKey(a.topic, p), m.memberId);
  const topics = [...new Set([...committed.keys(), ...members.flatMap((m) => m.assignment.map((a) => a.topic))])].sort();
  const existing = new Set(await admin.listTopics());
  const offsets: PartitionLag[] = [];
  for (const topic of topics) {
    const marks = existing.has(topic) ? await watermarks(admin, topic) : new Map<number, Watermarks>();
    const partitions = new Set([...marks.keys(), ...(committed.get(topic)?.keys() ?? [])]);
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const c = committed.get(topic)?.get(partition) ?? null;
      const mark = marks.get(partition);
      offsets.push({
        topic,
        partition,
        committed: c,
        logEnd: mark?.high ?? null,
        lag: mark === undefined ? null : mark.high - (c ?? mark.low),
        memberId: owner.get(tpKey(topic, partition)) ?? null,
      });
    }
  }
  const totalLag = offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0);
  return { group: groupId, state: group.state, protocolType: group.protocolType, protocol: group.protocol, members, offsets, totalLag };
}

export function groupView(d: GroupDescription): View {
  const byId = new Map(d.members.map((m) => [m.memberId, m]));
  return {
    head: ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    rows: d.offsets.map((o) => {
      const m = o.memberId === null ? undefined : byId.get(o.memberId);
      return [o.topic, o.partition, o.committed, o.logEnd, o.lag, m?.memberId, m?.host, m?.clientId];
    }),
    json: d,
    sections: [{
      title: 'MEMBERS',
      view: {
        head: ['CONSUMER-ID', 'HOST', 'CLIENT-ID', 'PARTITIONS'],
        rows: d.members.map((m) => [m.memberId, m.host, m.clientId, m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '-']),
      },
    }],
  };
}

/** The line above the table: what a reader checks first. */
export function groupSummary(d: GroupDescription): string {
  const members = d.members.length === 0 ? 'no active members' : `${d.members.length} member${d.members.length === 1 ? '' : 's'}`;
  return `group ${d.group}: ${d.state}, ${members}, total lag ${d.totalLag}`;
}

/** Kafka's --members view: one row per member, with its partitions. */
export function membersView(all: GroupDescription[]): View {
  return {
    head: ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'],
    rows: all.flatMap((d) => d.members.map((m) => [
      d.group, m.memberId, m.host, m.clientId, m.assignment.reduce((n, a) => n + a.partitions.length, 0),
      m.assignment.map((a) => `${a.topic}(${a.partitions.join(',')})`).join(',') || '-',
    ])),
    json: all.map((d) => ({ group: d.group, members: d.members })),
  };
}

/** Kafka's --state view: one row per group. */
export function stateView(all: GroupDescription[]): View {
  return {
    head: ['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    rows: all.map((d) => [d.group, d.protocol || '-', d.state, d.members.length]),
    json: all.map((d) => ({ group: d.group, protocol: d.protocol, state: d.state, members: d.members.length })),
  };
}

type DescribeView = 'offsets' | 'members' | 'state';

function chosenView(argv: { members?: boolean; state?: boolean; offsets?: boolean }): DescribeView {
  const views = (['members', 'state', 'offsets'] as const).filter((v) => argv[v]);
  if (views.length > 1) throw new UsageError(`pass one of --members, --state and --offsets, not ${views.map((v) => '--' + v).join(' and ')}`);
  return views[0] ?? 'offsets';
}

async function allGroupIds(admin: KafkaAdmin): Promise<string[]> {
  return (await admin.listGroups()).map((g) => g.groupId);
}

function printDescriptions(ctx: Context, all: GroupDescription[], view: DescribeView, format: OutputFormat | undefined): void {
  if (view === 'members') return printView(ctx.io, membersView(all), format);
  if (view === 'state') return printView(ctx.io, stateView(all), format);
  const resolved = resolveFormat(format, ctx.io.stdout);
  if (resolved === 'json') {
    ctx.io.stdout.write(JSON.stringify(all.length === 1 ? all[0] : all) + '\n');
    return;
  }
  all.forEach((d, i) => {
    if (i > 0) ctx.io.stdout.write('\n');
    ctx.info(groupSummary(d));
    printView(ctx.io, groupView(d), format);
  });
}

export const describeCommand: CommandFactory = (ctx) => ({
  command: 'describe [groups..]',
  describe: 'Show groups\' state, members, and committed offset, log end and lag per partition',
  builder: (y) =>
    y
      .positional('groups', { type: 'string', array: true, describe: 'Group ids' })
      .options({
        'all-groups': { type: 'boolean', default: false, describe: 'Describe every group' },
        offsets: { type: 'boolean', describe: 'Offsets and lag per partition (the default view)' },
        members: { type: 'boolean', describe: 'One row per member: client, host and partitions' },
        state: { type: 'boolean', describe: 'One row per group: assignment strategy, state and member count' },
        watch: { alias: 'w', type: 'boolean', default: false, describe: 'Live: lag, rates, age of the oldest unread record and trend, refreshed each --interval (JSON lines when piped)' },
        ...watchOptions,
        ...outputOption,
      })
      .example('$0 groups describe billing', 'Offsets and lag per partition, members below')
      .example('$0 groups describe billing -o json', 'The same as JSON, with totalLag')
      .example('$0 groups describe --all-groups --state', 'The state of every group')
      .example('$0 groups describe billing --watch', 'Live lag, rates and the age of the oldest unread record')
      .example("$0 groups describe billing --watch --count 5 | jq .groups[0].totalLag", 'Five JSON samples, one a second, for a script'),
  handler: async (argv) => {
    const given = [...new Set((argv.groups as string[] | undefined) ?? [])];
    if (given.length && argv.allGroups) throw new UsageError('pass either group ids or --all-groups, not both');
    if (!given.length && !argv.allGroups) throw new UsageError('name a group to describe', { hint: 'e.g. `kstream groups describe billing`, or --all-groups; see `kstream groups list`' });
    const view = chosenView({ members: argv.members, state: argv.state, offsets: argv.offsets });
    if (argv.watch) {
      if (view !== 'offsets') throw new UsageError('--watch shows offsets and lag; it takes no --members or --state');
      const groups = async (admin: KafkaAdmin) => (given.length ? given : allGroupIds(admin));
      return watchGroups(ctx, connectionFrom(ctx, argv), { groups, view: 'partitions', ...watchSettings(argv as { interval?: string; count?: string; output?: string }) });
    }
    const all = await withAdmin(connectionFrom(ctx, argv), ctx.io, async (admin) => {
      const ids = given.length ? given : await allGroupIds(admin);
      const out: GroupDescription[] = [];
      for (const id of ids) out.push(await describeConsumerGroup(admin, id));
      return out;
    });
    printDescriptions(ctx, all, view, argv.output as OutputFormat | undefined);
  },
});
