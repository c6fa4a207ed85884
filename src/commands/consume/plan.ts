import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { UsageError } from '../../errors.js';
import { isRetriable } from '../../kafka/errors.js';
import { partitionForKey } from '../produce/partitioner.js';
import { resolveStartOffsets, stopOffsets, type OffsetSpec, type PartitionRange, type UntilSpec } from './offsets.js';
import { tpKey, type TopicPartition } from './topics.js';

/** Where a run starts and, for --exit and --until, where it ends. */
export interface ConsumePlan {
  /** The partitions this run may read, topic by topic (with a group, the group decides which of them it gets). */
  partitions: TopicPartition[];
  /** Where each partition starts (by tpKey): the committed offset or the start option. */
  positions: Map<string, number>;
  /** Where each partition stops (exclusive): its end when the run started, or --until's offset before it. */
  ends: Map<string, number>;
  /** Messages for stderr about choices made (offsets moved into range, committed offsets used, the partition of a key). */
  notes: string[];
}

export interface PlanOptions {
  topics: string[];
  partitions?: number[];
  offset?: OffsetSpec;
  until?: UntilSpec;
  group?: string;
  /** --key: read only the partition the key hashes to, unless --partition or --all-partitions says otherwise. */
  key?: Buffer;
  allPartitions?: boolean;
}

export async function planConsume(admin: KafkaAdmin, opts: PlanOptions, topics = opts.topics): Promise<ConsumePlan> {
  const plan: ConsumePlan = { partitions: [], positions: new Map(), ends: new Map(), notes: [] };
  const committed = opts.group && topics.length > 0 ? await committedOffsets(admin, opts.group, topics) : new Map<string, number>();
  if (opts.offset && committed.size > 0) {
    plan.notes.push(`group '${opts.group}' resumes from its committed offsets; the start option applies only to partitions without one`);
  }
  for (const topic of topics) await planTopic(admin, opts, topic, committed, plan);
  return plan;
}

async function planTopic(admin: KafkaAdmin, opts: PlanOptions, topic: string, committed: Map<string, number>, plan: ConsumePlan): Promise<void> {
  const all = await admin.watermarks(topic);
  const ranges = opts.partitions ? selectPartitions(all, opts.partitions, topic) : keyPartition(all, topic, opts, plan.notes);
  const fresh = ranges.filter((r) => !committed.has(tpKey(topic, r.partition)));
  for (const s of await resolveStartOffsets(admin, topic, opts.offset ?? { kind: 'latest' }, fresh)) {
    plan.positions.set(tpKey(topic, s.partition), s.offset);
    if (s.clamped) plan.notes.push(`${topic} partition ${s.partition}: ${s.clamped}`);
  }
  for (const r of ranges) {
    const at = committed.get(tpKey(topic, r.partition));
    if (at !== undefined) plan.positions.set(tpKey(topic, r.partition), at);
  }
  const until = opts.until ?? { kind: 'end' };
  const byTime = until.kind === 'time' ? await admin.offsetsByTime(topic, until.time) : undefined;
  for (const [partition, end] of stopOffsets(until, ranges, byTime)) plan.ends.set(tpKey(topic, partition), end);
  plan.partitions.push(...ranges.map((r) => ({ topic, partition: r.partition })));
}

/**
 * With --key, the one partition Kafka's default partitioner (murmur2, as the Java producer and
 * `kstream produce`) puts the key in: the others cannot hold it, unless a custom partitioner wrote them.
 */
function keyPartition(all: PartitionRange[], topic: string, opts: PlanOptions, notes: string[]): PartitionRange[] {
  if (!opts.key || opts.allPartitions || all.length === 0) return all;
  const partition = partitionForKey(opts.key, all.length);
  notes.push(`--key: reading only ${topic} partition ${partition} of ${all.length}, where the default (murmur2) partitioner puts this key; a topic written with a custom partitioner needs --all-partitions`);
  return all.filter((r) => r.partition === partition);
}

function selectPartitions(all: PartitionRange[], wanted: number[], topic: string): PartitionRange[] {
  const byId = new Map(all.map((r) => [r.partition, r]));
  return [...new Set(wanted)].sort((a, b) => a - b).map((p) => {
    const range = byId.get(p);
    if (!range) {
      throw new UsageError(`topic '${topic}' has no partition ${p}`, { hint: `it has ${all.length} partition(s): 0 to ${all.length - 1}` });
    }
    return range;
  });
}

/** The committed offset of each partition (by tpKey) of `topics` that has one. */
export async function committedOffsets(admin: KafkaAdmin, group: string, topics: string[], attempts?: number): Promise<Map<string, number>> {
  const committed = await whileCoordinatorLoads(() => admin.committedOffsets(group, topics), attempts);
  const out = new Map<string, number>();
  for (const [topic, partitions] of committed) {
    for (const [partition, offset] of partitions) out.set(tpKey(topic, partition), offset);
  }
  return out;
}

/** Retries `fn` while the group coordinator is starting up (a new broker creating __consumer_offsets). */
export async function whileCoordinatorLoads<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isRetriable(err)) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
