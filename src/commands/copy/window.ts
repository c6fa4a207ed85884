// --from and --until of `kstream copy`: where a new copy starts and where any copy stops, per partition.
import type { Admin } from '../../kafkajs.js';
import { KstreamError, UsageError } from '../../errors.js';
import { fetchRanges, parseOffsetSpec, resolveStartOffsets, type OffsetSpec } from '../consume/offsets.js';

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
export async function resolveBound(admin: Admin, topic: string, spec: OffsetSpec): Promise<PartitionOffset[]> {
  const ranges = await fetchRanges(admin, topic);
  const starts = await resolveStartOffsets(admin, topic, spec, ranges);
  return starts.map((s) => ({ topic, partition: s.partition, offset: BigInt(s.offset) }));
}

/**
 * Commits the --from offsets for a group that has none, so the copy (pipeline stage or at-least-once
 * loop, which both resume from the group) starts there. A group with commits resumes where it was:
 * returns false, and the caller says that --from was not applied.
 */
export async function seedGroup(admin: Admin, group: string, topic: string, from: OffsetSpec | undefined): Promise<boolean> {
  if (!from) return false;
  const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  if (committed.some((t) => t.partitions.some((p) => Number(p.offset) >= 0))) return false;
  const starts = await resolveBound(admin, topic, from);
  try {
    await admin.setOffsets({ groupId: group, topic, partitions: starts.map((s) => ({ partition: s.partition, offset: s.offset.toString() })) });
  } catch (err) {
    throw new KstreamError(`cannot set the start offsets of consumer group '${group}': ${(err as Error).message}`, {
      hint: 'is another copy with this group running? stop it, or pass another --group', cause: err,
    });
  }
  return true;
}
