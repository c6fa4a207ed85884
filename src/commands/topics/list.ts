import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { outputOption, printView, type OutputFormat, type View } from '../../output.js';

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
}

export async function listTopics(admin: KafkaAdmin, opts: { internal: boolean }): Promise<TopicSummary[]> {
  const names = (await admin.listTopics()).filter((n) => opts.internal || !n.startsWith('__')).sort();
  if (names.length === 0) return [];
  return (await admin.describeTopics(names))
    .map((t) => ({
      name: t.name,
      partitions: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      internal: t.name.startsWith('__'),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function topicsView(topics: TopicSummary[]): View {
  return {
    head: ['NAME', 'PARTITIONS', 'REPLICAS'],
    rows: topics.map((t) => [t.name, t.partitions, t.replicationFactor]),
    plain: topics.map((t) => t.name),
    json: topics,
  };
}

export const listCommand: CommandFactory = (ctx) => ({
  command: ['list', 'ls'],
  describe: 'List topics',
  builder: (y) =>
    y
      .options({
        internal: { type: 'boolean', default: false, describe: 'Include internal topics such as __consumer_offsets' },
        ...outputOption,
      })
      .example('$0 topics list', 'Names, one per line when piped')
      .example('$0 topics list -o json', 'Names, partitions and replication factor as JSON'),
  handler: async (argv) => {
    const topics = await withAdmin(connectionFrom(ctx, argv), ctx.io, (admin) => listTopics(admin, { internal: argv.internal }));
    printView(ctx.io, topicsView(topics), argv.output as OutputFormat | undefined);
  },
});
