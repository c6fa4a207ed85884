import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { ExitCode, UsageError } from '../../errors.js';
import { outputOption, type OutputFormat } from '../../output.js';
import { reportItems, type ItemStatus } from '../../report.js';
import { requireTopics } from '../../kafka/topic.js';
import { groupNotFound } from './group.js';
import { mergeSelections, parseTopicSpec, type TopicSelection } from './plan.js';

/** Why Kafka refused, in words a user can act on. */
const REFUSALS: Record<string, string> = {
  GROUP_SUBSCRIBED_TO_TOPIC: 'the group has active consumers of this topic; stop them first',
  GROUP_ID_NOT_FOUND: 'the group does not exist',
  NON_EMPTY_GROUP: 'the group has active members; stop its consumers first',
  UNKNOWN_TOPIC_OR_PARTITION: 'no such topic or partition',
};

/** The partitions to delete: those named, or every partition the group committed for a bare topic. */
async function partitionsToDelete(admin: KafkaAdmin, group: string, selections: TopicSelection[]): Promise<Map<string, number[]>> {
  const state = await admin.describeGroup(group);
  const committed = await admin.committedOffsets(group);
  if (state.state === 'Dead' && committed.size === 0) throw groupNotFound(group);
  await requireTopics(admin, selections.map((s) => s.topic));
  const out = new Map<string, number[]>();
  for (const s of selections) {
    const partitions = s.partitions ?? [...(committed.get(s.topic)?.keys() ?? [])].sort((a, b) => a - b);
    if (partitions.length) out.set(s.topic, partitions);
  }
  return out;
}

export async function deleteGroupOffsets(admin: KafkaAdmin, group: string, selections: TopicSelection[]): Promise<ItemStatus[]> {
  const targets = await partitionsToDelete(admin, group, selections);
  if (targets.size === 0) return [];
  const result = await admin.deleteCommittedOffsets(group, targets);
  if (result.error) {
    const message = REFUSALS[result.error] ?? result.error;
    return [...targets].flatMap(([topic, ps]) => ps.map((p) => ({ name: `${topic}:${p}`, ok: false, message, exitCode: ExitCode.USAGE })));
  }
  return result.partitions.map((p) => p.error
    ? { name: `${p.topic}:${p.partition}`, ok: false, message: REFUSALS[p.error] ?? p.error, exitCode: ExitCode.USAGE }
    : { name: `${p.topic}:${p.partition}`, ok: true, message: 'offset deleted' });
}

export const deleteOffsetsCommand: CommandFactory = (ctx) => ({
  command: 'delete-offsets <group>',
  describe: "Delete a group's committed offsets for some topics or partitions",
  builder: (y) =>
    y
      .positional('group', { type: 'string', describe: 'Group id' })
      .options({
        topic: { alias: 't', type: 'string', array: true, describe: 'Topic, or TOPIC:P,P… for some partitions (repeatable)', requiresArg: true },
        ...outputOption,
      })
      .example('$0 groups delete-offsets billing --topic orders', "Forget where billing stands in orders: it starts again as a new group would")
      .example('$0 groups delete-offsets billing --topic orders:0,1', 'Only two partitions'),
  handler: async (argv) => {
    const specs = (argv.topic as string[] | undefined) ?? [];
    if (specs.length === 0) throw new UsageError('name the topics whose offsets to delete', { hint: 'pass --topic T[:P,P…]' });
    const group = argv.group as string;
    const selections = mergeSelections(specs.map(parseTopicSpec));
    const conn = connectionFrom(ctx, argv);
    const results = await withAdmin(conn, ctx.io, (admin) => deleteGroupOffsets(admin, group, selections));
    if (results.length === 0) return ctx.info(`group ${group} has no committed offsets for ${selections.map((s) => s.topic).join(', ')}; nothing to delete`);
    reportItems(ctx, 'partition', results, argv.output as OutputFormat | undefined);
  },
});
