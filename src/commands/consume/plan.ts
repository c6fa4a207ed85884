import type { Admin } from '../../kafka/kafkajs.js';
import { UsageError } from '../../errors.js';
import { rootCause } from '../../kafka/errors.js';
import { requireTopics } from '../../kafka/topic.js';
import { fetchRanges, resolveStartOffsets, type OffsetSpec, type PartitionRange, type StartOffset } from './offsets.js';

/** Where a run starts and, for --exit, where it ends. */
export interface ConsumePlan {
  /** The partitions this run may read (with a group, the group decides which of them it gets). */
  partitions: number[];
  /** Partitions to move before the first fetch. */
  seeks: StartOffset[];
  /** Where each partition starts: the committed offset or the seek. */
  positions: Map<number, number>;
  /** The high watermark (last stable offset) of each partition when the run started. */
  ends: Map<number, number>;
  /** Messages for stderr about choices made (offsets moved into range, committed offsets used). */
  notes: string[];
}

export interface PlanOptions {
  topic: string;
  partitions?: number[];
  offset?: OffsetSpec;
  group?: string;
}

export async function planConsume(admin: Admin, opts: PlanOptions): Promise<ConsumePlan> {
  await requireTopics(admin, [opts.topic]);
  const all = await fetchRanges(admin, opts.topic);
  const ranges = opts.partitions ? selectPartitions(all, opts.partitions, opts.topic) : all;
  const spec = opts.offset ?? { kind: 'latest' };
  const notes: string[] = [];
  let fresh = ranges;
  const positions = new Map<number, number>();
  if (opts.group) {
    const committed = await committedOffsets(admin, opts.group, opts.topic);
    for (const [partition, offset] of committed) positions.set(partition, offset);
    fresh = ranges.filter((r) => !committed.has(r.partition));
    if (opts.offset && committed.size > 0) {
      notes.push(`group '${opts.group}' resumes from its committed offsets; the start option applies only to partitions without one`);
    }
  }
  const seeks = await resolveStartOffsets(admin, opts.topic, spec, fresh);
  for (const s of seeks) {
    positions.set(s.partition, s.offset);
    if (s.clamped) notes.push(`partition ${s.partition}: ${s.clamped}`);
  }
  return {
    partitions: ranges.map((r) => r.partition),
    seeks,
    positions,
    ends: new Map(ranges.map((r) => [r.partition, r.high])),
    notes,
  };
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

/** The committed offset of each partition of `topic` that has one. */
export async function committedOffsets(admin: Admin, group: string, topic: string, attempts?: number): Promise<Map<number, number>> {
  const [entry] = await whileCoordinatorLoads(() => admin.fetchOffsets({ groupId: group, topics: [topic] }), attempts);
  const out = new Map<number, number>();
  for (const p of entry?.partitions ?? []) {
    if (Number(p.offset) >= 0) out.set(p.partition, Number(p.offset));
  }
  return out;
}

/** Retries `fn` while the group coordinator is starting up (a new broker creating __consumer_offsets). */
export async function whileCoordinatorLoads<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const root = rootCause(err) as { retriable?: boolean };
      if (attempt >= attempts || root?.retriable !== true) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
