// --from and --until of `kstream copy`: where a new copy starts and where any copy stops, per partition.
import type { KafkaAdmin } from '../../kafka/admin/index.js';
import { KstreamError, UsageError } from '../../errors.js';
import { isRetriable } from '../../kafka/errors.js';
import { parseOffsetSpec, resolveStartOffsets, type OffsetSpec } from '../consume/offsets.js';

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

const HINT = 'use beginning, end, an offset N, or @TIME (epoch ms or ISO-8601, e.g. @2026-01-31T12:00:00Z)';

/** --from/--until: beginning, end, N (the same offset in every partition) or @TIME. */
export function parseBound(text: string, flag: '--from' | '--until'): OffsetSpec {
  let spec: OffsetSpec;
  try {
    spec = parseOffsetSpec(text);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(`${flag} '${text}' is not an offset or a time`, { hint: HINT });
  }
  if (spec.kind === 'last') throw new UsageError(`${flag} '${text}': a copy takes no "last N records"`, { hint: HINT });
  return spec;
}

/** The offset each partition of `topic` starts or stops at, for a bound. */
export async function resolveBound(admin: KafkaAdmin, topic: string, spec: OffsetSpec): Promise<PartitionOffset[]> {
  const ranges = await admin.watermarks(topic);
  const starts = await resolveStartOffsets(admin, topic, spec, ranges);
  return starts.map((s) => ({ topic, partition: s.partition, offset: BigInt(s.offset) }));
}

/**
 * Retries what a broker refuses for now (a new cluster's group coordinator is not ready at first,
 * NOT_COORDINATOR), for at most `timeoutMs`.
 */
export async function whileRetriable<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetriable(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Commits the --from offsets for a group that has none, so the copy (pipeline stage or at-least-once
 * loop, which both resume from the group) starts there. A group with commits resumes where it was:
 * returns false, and the caller says that --from was not applied.
 */
export async function seedGroup(admin: KafkaAdmin, group: string, topic: string, from: OffsetSpec | undefined, timeoutMs: number): Promise<boolean> {
  if (!from) return false;
  const committed = await whileRetriable(timeoutMs, () => admin.committedOffsets(group, [topic]));
  if (committed.size > 0) return false;
  const starts = await resolveBound(admin, topic, from);
  try {
    await whileRetriable(timeoutMs, () => admin.commitOffsets(group, starts.map((s) => ({ topic, partition: s.partition, offset: Number(s.offset) }))));
  } catch (err) {
    throw new KstreamError(`cannot set the start offsets of consumer group '${group}': ${(err as Error).message}`, {
      hint: 'is another copy with this group running? stop it, or pass another --group', cause: err,
    });
  }
  return true;
}

/**
 * A stage commits whole fetched batches, so a partition's committed offset may pass --until (the
 * records past it were dropped, not copied). Moves such offsets back to --until, so that a later copy
 * with this group goes on from exactly there.
 */
export async function clampToUntil(admin: KafkaAdmin, group: string, until: PartitionOffset[], timeoutMs: number): Promise<void> {
  const committed = await whileRetriable(timeoutMs, () => admin.committedOffsets(group, [...new Set(until.map((u) => u.topic))]));
  for (const [topic, partitions] of committed) {
    const back = [...partitions]
      .map(([partition, offset]) => ({ partition, offset, end: until.find((u) => u.topic === topic && u.partition === partition)?.offset }))
      .filter(({ offset, end }) => end !== undefined && BigInt(offset) > end)
      .map(({ partition, end }) => ({ topic, partition, offset: Number(end!) }));
    if (back.length) await whileRetriable(timeoutMs, () => admin.commitOffsets(group, back));
  }
}
