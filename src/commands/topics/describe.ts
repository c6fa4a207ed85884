import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import { outputOption, printView, render, resolveFormat, type OutputFormat, type View } from '../../output.js';
import { requireTopics, validateTopicName } from '../../kafka/topic.js';


export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  lowWatermark: number;
  highWatermark: number;
  /** high - low: exact for plain topics; compaction and transaction markers make it an upper bound. */
  records: number;
}

export interface TopicDescription {
  name: string;
  partitions: PartitionDescription[];
  configs: Array<{ name: string; value: string | null; isDefault: boolean; sensitive: boolean }>;
}

export async function describeTopic(admin: KafkaAdmin, topic: string, opts: { allConfigs: boolean }): Promise<TopicDescription> {
  await requireTopics(admin, [topic]);
  const [[info], marks, entries] = await Promise.all([
    admin.describeTopics([topic]),
    admin.watermarks(topic),
    admin.describeConfigs({ type: 'topics', name: topic }),
  ]);
  const byPartition = new Map(marks.map((o) => [o.partition, o]));
  const partitions = info!.partitions.map((p) => {
    const { low = 0, high = 0 } = byPartition.get(p.partition) ?? {};
    return { partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, lowWatermark: low, highWatermark: high, records: high - low };
  });
  return {
    name: topic,
    partitions,
    configs: entries
      .filter((e) => opts.allConfigs || e.source === 'DYNAMIC_TOPIC_CONFIG')
      .map((e) => ({ name: e.name, value: e.sensitive ? null : e.value, isDefault: e.source === 'DEFAULT_CONFIG', sensitive: e.sensitive })),
  };
}

export function describeView(d: TopicDescription): View {
  const rows = d.partitions.map((p) => [p.partition, p.leader, p.replicas.join(','), p.isr.join(','), p.lowWatermark, p.highWatermark, p.records]);
  return {
    head: ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOW', 'HIGH', 'RECORDS'],
    rows,
    json: d,
    sections: [{ title: 'CONFIGS', view: { head: ['NAME', 'VALUE'], rows: d.configs.map((c) => [c.name, c.sensitive ? '(sensitive)' : c.value]) } }],
  };
}

/** Several topics: each one's tables under a `TOPIC name` line; JSON is an array. */
export function describeAllView(all: TopicDescription[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(all) + '\n';
  return all.map((d) => `TOPIC ${d.name}\n` + render(describeView(d), format)).join('\n');
}

async function topicNames(admin: KafkaAdmin, internal: boolean): Promise<string[]> {
  return (await admin.listTopics()).filter((n) => internal || !n.startsWith('__')).sort();
}

export const describeCommand: CommandFactory = (ctx) => ({
  command: 'describe [topics..]',
  describe: 'Show partitions, leaders, watermarks, record counts and configs of topics (all without a name)',
  builder: (y) =>
    y
      .positional('topics', { type: 'string', array: true, describe: 'Topic names (default: every topic)' })
      .options({
        'all-configs': { type: 'boolean', default: false, describe: 'Show every config, not only those set on the topic' },
        internal: { type: 'boolean', default: false, describe: 'With no name: include internal topics such as __consumer_offsets' },
        ...outputOption,
      })
      .example('$0 topics describe orders', 'Partitions and watermarks')
      .example('$0 topics describe orders -o json', 'The same as JSON')
      .example('$0 topics describe', 'Every topic, as kafka-topics.sh --describe does'),
  handler: async (argv) => {
    const given = ((argv.topics as string[] | undefined) ?? []).map(validateTopicName);
    const format = argv.output as OutputFormat | undefined;
    const all = await withAdmin(connectionFrom(ctx, argv), ctx.io, async (admin) => {
      const names = given.length ? given : await topicNames(admin, argv.internal as boolean);
      const out: TopicDescription[] = [];
      for (const topic of names) out.push(await describeTopic(admin, topic, { allConfigs: argv.allConfigs as boolean }));
      return out;
    });
    // One topic named: the same tables and JSON object as before several were possible.
    if (given.length === 1) printView(ctx.io, describeView(all[0]!), format);
    else ctx.io.stdout.write(describeAllView(all, resolveFormat(format, ctx.io.stdout)));
  },
});
