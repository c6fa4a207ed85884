import { withAdmin, type KafkaAdmin } from '../../kafka/admin/index.js';
import type { CommandFactory } from '../command.js';
import { connectionFrom } from '../command.js';
import type { Connection } from '../../kafka/connection.js';
import type { Context } from '../../context.js';
import { outputOption, printView, render, resolveFormat, type OutputFormat, type View } from '../../output.js';
import { requireTopics, validateTopicName } from '../../kafka/topic.js';
import { countRecords } from '../../kafka/fetch/count.js';
import { watchSignals } from '../../signals.js';
import { matchTopics, parseRegex } from './regex.js';

export interface PartitionDescription {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  lowWatermark: number;
  highWatermark: number;
  /**
   * Exact with --count (records a read_committed consumer sees, up to the last stable offset);
   * otherwise high - low, an upper bound: transaction markers, aborted records and compacted
   * offsets are in it.
   */
  records: number;
  recordsExact: boolean;
}

export interface TopicDescription {
  name: string;
  /** min.insync.replicas of the topic, its own or the broker's. */
  minIsr: number;
  /** Names of the configs set on the topic itself (kafka-topics.sh's "overrides"). */
  overrides: string[];
  partitions: PartitionDescription[];
  configs: Array<{ name: string; value: string | null; isDefault: boolean; sensitive: boolean }>;
}

export interface PartitionFilters {
  underReplicated?: boolean;
  unavailable?: boolean;
  atMinIsr?: boolean;
  underMinIsr?: boolean;
  withOverrides?: boolean;
}

export async function describeTopic(admin: KafkaAdmin, topic: string, opts: { allConfigs: boolean }): Promise<TopicDescription> {
  await requireTopics(admin, [topic]);
  return describeKnownTopic(admin, topic, opts);
}

async function describeKnownTopic(admin: KafkaAdmin, topic: string, opts: { allConfigs: boolean }): Promise<TopicDescription> {
  const [[info], marks, entries] = await Promise.all([
    admin.describeTopics([topic]),
    admin.watermarks(topic),
    admin.describeConfigs({ type: 'topics', name: topic }),
  ]);
  const byPartition = new Map(marks.map((o) => [o.partition, o]));
  const partitions = info!.partitions.map((p) => {
    const { low = 0, high = 0 } = byPartition.get(p.partition) ?? {};
    return { partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, lowWatermark: low, highWatermark: high, records: high - low, recordsExact: false };
  });
  const own = (e: { source: string }) => e.source === 'DYNAMIC_TOPIC_CONFIG';
  return {
    name: topic,
    minIsr: Number(entries.find((e) => e.name === 'min.insync.replicas')?.value ?? 1),
    overrides: entries.filter(own).map((e) => e.name).sort(),
    partitions,
    configs: entries
      .filter((e) => opts.allConfigs || own(e))
      .map((e) => ({ name: e.name, value: e.sensitive ? null : e.value, isDefault: e.source === 'DEFAULT_CONFIG', sensitive: e.sensitive })),
  };
}

/** kafka-topics.sh's filters: partitions matching any given one are kept, topics left without partitions dropped. */
export function applyFilters(all: TopicDescription[], f: PartitionFilters): TopicDescription[] {
  const byPartition = f.underReplicated || f.unavailable || f.atMinIsr || f.underMinIsr;
  return all
    .filter((d) => !f.withOverrides || d.overrides.length > 0)
    .map((d) => !byPartition ? d : {
      ...d,
      partitions: d.partitions.filter((p) =>
        (f.underReplicated && p.isr.length < p.replicas.length) ||
        (f.unavailable && p.leader < 0) ||
        (f.atMinIsr && p.isr.length === d.minIsr) ||
        (f.underMinIsr && p.isr.length < d.minIsr)),
    })
    .filter((d) => !byPartition || d.partitions.length > 0);
}

