// DeleteRecords through kafkajs's admin, reported per partition: kafkajs throws one error for
// the whole call, with the failed partitions inside; the others were deleted all the same.
import { kafkajsOf } from '../client.js';
import type { Admin } from '../kafkajs.js';
import type { AdminSession } from './session.js';
import { errorName } from '../protocol/errors.js';

/** offset -1: up to the high watermark (every record), as in kafka-delete-records.sh's JSON. */
export interface DeleteTarget { topic: string; partition: number; offset: number }

export interface DeleteResult extends DeleteTarget {
  /** The partition's first offset afterwards; undefined when it failed. */
  lowWatermark?: number;
  error?: string;
}

interface PartitionFailure { partition: number; error?: { type?: string; message?: string; code?: number } }

export async function deleteRecords(s: AdminSession, targets: DeleteTarget[]): Promise<DeleteResult[]> {
  const admin = kafkajsOf(s.kafka).admin();
  await admin.connect();
  try {
    return await deleteWith(admin, s, targets);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function deleteWith(admin: Admin, s: AdminSession, targets: DeleteTarget[]): Promise<DeleteResult[]> {
  const byTopic = new Map<string, DeleteTarget[]>();
  for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t]);
  const out: DeleteResult[] = [];
  for (const [topic, parts] of byTopic) {
    const failed = new Map<number, string>();
    try {
      // kafkajs's deleteTopicRecords looks the leaders up before it loads the topic's metadata.
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: parts.map((p) => ({ partition: p.partition, offset: String(p.offset) })) });
    } catch (err) {
      const partitions = failuresIn(err);
      if (!partitions) throw err;
      for (const f of partitions) failed.set(f.partition, f.error?.type ?? (f.error?.code !== undefined ? errorName(f.error.code) : undefined) ?? f.error?.message ?? 'failed');
    }
    const lows = new Map((await s.admin.watermarks(topic)).map((o) => [o.partition, o.low]));
    for (const p of parts) out.push(failed.has(p.partition) ? { ...p, error: failed.get(p.partition) } : { ...p, lowWatermark: lows.get(p.partition) });
  }
  return out;
}

/** kafkajs's retrier wraps the error that lists the partitions (as `cause`, or `originalError`). */
function failuresIn(err: unknown): PartitionFailure[] | undefined {
  type Wrapped = { partitions?: PartitionFailure[]; originalError?: unknown; cause?: unknown } | undefined;
  for (let e = err as Wrapped, depth = 0; e && depth < 5; e = (e.cause ?? e.originalError) as Wrapped, depth++) {
    if (Array.isArray(e.partitions)) return e.partitions;
  }
  return undefined;
}
