import type { Admin } from '../../kafka/kafkajs.js';
import { UsageError } from '../../errors.js';
import { parseTimestamp } from '../../util/time.js';

/** Where to start reading each partition. */
export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'absolute'; offset: number }
  /** The last `count` records of each partition. */
  | { kind: 'last'; count: number }
  /** The first record at or after `time` (ms since the epoch). */
  | { kind: 'time'; time: number };

const OFFSET_HINT = 'use earliest, latest, N, -N (the last N records) or @TIME (epoch ms or ISO-8601, e.g. @2026-01-31T12:00:00Z)';

/** Parses `--offset earliest|latest|N|-N|@TIME`. */
export function parseOffsetSpec(text: string): OffsetSpec {
  const t = text.trim();
  if (t === 'earliest' || t === 'beginning') return { kind: 'earliest' };
  if (t === 'latest' || t === 'end') return { kind: 'latest' };
  if (/^\d+$/.test(t)) return { kind: 'absolute', offset: safeInteger(t, text) };
  if (/^-\d+$/.test(t)) return { kind: 'last', count: safeInteger(t.slice(1), text) };
  if (t.startsWith('@')) return { kind: 'time', time: parseTime(t.slice(1)) };
  throw new UsageError(`--offset '${text}' is not an offset`, { hint: OFFSET_HINT });
}

function safeInteger(digits: string, original: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw new UsageError(`--offset '${original}' is too large`, { hint: OFFSET_HINT });
  return n;
}

/** The time of `--offset @TIME`: see parseTimestamp for the rule. */
export function parseTime(text: string, flag = '--offset'): number {
  const ms = parseTimestamp(text);
  if (ms === undefined) throw new UsageError(`${flag} '${flag === '--offset' ? '@' : ''}${text}' is not a time`, { hint: OFFSET_HINT });
  return ms;
}

export interface PartitionRange {
  partition: number;
  /** First offset still stored. */
  low: number;
  /** Offset the next record will get (the last stable offset for read_committed). */
  high: number;
}

export async function fetchRanges(admin: Admin, topic: string): Promise<PartitionRange[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
    .sort((a, b) => a.partition - b.partition);
}

export interface StartOffset {
  partition: number;
  offset: number;
  /** Set when the requested offset was outside the partition and was moved into it. */
  clamped?: string;
}

/** The offset each partition starts at; `byTime` answers @TIME (admin.fetchTopicOffsetsByTimestamp). */
export function startOffsets(spec: OffsetSpec, ranges: PartitionRange[], byTime: Map<number, number> = new Map()): StartOffset[] {
  return ranges.map(({ partition, low, high }) => {
    switch (spec.kind) {
      case 'earliest':
        return { partition, offset: low };
      case 'latest':
        return { partition, offset: high };
      case 'last':
        return { partition, offset: Math.max(low, high - spec.count) };
      case 'time':
        return { partition, offset: Math.max(low, byTime.get(partition) ?? high) };
      case 'absolute':
        if (spec.offset < low) return { partition, offset: low, clamped: `offset ${spec.offset} was deleted; starting at ${low}` };
        if (spec.offset > high) return { partition, offset: high, clamped: `offset ${spec.offset} is past the end; starting at ${high}` };
        return { partition, offset: spec.offset };
    }
  });
}

/** Resolves a spec against the cluster for the given partitions (all of `ranges`). */
export async function resolveStartOffsets(admin: Admin, topic: string, spec: OffsetSpec, ranges: PartitionRange[]): Promise<StartOffset[]> {
  const byTime = new Map<number, number>();
  if (spec.kind === 'time') {
    for (const o of await admin.fetchTopicOffsetsByTimestamp(topic, spec.time)) byTime.set(o.partition, Number(o.offset));
  }
  return startOffsets(spec, ranges, byTime);
}