export function describeView(d: Pick<TopicDescription, 'name' | 'partitions' | 'configs'>): View {
  const exact = d.partitions.length > 0 && d.partitions.every((p) => p.recordsExact);
  const rows = d.partitions.map((p) => [p.partition, p.leader, p.replicas.join(','), p.isr.join(','), p.lowWatermark, p.highWatermark, p.records]);
  return {
    // "~": high - low, which counts transaction markers, aborted and compacted records (see --count).
    head: ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOW', 'HIGH', exact ? 'RECORDS' : '~RECORDS'],
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

async function topicNames(admin: KafkaAdmin, internal: boolean, regex?: RegExp): Promise<string[]> {
  const names = (await admin.listTopics()).filter((n) => internal || regex || !n.startsWith('__'));
  return (regex ? matchTopics(names, regex) : names).sort();
}

/** Replaces each partition's high - low by the records a consumer would read. */
async function addCounts(ctx: Context, conn: Connection, all: TopicDescription[]): Promise<void> {
  const interruption = watchSignals(ctx);
  try {
    for (const d of all) {
      const counts = await countRecords(conn, ctx.io, d.name, { requestTimeoutMs: conn.timeoutMs, signal: interruption.signal, note: (l) => ctx.io.stderr.write(l + '\n') });
      interruption.throwIfInterrupted();
      for (const p of d.partitions) {
        const c = counts.find((x) => x.partition === p.partition);
        if (c) Object.assign(p, { records: c.records, recordsExact: true });
      }
    }
  } finally {
    interruption.dispose();
  }
}

export const describeCommand: CommandFactory = (ctx) => ({
  command: 'describe [topics..]',
  describe: 'Show partitions, leaders, watermarks, record counts and configs of topics (all without a name)',
  builder: (y) =>
    y
      .positional('topics', { type: 'string', array: true, describe: 'Topic names (default: every topic)' })
      .options({
        regex: { type: 'string', describe: 'Topics whose whole name matches this regular expression', requiresArg: true },
        count: { type: 'boolean', default: false, describe: 'Count the records by reading the topic (without it, RECORDS is high - low: an upper bound)' },
        'under-replicated-partitions': { type: 'boolean', describe: 'Only partitions with fewer in-sync replicas than replicas' },
        'unavailable-partitions': { type: 'boolean', describe: 'Only partitions without a leader' },
        'at-min-isr-partitions': { type: 'boolean', describe: 'Only partitions whose ISR is exactly min.insync.replicas' },
        'under-min-isr-partitions': { type: 'boolean', describe: 'Only partitions whose ISR is below min.insync.replicas' },
        'topics-with-overrides': { type: 'boolean', describe: 'Only topics with configs set on the topic itself' },
        'all-configs': { type: 'boolean', default: false, describe: 'Show every config, not only those set on the topic' },
        internal: { type: 'boolean', default: false, describe: 'With no name: include internal topics such as __consumer_offsets' },
        ...outputOption,
      })
      .example('$0 topics describe orders', 'Partitions and watermarks; ~RECORDS is high - low')
      .example('$0 topics describe orders --count', 'The exact number of records, without transaction markers or aborted records')
      .example('$0 topics describe orders payments -o json', 'Two topics, as a JSON array')
      .example("$0 topics describe --regex 'orders-.*'", 'Every topic whose name matches')
      .example('$0 topics describe --under-replicated-partitions', 'Partitions missing an in-sync replica, on every topic')
      .example('$0 topics describe', 'Every topic, as kafka-topics.sh --describe does'),
  handler: async (argv) => {
    const given = ((argv.topics as string[] | undefined) ?? []).map(validateTopicName);
    const regex = argv.regex === undefined ? undefined : parseRegex(argv.regex as string);
    const format = argv.output as OutputFormat | undefined;
    const filters: PartitionFilters = {
      underReplicated: argv.underReplicatedPartitions as boolean, unavailable: argv.unavailablePartitions as boolean,
      atMinIsr: argv.atMinIsrPartitions as boolean, underMinIsr: argv.underMinIsrPartitions as boolean, withOverrides: argv.topicsWithOverrides as boolean,
    };
    const conn = connectionFrom(ctx, argv);
    const all = await withAdmin(conn, ctx.io, async (admin) => {
      if (given.length) await requireTopics(admin, given);
      const names = [...new Set([...given, ...(given.length && !regex ? [] : await topicNames(admin, argv.internal as boolean, regex))])];
      const out: TopicDescription[] = [];
      for (const topic of names) out.push(await describeKnownTopic(admin, topic, { allConfigs: argv.allConfigs as boolean }));
      const shown = applyFilters(out, filters);
      if (argv.count) await addCounts(ctx, conn, shown);
      return shown;
    });
    // One topic named: the same tables and JSON object as before several were possible.
    if (given.length === 1 && !regex && all.length === 1) printView(ctx.io, describeView(all[0]!), format);
    else ctx.io.stdout.write(describeAllView(all, resolveFormat(format, ctx.io.stdout)));
  },
});
