import type { Admin } from '../../kafkajs.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { withAdmin } from '../../connection.js';
import { outputOption, printView, resolveFormat, type OutputFormat, type View } from '../../output.js';
import { assignedPartitions, describeGroup, fetchCommitted, groupNotFound, watermarks, type GroupState } from './group.js';

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

export async function describeConsumerGroup(admin: Admin, groupId: string): Promise<GroupDescription> {
  const [group, committed] = await Promise.all([describeGroup(admin, groupId), fetchCommitted(admin, groupId)]);
  if (group.state === 'Dead' && committed.size === 0) throw groupNotFound(groupId);
  const members = await describeMembers(group);
  const owner = new Map<string, string>();
  for (const m of members) for (const a of m.assignment) for (const p of a.partitions) owner.set(`${a.topic}:${p}`, m.memberId);
  const topics = [...new Set([...committed.keys(), ...members.flatMap((m) => m.assignment.map((a) => a.topic))])].sort();
  const existing = new Set(await admin.listTopics());
  const offsets: PartitionLag[] = [];
  for (const topic of topics) {
    const marks = existing.has(topic) ? await watermarks(admin, topic) : new Map<number, { low: number; high: number }>();
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
        memberId: owner.get(`${topic}:${partition}`) ?? null,
      });
    }
  }
  const totalLag = offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0);
  return { group: groupId, state: group.state, protocolType: group.protocolType, protocol: group.protocol, members, offsets, totalLag };
}

async function describeMembers(group: GroupState): Promise<MemberDescription[]> {
  const members: MemberDescription[] = [];
  for (const m of group.members) {
    const assigned = await assignedPartitions(group, m.memberAssignment);
    members.push({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost.replace(/^\//, ''),
      assignment: Object.entries(assigned).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) })),
    });
  }
  return members;
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

export const describeCommand: CommandFactory = (ctx) => ({
  command: 'describe <group>',
  describe: 'Show a group\'s state, members, and committed offset, log end and lag per partition',
  builder: (y) =>
    y
      .positional('group', { type: 'string', describe: 'Group id' })
      .options({ ...outputOption })
      .example('$0 groups describe billing', 'Offsets and lag per partition, members below')
      .example('$0 groups describe billing -o json', 'The same as JSON, with totalLag'),
  handler: async (argv) => {
    const d = await withAdmin(connectionFrom(ctx, argv), ctx.io, (admin) => describeConsumerGroup(admin, argv.group as string));
    const format = argv.output as OutputFormat | undefined;
    if (resolveFormat(format, ctx.io.stdout) !== 'json') ctx.info(groupSummary(d));
    printView(ctx.io, groupView(d), format);
  },
});
